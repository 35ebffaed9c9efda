package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Issue "Safe by default", point 1: `check` and `resolve` evaluate
// restricted unless --trusted; the project (the folder holding .insomnia/)
// stays readable.
func TestCLIRestrictedByDefault(t *testing.T) {
	evaluates(t)
	outside := t.TempDir()
	secret := "OUTSIDE-" + filepath.Base(outside)
	testenv.Write(t, filepath.Join(outside, "secret.txt"), secret)
	proj := t.TempDir()
	testenv.Write(t, filepath.Join(proj, ".insomnia", "lib", "profile-lib.nix"), testenv.ReadText(t, filepath.Join("..", "..", "resources", "nix", "profile-lib.nix")))
	testenv.Write(t, filepath.Join(proj, ".insomnia", "profiles.toml"), "[profile]\npeek = \"profiles/peek.nix\"\n")
	testenv.Write(t, filepath.Join(proj, "notes.txt"), "project-notes")
	testenv.Write(t, filepath.Join(proj, ".insomnia", "profiles", "peek.nix"), "let lib = import ../lib/profile-lib.nix { }; in\n"+
		"lib.mkProfile {\n  name = \"peek\";\n  description = builtins.readFile "+filepath.Join(outside, "secret.txt")+
		" + builtins.readFile ../../notes.txt;\n  manifest.pod.name = \"peek\";\n  manifest.model.ref = \"anthropic/claude-sonnet-4\";\n  manifest.scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n}\n")
	sub := filepath.Join(proj, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"resolve", "peek"}} {
		r := runIn(t, sub, args...) // from below the project: its .insomnia/ decides the root
		out := r.stdout + r.stderr
		if r.code != 1 || !strings.Contains(out, "forbidden in restricted mode") ||
			!strings.Contains(out, "blocked in restricted mode: this workspace is not trusted; trust it to allow reading files") {
			t.Errorf("%s without --trusted: exit %d, want 1 and the restricted-mode explanation", args[0], r.code)
		}
		if strings.Contains(out, secret) {
			t.Errorf("%s without --trusted printed the file outside the project", args[0])
		}
		trusted := runIn(t, sub, append(args, "--trusted")...)
		if strings.Contains(trusted.stdout+trusted.stderr, "restricted mode") {
			t.Errorf("%s --trusted still evaluated restricted", args[0])
		}
	}
	r := runIn(t, sub, "resolve", "--json", "--trusted", "peek")
	if r.code != 0 || !strings.Contains(r.stdout, secret+"project-notes") {
		t.Errorf("resolve --trusted: exit %d, the description should hold both files", r.code)
	}
}

// A project's files stay readable in restricted mode: the examples import
// the vendored library and still check as before.
func TestCLIRestrictedReadsProject(t *testing.T) {
	evaluates(t)
	r := runIn(t, examplesDir(t), "resolve", "--json", "reviewer")
	if r.code != 0 || strings.Contains(r.stderr, "restricted mode") {
		t.Errorf("resolve reviewer in examples/: exit %d", r.code)
	}
}

func TestProjectDir(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(filepath.Join(root, ".insomnia"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := projectDir(deep); got != root {
		t.Errorf("projectDir(%s) = %s, want %s", deep, got, root)
	}
	other := t.TempDir()
	if got := projectDir(other); got != other {
		t.Errorf("projectDir without .insomnia/ = %s, want the start %s", got, other)
	}
}
