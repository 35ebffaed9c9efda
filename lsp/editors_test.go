package lsp

import (
	"regexp"
	"slices"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// The editors name the commands by string (editors/vscode in TypeScript,
// editors/neovim in Lua); the Go table in commands.go is the one list.
// Editors also register commands of their own UI (palette entries), so the
// check is: every server command an editor calls is in the table and
// server-side; every client-side command of the table (lenses name them) is
// registered by both editors; the notification name agrees.
func TestEditorsNameTheCommands(t *testing.T) {
	table := map[string]bool{} // name -> client-side
	for _, c := range commands() {
		table[c.name] = c.client
	}
	called := map[string][]string{
		"editors/vscode/src/logic/types.ts Commands": matches(t, "../editors/vscode/src/logic/types.ts", `:\s*'(insomnia\.[A-Za-z.]+)'`),
		"editors/neovim execute(...)":                matches(t, "../editors/neovim/lua/insomnia/init.lua", `execute\('(insomnia\.[A-Za-z.]+)'`),
	}
	for where, names := range called {
		if len(names) == 0 {
			t.Errorf("%s: no command names found (has the file moved?)", where)
		}
		for _, n := range names {
			if client, ok := table[n]; !ok || client {
				t.Errorf("%s calls %q, which is not a server command of lsp/commands.go", where, n)
			}
		}
	}
	registered := map[string][]string{
		"editors/vscode/src/ui reg(...)/registerCommand(...)": append(
			matches(t, "../editors/vscode/src/ui/commands.ts", `reg\('(insomnia\.client\.[A-Za-z.]+)'`),
			matches(t, "../editors/vscode/src/ui/compare.ts", `registerCommand\('(insomnia\.[A-Za-z.]+)'`)...),
		"editors/neovim vim.lsp.commands[...]": matches(t, "../editors/neovim/lua/insomnia/init.lua", `vim\.lsp\.commands\['(insomnia\.[A-Za-z.]+)'\]`),
	}
	for name, client := range table {
		for where, names := range registered {
			if client && !slices.Contains(names, name) {
				t.Errorf("%s does not handle the client-side command %q that lenses use", where, name)
			}
		}
	}
	if n := matches(t, "../editors/vscode/src/logic/types.ts", `EvaluationStatusNotification = '([^']+)'`); len(n) != 1 || n[0] != methodEvaluationStatus {
		t.Errorf("types.ts names the status notification %q, the server sends %q", n, methodEvaluationStatus)
	}
}

func matches(t *testing.T, file, pattern string) []string {
	t.Helper()
	b := testenv.Read(t, file)
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	return out
}

// ide's completion kinds are the protocol's numbers (lsp converts by type).
func TestCompletionKindsAreTheProtocols(t *testing.T) {
	for k, want := range map[ide.CompletionKind]protocol.CompletionItemKind{
		ide.KindFunction: protocol.CompletionItemKindFunction, ide.KindModule: protocol.CompletionItemKindModule,
		ide.KindProperty: protocol.CompletionItemKindProperty, ide.KindValue: protocol.CompletionItemKindValue,
		ide.KindFile: protocol.CompletionItemKindFile, ide.KindReference: protocol.CompletionItemKindReference,
		ide.KindEnumMember: protocol.CompletionItemKindEnumMember,
	} {
		if protocol.CompletionItemKind(k) != want {
			t.Errorf("ide kind %d is protocol kind %d", k, want)
		}
	}
}
