import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  ApplyWorkspaceEditRequest,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { CrashCounter } from './logic/crash';
import { chooseServer } from './logic/serverPath';
import { buildSettings, initOptions, ServerSettings } from './logic/settings';
import { EvaluationStatusNotification, ProfileStatus } from './logic/types';
import { filteredChannel } from './ui/logChannel';
import { applyAndPersist } from './ui/persist';

export const documentSelector = [
  { scheme: 'file', language: 'nix' },
  { scheme: 'file', pattern: '**/profiles.toml' },
];

export function currentSettings(scope?: vscode.Uri): ServerSettings {
  const cfg = vscode.workspace.getConfiguration('insomnia', scope);
  return buildSettings((key) => cfg.get(key), vscode.workspace.isTrusted);
}

// Server owns the language client: start, stop, restart, and the typed calls
// the UI makes. The UI never holds a LanguageClient, so a restart is invisible to it.
export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<ProfileStatus>();
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  readonly onEvaluationStatus = this.statusEmitter.event;
  readonly onReady = this.readyEmitter.event;

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    readonly log: vscode.OutputChannel,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const choice = chooseServer({
      setting: vscode.workspace.getConfiguration('insomnia').get<string>('server.path', ''),
      extensionPath: this.ctx.extensionPath,
      platform: process.platform,
      arch: process.arch,
      workspaceFolder: folder,
      home: os.homedir(),
      exists: (f) => fs.existsSync(f),
    });
    this.log.appendLine(`[client] starting ${choice.command} (${choice.source}), trusted=${vscode.workspace.isTrusted}`);
    // Text logs: the server's stderr lands in the Insomnia output, read by people.
    const exe = { command: choice.command, args: ['serve', '--log-format', 'text'], transport: TransportKind.stdio };
    const serverOptions: ServerOptions = { run: exe, debug: exe };
    const client = new LanguageClient('insomnia', 'Insomnia Language Server', serverOptions, this.clientOptions());
    this.client = client;
    client.onNotification(EvaluationStatusNotification, (st: ProfileStatus) => this.statusEmitter.fire(st));
    // Registered before start, so it replaces the client's own handler (also
    // after a crash restart): edits to profiles.toml are saved, see ui/persist.ts.
    client.onRequest(ApplyWorkspaceEditRequest.type, (p) => applyAndPersist(client, this.log, p));
    // Running again after a crash restart is a fresh server too: the UI re-reads.
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.readyEmitter.fire();
    });
    try {
      await client.start();
    } catch (err) {
      this.client = undefined;
      void this.reportStartFailure(choice.command, err);
    }
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c && c.state !== State.Stopped) {
      try {
        await c.stop(5000);
      } catch (err) {
        this.log.appendLine(`[client] stop: ${String(err)}`);
      }
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  // exec runs one of the server's commands with its single argument object.
  async exec<T>(command: string, arg: object, token?: vscode.CancellationToken): Promise<T> {
    const c = this.client;
    if (!c || c.state !== State.Running) throw new Error('the Insomnia language server is not running');
    return (await c.sendRequest(ExecuteCommandRequest.type, { command, arguments: [arg] }, token)) as T;
  }

  // sendSettings pushes the whole section after a settings change; the server also
  // pulls it with workspace/configuration.
  async sendSettings(): Promise<void> {
    if (!this.running) return;
    await this.client!.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { insomnia: currentSettings() },
    });
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector,
      outputChannel: filteredChannel(this.log),
      // Trust goes only here; a restart (onDidGrantWorkspaceTrust) sends the new value.
      initializationOptions: initOptions(currentSettings(), vscode.workspace.isTrusted),
      // No synchronize.fileEvents: the server watches the profile folders itself
      // (fsnotify), so file events from here would only double its work.
      errorHandler: new CrashHandler(this.log),
      middleware: {
        workspace: {
          // Answer the `insomnia` section ourselves: clamped, and without the
          // program settings in an untrusted workspace, as in initializationOptions.
          // It never carries trust (the server would ignore it there).
          configuration: async (params, token, next) => {
            const res = await next(params, token);
            if (!Array.isArray(res)) return res;
            return params.items.map((item, i) =>
              item.section === 'insomnia'
                ? currentSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : res[i],
            );
          },
        },
      },
    };
  }

  private async reportStartFailure(command: string, err: unknown): Promise<void> {
    this.log.appendLine(`[client] could not start ${command}: ${String(err)}`);
    const pick = await vscode.window.showErrorMessage(
      `Insomnia: could not start the language server (${command}). Set "insomnia.server.path" or put insomnia-lsp on PATH.`,
      'Show Log',
      'Open Settings',
    );
    if (pick === 'Show Log') this.log.show(true);
    if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'insomnia.server.path');
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
    this.readyEmitter.dispose();
  }
}

// CrashHandler restarts a crashed server a few times, and tells the user each time
// with a button to the log; after too many crashes in a short time it gives up.
export class CrashHandler implements ErrorHandler {
  private readonly crashes = new CrashCounter();
  constructor(
    private readonly log: vscode.OutputChannel,
    private readonly now: () => number = Date.now,
  ) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue, handled: true };
  }

  closed(): CloseHandlerResult {
    const { restart, count } = this.crashes.record(this.now());
    this.log.appendLine(`[client] the server stopped unexpectedly (${count} in 3 minutes)`);
    const msg = restart
      ? 'Insomnia: the language server crashed and was restarted.'
      : `Insomnia: the language server crashed ${count} times in 3 minutes and was not restarted.`;
    void vscode.window.showErrorMessage(msg, 'Show Log', ...(restart ? [] : ['Restart'])).then((pick) => {
      if (pick === 'Show Log') this.log.show(true);
      if (pick === 'Restart') void vscode.commands.executeCommand('insomnia.client.restartServer');
    });
    return { action: restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
  }
}
