import * as path from 'path';
import type { PodResult } from './types';

// Pod names are folder names under the pod store: the characters the insomnia
// TUI lets one type (contract §3: [A-Za-z0-9._-]), never `.` or `..`.
const podName = /^[A-Za-z0-9._-]{1,255}$/;

// validatePodName returns an error text, or undefined when the name is usable;
// an empty name is fine: the server then proposes one.
export function validatePodName(name: string): string | undefined {
  if (name === '') return undefined;
  if (!podName.test(name) || name === '.' || name === '..') {
    return 'Use letters, digits, dots, dashes and underscores (not "." or "..").';
  }
  return undefined;
}

export interface SpawnArgs {
  profile: string;
  name?: string;
}

export function spawnArgs(profile: string, name: string): SpawnArgs {
  return name === '' ? { profile } : { profile, name };
}

export interface TerminalSpec {
  name: string;
  shellPath: string;
  shellArgs: string[];
}

// attachTerminal turns the server's `attach` argv into an integrated terminal
// that runs it directly (no shell, so no quoting issues).
export function attachTerminal(res: PodResult | undefined): TerminalSpec {
  if (!res || typeof res.podName !== 'string' || res.podName === '') {
    throw new Error('the server returned no pod name');
  }
  const argv = res.attach;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a !== '')) {
    throw new Error(`the server returned no attach command for pod ${res.podName}`);
  }
  return { name: `insomnia: ${res.podName}`, shellPath: argv[0], shellArgs: argv.slice(1) };
}

// resolveOnPath finds a bare program name on PATH as the extension host sees it.
// VS Code starts terminals with the login shell's environment, whose PATH may
// lack the folder the server found the insomnia tools in; an absolute path
// makes the terminal run the same program the server would.
export function resolveOnPath(
  cmd: string,
  pathEnv: string | undefined,
  isExecutable: (file: string) => boolean,
  delimiter = path.delimiter,
): string {
  if (cmd.includes('/') || cmd.includes('\\') || !pathEnv) return cmd;
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, cmd);
    if (isExecutable(file)) return file;
  }
  return cmd;
}

// launchSpec decides how the terminal starts the attach program: by absolute
// path when the extension host finds it, else through /usr/bin/env so the
// terminal's own PATH (login shell, terminal.integrated.env) is searched, and a
// missing program is reported inside the terminal where the user sees it.
export function launchSpec(spec: TerminalSpec, resolved: string, platform: string): TerminalSpec {
  if (resolved !== spec.shellPath || platform === 'win32') return { ...spec, shellPath: resolved };
  return { ...spec, shellPath: '/usr/bin/env', shellArgs: [spec.shellPath, ...spec.shellArgs] };
}

// clientArgs reads the single argument object of insomnia.client.* commands; a
// lens passes {profile, uri}, a menu passes a Uri, the palette passes nothing.
export function firstObject(args: unknown[]): Record<string, unknown> | undefined {
  const a = args[0];
  return a && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : undefined;
}
