import * as vscode from 'vscode';

const NIX_IDE = 'jnoortheen.nix-ide';
const ASKED = 'insomnia.nixGrammarSuggested';

// This extension contributes no Nix grammar: VS Code keeps one grammar per
// language, the last extension registered wins, and a contribution cannot be
// conditional, so ours would replace Nix IDE's for some users. Instead, when
// no installed extension colours Nix, say once where to get one.
export function suggestNixGrammar(ctx: vscode.ExtensionContext): void {
  if (ctx.globalState.get<boolean>(ASKED) || hasNixGrammar()) return;
  void ctx.globalState.update(ASKED, true);
  void vscode.window
    .showInformationMessage(
      'Insomnia: no installed extension highlights Nix syntax. Nix IDE does (and works alongside this one).',
      'Show Nix IDE',
    )
    .then((pick) => pick && vscode.commands.executeCommand('workbench.extensions.search', NIX_IDE));
}

function hasNixGrammar(): boolean {
  return vscode.extensions.all.some((e) => {
    const grammars = (e.packageJSON?.contributes?.grammars ?? []) as { language?: string }[];
    return e.id !== 'insomnia-lsp.insomnia-lsp' && grammars.some((g) => g.language === 'nix');
  });
}
