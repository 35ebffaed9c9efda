package lsp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// Without Nix (nixPath names no program): one warning notification with the
// fix for the whole server, no diagnostic on any file (not on the bundled
// builtin profile either), the static checks still published, every
// profile's status nix-missing and its head lens "Nix not found".
func TestNixMissingOneNotificationNoDiagnostics(t *testing.T) {
	e := newProfEnv(t)
	broken := strings.Replace(e.profileNix("coder", "anthropic/claude-sonnet"), `pod.name = "coder";`, `pod.name = "coder"`, 1)
	c := e.start(t, map[string]any{"nixPath": filepath.Join(e.root, "no-nix")})
	c.Open(e.coder(), broken)
	c.Open(e.reviewer())
	awaitStatus(t, c, "project:coder", "nix-missing")
	awaitStatus(t, c, "project:reviewer", "nix-missing")
	awaitStatus(t, c, "builtin:default", "nix-missing")
	c.AwaitCode(e.coder(), "syntax-error") // static checks go on
	if got := c.MessagesOf(protocol.MessageTypeWarning); len(got) != 1 || got[0] != session.NixMissingMessage {
		t.Errorf("warnings %q, want exactly one %q", got, session.NixMissingMessage)
	}
	for _, f := range append([]string{e.coder(), e.reviewer()}, repoFile(t, "resources/nix/profiles/default.nix")) {
		for _, d := range c.Diagnostics(f) {
			if lsptest.Code(d) == "nix-missing" || d.Severity == protocol.DiagnosticSeverityError && lsptest.Code(d) != "syntax-error" {
				t.Errorf("%s: %s", filepath.Base(f), lsptest.Describe([]protocol.Diagnostic{d}))
			}
		}
	}
	if ls := codeLenses(t, c, e.reviewer()); len(ls) == 0 || ls[0].Title != "Nix not found" {
		t.Errorf("reviewer lenses %q, want the head lens %q", titles(ls), "Nix not found")
	}
	if statuses := statusAndRefreshes(c, "reviewer.nix"); !strings.Contains(statuses, "nix-missing") {
		t.Errorf("reviewer status notifications %q lack nix-missing", statuses)
	}
	// A settings change that still names no Nix tells it once more.
	c.ChangeSettings(map[string]any{"nixPath": filepath.Join(e.root, "still-no-nix")})
	c.Await("a second Nix-missing warning", func() bool { return len(c.MessagesOf(protocol.MessageTypeWarning)) == 2 })
}
