package lsp_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

func needNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not installed (apt-get install nix-bin)")
	}
}

// repoFile is a path inside the repository.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func profileText(lib, body string) string {
	return "let lib = import " + lib + " { }; in\nlib.mkProfile {\n  name = \"t\";\n" + body + "}\n"
}

func TestBrokenProfileDiagnosticAtNixPosition(t *testing.T) {
	needNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	// Line 4 (1-based) has the undefined variable at column 15.
	path := writeFile(t, filepath.Join(dir, "broken.nix"), profileText(lib, "  pod.name = nope;\n"))
	c := lsptest.Start(t, lsp.Options{})
	c.InitializeTrusted(dir, nil)
	c.Open(path)
	d := c.AwaitDiagnostics(path, func(ds []protocol.Diagnostic) bool {
		for _, d := range ds {
			if strings.Contains(lsptest.Message(d), "undefined variable") {
				return true
			}
		}
		return false
	})
	var got protocol.Diagnostic
	for _, x := range d {
		if strings.Contains(lsptest.Message(x), "undefined variable") {
			got = x
		}
	}
	if got.Range.Start.Line != 3 || got.Range.Start.Character != 13 {
		t.Errorf("diagnostic at %d:%d, want 3:13 (Nix's 4:14)%s", got.Range.Start.Line, got.Range.Start.Character, lsptest.Describe(d))
	}
}

func TestHoverShowsResolvedManifest(t *testing.T) {
	needNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	path := writeFile(t, filepath.Join(dir, "ok.nix"), profileText(lib,
		"  pod.name = \"okpod\";\n  model.ref = \"anthropic/claude-sonnet-4\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"))
	c := lsptest.Start(t, lsp.Options{})
	c.InitializeTrusted(dir, nil)
	c.Open(path)
	var hover string
	c.Await("a hover with the manifest", func() bool {
		hover = c.Hover(path, 0, 0)
		return strings.Contains(hover, "```json")
	})
	want, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var artifact struct {
		Manifest map[string]any `json:"manifest"`
	}
	if err := json.Unmarshal(want, &artifact); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hover, `"okpod"`) || !strings.Contains(hover, "sha256:") {
		t.Errorf("hover lacks the pod name or hash:\n%s", hover)
	}
	if len(c.Diagnostics(path)) != 0 {
		t.Errorf("valid profile has diagnostics:%s", lsptest.Describe(c.Diagnostics(path)))
	}
}

func TestServerExitsWhenTheEditorDies(t *testing.T) {
	editor := exec.Command("sleep", "60")
	if err := editor.Start(); err != nil {
		t.Skip("cannot start a stand-in editor process:", err)
	}
	c := lsptest.Start(t, lsp.Options{})
	c.EditorPID = editor.Process.Pid
	c.InitializeTrusted(t.TempDir(), nil)
	if _, ended := c.WaitExit(1500 * time.Millisecond); ended {
		t.Fatal("the server ended while the editor was alive")
	}
	_ = editor.Process.Kill()
	_ = editor.Wait()
	code, ended := c.WaitExit(10 * time.Second)
	if !ended {
		t.Fatal("the server still runs 10 s after its editor died")
	}
	if code != 1 {
		t.Errorf("exit code %d without shutdown, want 1", code)
	}
}
