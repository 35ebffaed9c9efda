import * as vscode from 'vscode';
import { Server } from '../client';
import * as fs from 'fs';
import { attachTerminal, firstObject, launchSpec, resolveOnPath, spawnArgs, validatePodName } from '../logic/pods';
import { driftSummary, podPickItems, profilePickItems } from '../logic/status';
import { Commands, PodInfo, PodResult, SetDefaultResult } from '../logic/types';
import { ManifestView } from './manifestView';
import { ProfileStatusUI } from './profileStatus';

// targetUri is the profile a command acts on: the Uri a menu passes, the `uri`
// a code lens passes, else the active editor's file.
function targetUri(args: unknown[]): vscode.Uri | undefined {
  if (args[0] instanceof vscode.Uri) return args[0];
  const o = firstObject(args);
  if (o && typeof o.uri === 'string') return vscode.Uri.parse(o.uri);
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.uri.scheme === 'file' ? doc.uri : undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class CommandHandlers {
  constructor(
    private readonly server: Server,
    private readonly status: ProfileStatusUI,
    private readonly manifests: ManifestView,
  ) {}

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (...args: unknown[]) => Promise<void>) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await fn(...args);
        } catch (err) {
          this.server.log.appendLine(`[client] ${id}: ${errorText(err)}`);
          const pick = await vscode.window.showErrorMessage(`Insomnia: ${errorText(err)}`, 'Show Log');
          if (pick) this.server.log.show(true);
        }
      });
    return [
      reg('insomnia.client.spawnPod', (...a) => this.spawn(a)),
      reg('insomnia.client.resumePod', (...a) => this.resume(a)),
      reg('insomnia.client.showResolvedManifest', (...a) => this.showManifest(a)),
      reg('insomnia.client.setDefaultProfile', (...a) => this.setDefault(a)),
      reg('insomnia.client.pickDefaultProfile', () => this.pickDefault()),
      reg('insomnia.client.restartServer', () => this.restart()),
      reg('insomnia.client.showLog', async () => this.server.log.show(true)),
    ];
  }

  private requireTrust(what: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(`Insomnia: ${what} needs a trusted workspace.`, 'Manage Workspace Trust')
      .then((p) => p && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  async spawn(args: unknown[]): Promise<void> {
    if (!this.requireTrust('spawning a pod')) return;
    const o = firstObject(args);
    const uri = targetUri(args);
    const profile = typeof o?.profile === 'string' && o.profile !== '' ? o.profile : uri?.toString();
    if (!profile) throw new Error('open a profile (.nix file) first');
    const name = await vscode.window.showInputBox({
      title: 'Spawn Pod',
      prompt: `Name of the new pod with profile ${o?.profile ?? vscode.workspace.asRelativePath(uri!)} (empty: let insomnia choose)`,
      placeHolder: 'e.g. coder-1',
      validateInput: validatePodName,
    });
    if (name === undefined) return;
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Spawning pod${name ? ` ${name}` : ''}…`, cancellable: true },
      (_p, token) => this.server.exec<PodResult>(Commands.spawnPod, spawnArgs(profile, name.trim()), token),
    );
    this.openTerminal(res);
    for (const w of res.warnings ?? []) void vscode.window.showWarningMessage(`Insomnia: ${w}`);
  }

  async resume(args: unknown[]): Promise<void> {
    if (!this.requireTrust('resuming a pod')) return;
    const o = firstObject(args);
    let name = typeof o?.name === 'string' ? o.name : undefined;
    if (!name) {
      const pods = (await this.server.exec<PodInfo[]>(Commands.listPods, {})) ?? [];
      if (pods.length === 0) {
        void vscode.window.showInformationMessage('Insomnia: there are no pods to resume.');
        return;
      }
      const pick = await vscode.window.showQuickPick(podPickItems(pods), {
        title: 'Resume Pod',
        placeHolder: 'Pod to resume (drift: the profile changed since the pod was started)',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!pick) return;
      name = pick.value.name;
    }
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Resuming pod ${name}…`, cancellable: true },
      (_p, token) => this.server.exec<PodResult>(Commands.resumePod, { name }, token),
    );
    this.openTerminal(res);
    if (res.drift && res.drift.length > 0) {
      void vscode.window.showWarningMessage(`Insomnia: pod ${res.podName} differs from its profile — ${driftSummary(res.drift)}`);
    }
  }

  private openTerminal(res: PodResult): void {
    const argv = attachTerminal(res);
    const spec = launchSpec(argv, resolveOnPath(argv.shellPath, process.env.PATH, isExecutable), process.platform);
    const term = vscode.window.createTerminal({ ...spec, iconPath: new vscode.ThemeIcon('vm') });
    term.show();
    vscode.window.setStatusBarMessage(`$(vm) ${res.message || `pod ${res.podName} is ready`}`, 8000);
  }

  async showManifest(args: unknown[]): Promise<void> {
    const uri = targetUri(args);
    if (!uri) throw new Error('open a profile (.nix file) first');
    await this.manifests.open(uri);
  }

  async setDefault(args: unknown[]): Promise<void> {
    const uri = targetUri(args);
    if (!uri) throw new Error('open a profile (.nix file) first');
    await this.applyDefault({ uri: uri.toString() });
  }

  async pickDefault(): Promise<void> {
    const profiles = await this.status.refreshList();
    if (profiles.length === 0) {
      void vscode.window.showInformationMessage('Insomnia: no profiles found in this workspace.');
      return;
    }
    const pick = await vscode.window.showQuickPick(profilePickItems(profiles), {
      title: 'Default Insomnia Profile',
      placeHolder: 'Profile used when no profile is named',
      matchOnDescription: true,
    });
    if (pick && !pick.value.isDefault) await this.applyDefault(pick.value.qualifiedName);
  }

  // applyDefault asks the server, which edits profiles.toml through
  // workspace/applyEdit; the edited file is then saved unless it held the user's
  // own unsaved changes before.
  private async applyDefault(selector: string | { uri: string }): Promise<void> {
    const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
    // A name is looked up in the active file's project (the server's {selector, uri}).
    const active = vscode.window.activeTextEditor?.document.uri;
    const arg = typeof selector === 'string' && active?.scheme === 'file' ? { selector, uri: active.toString() } : { selector };
    const res = await this.server.exec<SetDefaultResult>(Commands.setDefaultProfile, arg);
    if (!res?.ok) throw new Error(res?.message || 'the default profile was not changed');
    if (res.file) {
      const file = res.file.includes('://') ? vscode.Uri.parse(res.file) : vscode.Uri.file(res.file);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
      if (doc?.isDirty && !dirtyBefore.has(doc.uri.toString())) await doc.save();
    }
    vscode.window.setStatusBarMessage(`$(check) ${res.message || 'default profile set'}`, 5000);
    this.status.scheduleList();
  }

  async restart(): Promise<void> {
    await this.server.restart();
  }
}
