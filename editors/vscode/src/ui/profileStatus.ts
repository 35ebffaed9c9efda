import * as vscode from 'vscode';
import { Server } from '../client';
import { languageStatus, statusBarText } from '../logic/status';
import { Commands, ProfileInfo, ProfileStatus } from '../logic/types';

const pickCommand = 'insomnia.client.pickDefaultProfile';

function sameUri(a: string | undefined, b: vscode.Uri | undefined): boolean {
  if (!a || !b) return false;
  try {
    return vscode.Uri.parse(a).toString() === b.toString();
  } catch {
    return false;
  }
}

// ProfileStatusUI keeps two items current: the language status item of the
// profile in the active editor, and the status bar item with the project's default.
export class ProfileStatusUI implements vscode.Disposable {
  // Nix files only: a profiles.toml has no profile of its own.
  private readonly lang = vscode.languages.createLanguageStatusItem('insomnia.profile', { language: 'nix', scheme: 'file' });
  private readonly bar = vscode.window.createStatusBarItem('insomnia.defaultProfile', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private profiles: ProfileInfo[] = [];

  constructor(private readonly server: Server) {
    this.lang.name = 'Insomnia Profile';
    this.lang.command = { title: 'Choose default', command: pickCommand };
    this.bar.name = 'Insomnia Default Profile';
    this.bar.command = pickCommand;
    this.showLanguage(undefined);
    this.subs.push(
      server.onEvaluationStatus((st) => this.onStatus(st)),
      server.onReady(() => this.refreshAll()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.refreshActive()),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.path.endsWith('/profiles.toml')) this.scheduleList();
      }),
    );
  }

  get knownProfiles(): ProfileInfo[] {
    return this.profiles;
  }

  refreshAll(): void {
    void this.refreshActive();
    void this.refreshList();
  }

  private onStatus(st: ProfileStatus): void {
    if (sameUri(st.uri, vscode.window.activeTextEditor?.document.uri)) this.showLanguage(st);
    // The default's marker and each profile's state change with evaluations;
    // coalesce bursts (many files evaluated at start-up) into one list request.
    if (st.state !== 'evaluating') this.scheduleList();
  }

  scheduleList(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshList(), 300);
  }

  private async refreshActive(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'nix' || doc.uri.scheme !== 'file' || !this.server.running) return;
    try {
      const st = await this.server.exec<ProfileStatus>(Commands.profileStatus, { uri: doc.uri.toString() });
      if (vscode.window.activeTextEditor?.document === doc) this.showLanguage(st ? { ...st, uri: doc.uri.toString() } : undefined);
    } catch (err) {
      this.server.log.appendLine(`[client] profileStatus: ${String(err)}`);
    }
  }

  async refreshList(): Promise<ProfileInfo[]> {
    if (!this.server.running) return this.profiles;
    try {
      // The profiles of the active file's project (a workspace may hold several).
      const active = vscode.window.activeTextEditor?.document.uri;
      const arg = active?.scheme === 'file' ? { uri: active.toString() } : {};
      this.profiles = (await this.server.exec<ProfileInfo[]>(Commands.listProfiles, arg)) ?? [];
    } catch (err) {
      this.server.log.appendLine(`[client] listProfiles: ${String(err)}`);
      return this.profiles;
    }
    this.showBar();
    return this.profiles;
  }

  private showLanguage(st: ProfileStatus | undefined): void {
    const m = languageStatus(st);
    this.lang.text = m.text;
    this.lang.detail = m.detail;
    this.lang.busy = m.busy;
    this.lang.severity =
      m.severity === 'error'
        ? vscode.LanguageStatusSeverity.Error
        : m.severity === 'warning'
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
  }

  private showBar(): void {
    if (this.profiles.length === 0) {
      this.bar.hide();
      return;
    }
    const t = statusBarText(this.profiles);
    this.bar.text = t.text;
    this.bar.tooltip = t.tooltip;
    this.bar.backgroundColor = t.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.bar.show();
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.lang.dispose();
    this.bar.dispose();
    this.subs.forEach((s) => s.dispose());
  }
}
