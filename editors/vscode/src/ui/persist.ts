import * as vscode from 'vscode';
import { ApplyWorkspaceEditParams, ApplyWorkspaceEditResult, LanguageClient } from 'vscode-languageclient/node';
import { EditedFile, persistPlan, unsavedMessage } from '../logic/persist';

// applyAndPersist replaces the client's workspace/applyEdit handler: it applies
// the edit as the client would, then saves each edited profiles.toml that had
// no unsaved changes before, and says so when it cannot (see logic/persist.ts).
export async function applyAndPersist(
  client: LanguageClient,
  log: vscode.OutputChannel,
  params: ApplyWorkspaceEditParams,
): Promise<ApplyWorkspaceEditResult> {
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(params.edit);
  if (staleVersion(client, params)) return { applied: false, failureReason: 'the document changed meanwhile' };
  const uris = edit.entries().map(([uri]) => uri);
  const before = new Map(uris.map((u) => [u.toString(), isDirty(u)]));
  const applied = await vscode.workspace.applyEdit(edit);
  if (applied) await persist(uris, before, log);
  return { applied };
}

function isDirty(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty);
}

// staleVersion: the check the client's own handler makes, kept so a server
// behind the user's typing does not edit a newer text.
function staleVersion(client: LanguageClient, params: ApplyWorkspaceEditParams): boolean {
  for (const change of params.edit.documentChanges ?? []) {
    if (!('textDocument' in change) || change.textDocument.version == null || change.textDocument.version < 0) continue;
    const uri = client.protocol2CodeConverter.asUri(change.textDocument.uri).toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (doc && doc.version !== change.textDocument.version) return true;
  }
  return false;
}

async function persist(uris: vscode.Uri[], before: Map<string, boolean>, log: vscode.OutputChannel): Promise<void> {
  const files: EditedFile[] = uris.map((u) => ({
    uri: u.toString(),
    path: u.scheme === 'file' ? u.fsPath : '',
    dirtyBefore: before.get(u.toString()) === true,
  }));
  const plan = persistPlan(files);
  for (const uri of plan.save) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (doc && !(await doc.save())) plan.unsaved.push(uri);
    else log.appendLine(`[client] saved ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))}`);
  }
  for (const uri of plan.unsaved) void offerSave(vscode.Uri.parse(uri));
}

async function offerSave(uri: vscode.Uri): Promise<void> {
  const name = vscode.workspace.asRelativePath(uri);
  const pick = await vscode.window.showInformationMessage(`Insomnia: ${unsavedMessage(name)}`, 'Save');
  if (pick !== 'Save') return;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  await doc?.save();
}
