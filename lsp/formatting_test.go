package lsp_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// formatEnv is a project file and a formatter of the test's own: a script
// that leaves a marker (so a test can tell it ran) and upper-cases stdin,
// or fails with a message on stderr when the text asks it to.
type formatEnv struct{ dir, file, formatter, marker string }

func newFormatEnv(t *testing.T) formatEnv {
	dir := t.TempDir()
	e := formatEnv{dir: dir, marker: filepath.Join(dir, "ran")}
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"), "[profile]\n") // a project: its .insomnia/ is ours
	e.file = testenv.Write(t, filepath.Join(dir, ".insomnia", "x.nix"), "{ a = 1; }\n")
	e.formatter = testenv.Write(t, filepath.Join(dir, "fmt.sh"), "#!/bin/sh\ntouch "+e.marker+"\n"+
		"in=$(cat)\ncase \"$in\" in *fail*) echo 'fmt: cannot parse line 1' >&2; exit 3;; esac\n"+
		"printf '%s\\n' \"$in\" | tr a-z A-Z\n")
	if err := os.Chmod(e.formatter, 0o755); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e formatEnv) settings() map[string]any {
	return map[string]any{"formatting": map[string]any{"command": []string{e.formatter}}}
}

func format(t *testing.T, c *lsptest.Client, path string) ([]protocol.TextEdit, error) {
	t.Helper()
	return c.Server.Formatting(context.Background(), &protocol.DocumentFormattingParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)}})
}

func TestFormattingRunsTheConfiguredCommand(t *testing.T) {
	e := newFormatEnv(t)
	c := lsptest.Start(t, lsp.Options{})
	if res := c.InitializeTrusted(e.dir, e.settings()); res.Capabilities.DocumentFormattingProvider == nil {
		t.Error("no documentFormattingProvider capability")
	}
	c.Open(e.file)
	edits, err := format(t, c, e.file)
	if err != nil || len(edits) != 1 || edits[0].NewText != "{ A = 1; }\n" {
		t.Fatalf("formatting: %v %+v", err, edits)
	}
	if r := edits[0].Range; r.Start != (protocol.Position{}) || r.End != (protocol.Position{Line: 1}) {
		t.Errorf("the edit does not replace the whole document: %+v", r)
	}
	c.Change(e.file, "{ A = 1; }\n")
	if edits, err := format(t, c, e.file); err != nil || len(edits) != 0 {
		t.Errorf("formatted text: want no edit, got %v %+v", err, edits)
	}
	c.Change(e.file, "{ fail = 1; }\n")
	if _, err := format(t, c, e.file); err == nil || !strings.Contains(err.Error(), "failed: exit status 3: fmt: cannot parse line 1") {
		t.Errorf("a failing formatter: %v", err)
	}
}

func TestFormattingRefusedInAnUntrustedWorkspace(t *testing.T) {
	e := newFormatEnv(t)
	c := lsptest.Start(t, lsp.Options{})
	c.Initialize(e.dir, e.settings())
	c.Open(e.file)
	if _, err := format(t, c, e.file); err == nil || err.Error() != "formatting is disabled in an untrusted workspace: insomnia.formatting.command names a program" {
		t.Errorf("untrusted formatting: %v", err)
	}
	if _, err := os.Stat(e.marker); err == nil {
		t.Errorf("the formatter ran in an untrusted workspace")
	}
}

func TestFormattingWithoutACommandSaysHowToSetOne(t *testing.T) {
	e := newFormatEnv(t)
	c := lsptest.Start(t, lsp.Options{})
	c.InitializeTrusted(e.dir, nil)
	c.Open(e.file)
	if _, err := format(t, c, e.file); err == nil || err.Error() != `no formatter configured: set insomnia.formatting.command, e.g. ["nixfmt"]` {
		t.Errorf("no formatter: %v", err)
	}
}
