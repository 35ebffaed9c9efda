import * as vscode from 'vscode';
import { Server } from '../client';
import { manifestPath, manifestScheme, renderManifest } from '../logic/manifest';
import { Commands, ManifestResult } from '../logic/types';

// ManifestView serves read-only documents with a profile's resolved manifest and
// refreshes them when the server reports a finished evaluation of that profile.
export class ManifestView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly server: Server) {
    this.subs = [
      vscode.workspace.registerTextDocumentContentProvider(manifestScheme, this),
      server.onEvaluationStatus((st) => {
        if (st.state !== 'evaluating' && st.uri) this.refresh(st.uri);
      }),
      server.onReady(() => this.refresh()),
    ];
  }

  static uriFor(file: vscode.Uri): vscode.Uri {
    return vscode.Uri.from({ scheme: manifestScheme, path: manifestPath(file.toString()), query: file.toString() });
  }

  async open(file: vscode.Uri): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(ManifestView.uriFor(file));
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  // refresh re-reads the open manifest documents of one profile, or of all.
  refresh(fileUri?: string): void {
    const want = fileUri ? vscode.Uri.parse(fileUri).toString() : undefined;
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== manifestScheme) continue;
      if (want === undefined || vscode.Uri.parse(doc.uri.query).toString() === want) this.changed.fire(doc.uri);
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    try {
      const res = await this.server.exec<ManifestResult>(Commands.showResolvedManifest, { uri: uri.query }, token);
      return renderManifest(res);
    } catch (err) {
      return `// Could not get the resolved manifest: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}
