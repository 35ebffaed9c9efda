import * as vscode from 'vscode';
import { isNoise } from '../logic/logFilter';

// filteredChannel is the output channel handed to the language client: the
// same "Insomnia" channel, minus the lines logic/logFilter.ts calls noise.
export function filteredChannel(out: vscode.OutputChannel): vscode.OutputChannel {
  return {
    get name() {
      return out.name;
    },
    append: (v: string) => (isNoise(v) ? undefined : out.append(v)),
    appendLine: (v: string) => (isNoise(v) ? undefined : out.appendLine(v)),
    replace: (v: string) => out.replace(v),
    clear: () => out.clear(),
    show: (...args: unknown[]) => (out.show as (...a: unknown[]) => void).apply(out, args),
    hide: () => out.hide(),
    // The extension owns the real channel and disposes it.
    dispose: () => undefined,
  };
}
