import * as vscode from 'vscode';
import { Server } from './client';
import { needsRestart } from './logic/settings';
import { CommandHandlers } from './ui/commands';
import { CompareView } from './ui/compare';
import { ManifestView } from './ui/manifestView';
import { suggestNixGrammar } from './ui/nixGrammar';
import { ProfileStatusUI } from './ui/profileStatus';

let server: Server | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Insomnia');
  server = new Server(ctx, log);
  const status = new ProfileStatusUI(server);
  const manifests = new ManifestView(server);
  const commands = new CommandHandlers(server, status, manifests);
  ctx.subscriptions.push(log, server, status, manifests, ...commands.register());
  ctx.subscriptions.push(new CompareView(server));

  ctx.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('insomnia')) return;
      if (needsRestart((s) => e.affectsConfiguration(s))) void server?.restart();
      else void server?.sendSettings();
    }),
    // Trust is only ever granted while running (revoking reloads the window); the
    // server's restricted mode is fixed at start, so a restart applies it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.appendLine('[client] workspace trusted: restarting the server without restrictions');
      void server?.restart();
    }),
  );
  suggestNixGrammar(ctx);
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
