// The `insomnia` settings as the server reads them (docs/server-contract.md),
// built from VS Code's configuration. The same object goes in initializationOptions
// and in workspace/configuration answers, so the server sees one view either way;
// only initializationOptions carries trust (see initOptions).

export interface ServerSettings {
  nixPath: string;
  evaluation: { timeoutMs: number; debounceMs: number; maxConcurrent: number; passEnv: string[] };
  pod: { command: string; readyTimeoutMs: number };
  inlayHints: { enable: boolean };
}

// What the server is started with: the settings plus Workspace Trust.
export interface InitOptions extends ServerSettings {
  trusted: boolean;
}

export const defaults: ServerSettings = {
  nixPath: 'nix-instantiate',
  evaluation: { timeoutMs: 10000, debounceMs: 200, maxConcurrent: 0, passEnv: [] },
  pod: { command: '', readyTimeoutMs: 60000 },
  inlayHints: { enable: true },
};

// The bounds the server clamps to, mirrored as minimum/maximum in package.json, so a
// setting cannot lift a limit. maxConcurrent: the server also caps it at the CPU count.
export const bounds = {
  timeoutMs: { min: 100, max: 60000 },
  debounceMs: { min: 0, max: 2000 },
  maxConcurrent: { min: 0, max: 64 },
  readyTimeoutMs: { min: 1000, max: 300000 },
};

// get reads one dotted key below `insomnia` (e.g. "evaluation.timeoutMs").
export type Getter = (key: string) => unknown;

function str(v: unknown, d: string): string {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : d;
}

// names keeps the strings of a list setting that look like variable names
// (a trailing * is a prefix): anything else would never match.
function names(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string' && /^[A-Za-z_][A-Za-z0-9_]*\*?$/.test(x));
}

function int(v: unknown, d: number, b: { min: number; max: number }): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return d;
  return Math.min(b.max, Math.max(b.min, Math.round(v)));
}

// trusted: Workspace Trust. Settings that name a program (nixPath, pod.command) run
// it, so an untrusted workspace gets the defaults whatever the settings say; they are
// also restrictedConfigurations in package.json, and the server ignores them there too.
export function buildSettings(get: Getter, trusted: boolean): ServerSettings {
  const d = defaults;
  return {
    nixPath: trusted ? str(get('nixPath'), d.nixPath) : d.nixPath,
    evaluation: {
      timeoutMs: int(get('evaluation.timeoutMs'), d.evaluation.timeoutMs, bounds.timeoutMs),
      debounceMs: int(get('evaluation.debounceMs'), d.evaluation.debounceMs, bounds.debounceMs),
      maxConcurrent: int(get('evaluation.maxConcurrent'), d.evaluation.maxConcurrent, bounds.maxConcurrent),
      // passEnv is a restrictedConfiguration: an untrusted workspace cannot
      // make the server hand the editor's tokens to Nix.
      passEnv: names(get('evaluation.passEnv')),
    },
    pod: {
      command: trusted ? str(get('pod.command'), d.pod.command) : d.pod.command,
      readyTimeoutMs: int(get('pod.readyTimeoutMs'), d.pod.readyTimeoutMs, bounds.readyTimeoutMs),
    },
    inlayHints: { enable: get('inlayHints.enable') !== false },
  };
}

// initOptions adds trust, which the server takes only from initializationOptions:
// workspace/configuration is reachable from repository files (.vscode/settings.json),
// so a repository could trust itself there.
export function initOptions(settings: ServerSettings, trusted: boolean): InitOptions {
  return { ...settings, trusted: trusted === true };
}

// needsRestart tells whether a changed setting needs a server restart (the
// binary itself) rather than a didChangeConfiguration.
export function needsRestart(changed: (section: string) => boolean): boolean {
  return changed('insomnia.server.path');
}
