import * as vscode from 'vscode';
import { Server } from '../client';
import { DiffSide, compareScheme, podSides, podSnapshotCommand, PodSnapshotResult, profileSide } from '../logic/compare';
import { firstObject } from '../logic/pods';
import { profilePickItems } from '../logic/status';
import { Commands, ManifestResult, ProfileInfo } from '../logic/types';

// CompareView is insomnia.compareProfiles: VS Code's diff editor on two read-only
// documents it serves itself, taken when the command runs (a compare is a review of
// one moment; run it again after the next evaluation).
export class CompareView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private serial = 0; // makes each compare's documents new ones
  private readonly subs: vscode.Disposable[];

  constructor(private readonly server: Server) {
    this.subs = [
      vscode.workspace.registerTextDocumentContentProvider(compareScheme, this),
      vscode.workspace.onDidCloseTextDocument((d) => this.texts.delete(d.uri.toString())),
      vscode.commands.registerCommand('insomnia.compareProfiles', (...args: unknown[]) => this.run(args)),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '// This comparison is closed: run Compare Profiles again.\n';
  }

  private async run(args: unknown[]): Promise<void> {
    try {
      const pod = firstObject(args)?.pod;
      if (typeof pod === 'string' && pod !== '') await this.comparePod(pod);
      else await this.compareProfiles();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.server.log.appendLine(`[client] insomnia.compareProfiles: ${msg}`);
      void vscode.window.showErrorMessage(`Insomnia: ${msg}`);
    }
  }

  // compareProfiles picks two profiles and diffs their resolved manifests.
  private async compareProfiles(): Promise<void> {
    const profiles = (await this.server.exec<ProfileInfo[]>(Commands.listProfiles, {})) ?? [];
    if (profiles.length < 2) {
      void vscode.window.showInformationMessage('Insomnia: comparing needs two profiles; this workspace has ' + profiles.length + '.');
      return;
    }
    const first = await vscode.window.showQuickPick(profilePickItems(profiles), { title: 'Compare Profiles (1/2)', placeHolder: 'First profile (left)' });
    if (!first) return;
    const rest = profiles.filter((p) => p.qualifiedName !== first.value.qualifiedName);
    const second = await vscode.window.showQuickPick(profilePickItems(rest), { title: 'Compare Profiles (2/2)', placeHolder: `Compare ${first.value.qualifiedName} with` });
    if (!second) return;
    const [a, b] = await Promise.all([first.value, second.value].map((p) => this.resolved(p)));
    await this.diff(a, b, `${first.value.qualifiedName} ↔ ${second.value.qualifiedName}`);
  }

  private async resolved(p: ProfileInfo): Promise<DiffSide> {
    const res = await this.server.exec<ManifestResult>(Commands.showResolvedManifest, { uri: p.path ?? p.qualifiedName });
    return profileSide(p.qualifiedName, res);
  }

  // comparePod diffs a pod's saved snapshot against its profile today (the drift lens).
  private async comparePod(name: string): Promise<void> {
    const res = await this.server.exec<PodSnapshotResult>(podSnapshotCommand, { name });
    const [saved, today] = podSides(res ?? {}, name);
    await this.diff(saved, today, `pod ${name}: saved snapshot ↔ ${res?.profile || 'profile'} today`);
  }

  private async diff(left: DiffSide, right: DiffSide, title: string): Promise<void> {
    const n = ++this.serial;
    const [l, r] = [left, right].map((side) => {
      const uri = vscode.Uri.from({ scheme: compareScheme, path: `/${side.name}`, query: String(n) });
      this.texts.set(uri.toString(), side.text);
      return uri;
    });
    await vscode.commands.executeCommand('vscode.diff', l, r, title, { preview: false });
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }
}
