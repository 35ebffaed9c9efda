// The `insomnia` settings as the server reads them (docs/server-contract.md),
// built from VS Code's configuration plus Workspace Trust. Used for both
// initializationOptions and workspace/configuration answers, so the server sees
// the same object either way.

export interface ServerSettings {
  nixPath: string;
  evaluation: { timeoutMs: number; debounceMs: number; maxConcurrent: number; passEnv: string[] };
  trusted: boolean;
  pod: { command: string; readyTimeoutMs: number };
}

export const defaults: Omit<ServerSettings, 'trusted'> = {
  nixPath: 'nix-instantiate',
  evaluation: { timeoutMs: 10000, debounceMs: 200, maxConcurrent: 0, passEnv: [] },
  pod: { command: '', readyTimeoutMs: 60000 },
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

function int(v: unknown, d: number, min: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return d;
  return Math.max(min, Math.round(v));
}

export function buildSettings(get: Getter, trusted: boolean): ServerSettings {
  const d = defaults;
  return {
    // nixPath and pod.command are restrictedConfigurations in package.json: in an
    // untrusted workspace VS Code ignores the workspace's value for them.
    nixPath: str(get('nixPath'), d.nixPath),
    evaluation: {
      timeoutMs: int(get('evaluation.timeoutMs'), d.evaluation.timeoutMs, 100),
      debounceMs: int(get('evaluation.debounceMs'), d.evaluation.debounceMs, 0),
      maxConcurrent: int(get('evaluation.maxConcurrent'), d.evaluation.maxConcurrent, 0),
      // passEnv is a restrictedConfiguration: an untrusted workspace cannot
      // make the server hand the editor's tokens to Nix.
      passEnv: names(get('evaluation.passEnv')),
    },
    trusted,
    pod: {
      command: str(get('pod.command'), ''),
      readyTimeoutMs: int(get('pod.readyTimeoutMs'), d.pod.readyTimeoutMs, 1000),
    },
  };
}

// needsRestart tells whether a changed setting needs a server restart (the
// binary itself) rather than a didChangeConfiguration.
export function needsRestart(changed: (section: string) => boolean): boolean {
  return changed('insomnia.server.path');
}
