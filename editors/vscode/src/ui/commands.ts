import * as vscode from 'vscode';
import { Server } from '../client';
import * as fs from 'fs';
import { attachTerminal, firstObject, launchSpec, resolveOnPath, spawnArgs, validatePodName } from '../logic/pods';
import { driftSummary, podPickItems, podProgressTitle, profilePickItems } from '../logic/status';
import { Commands, PodInfo, PodResult, SetDefaultResult } from '../logic/types';
import { profileFile, profileTemplate, projectFor, validateProfileName } from '../logic/newProfile';
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

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
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
      reg('insomnia.client.newProfile', () => this.newProfile()),
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

  // resume attaches to a running pod or resumes a stopped one (one command,
  // the verb shown per pod); a lens passes the pod's name, the palette asks.
  async resume(args: unknown[]): Promise<void> {
    if (!this.requireTrust('attaching to or resuming a pod')) return;
    const o = firstObject(args);
    const named = typeof o?.name === 'string' && o.name !== '' ? o.name : undefined;
    const pods = (await this.server.exec<PodInfo[]>(Commands.listPods, {})) ?? [];
    const pod = named ? (pods.find((p) => p.name === named) ?? { name: named }) : await this.pickPod(pods);
    if (!pod) return;
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: podProgressTitle(pod.name, pod.state), cancellable: true },
      (_p, token) => this.server.exec<PodResult>(Commands.resumePod, { name: pod.name }, token),
    );
    this.openTerminal(res);
    if (res.drift && res.drift.length > 0) {
      void vscode.window.showWarningMessage(`Insomnia: pod ${res.podName} differs from its profile — ${driftSummary(res.drift)}`);
    }
  }

  private async pickPod(pods: PodInfo[]): Promise<PodInfo | undefined> {
    if (pods.length === 0) {
      void vscode.window.showInformationMessage('Insomnia: there are no pods to attach to or resume.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(podPickItems(pods), {
      title: 'Attach or Resume Pod',
      placeHolder: 'Attach to a running pod or resume a stopped one (drift: the profile changed since the pod started)',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return pick?.value;
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
  // workspace/applyEdit; ui/persist.ts saves it (lenses run the server's
  // command directly, so the save cannot live here).
  private async applyDefault(selector: string | { uri: string }): Promise<void> {
    // A name is looked up in the active file's project (the server's {selector, uri}).
    const active = vscode.window.activeTextEditor?.document.uri;
    const arg = typeof selector === 'string' && active?.scheme === 'file' ? { selector, uri: active.toString() } : { selector };
    const res = await this.server.exec<SetDefaultResult>(Commands.setDefaultProfile, arg);
    if (!res?.ok) throw new Error(res?.message || 'the default profile was not changed');
    vscode.window.setStatusBarMessage(`$(check) ${res.message || 'default profile set'}`, 5000);
    this.status.scheduleList();
  }

  // newProfile writes .insomnia/profiles/<name>.nix from a template and opens
  // it; an existing file is never overwritten.
  async newProfile(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('open a folder first: a profile lives in its .insomnia/profiles/');
    const name = await vscode.window.showInputBox({
      title: 'New Insomnia Profile',
      prompt: 'Name of the profile (also its file name and pod name)',
      placeHolder: 'e.g. qa',
      validateInput: (v) => (v === '' ? undefined : validateProfileName(v)),
    });
    if (!name) return;
    const active = vscode.window.activeTextEditor?.document.uri;
    const project = projectFor(active?.scheme === 'file' ? active.fsPath : undefined, folder.uri.fsPath, fs.existsSync);
    const file = vscode.Uri.file(profileFile(project, name));
    if (await exists(file)) throw new Error(`${vscode.workspace.asRelativePath(file)} already exists: choose another name`);
    await vscode.workspace.fs.writeFile(file, Buffer.from(profileTemplate(name), 'utf8'));
    await vscode.window.showTextDocument(file);
  }

  async restart(): Promise<void> {
    await this.server.restart();
  }
}
