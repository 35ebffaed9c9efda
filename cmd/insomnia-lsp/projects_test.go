package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// TestCheckCopiedExamplesSameOutput: examples/ is self-contained: copied
// anywhere, `check` prints what it prints in the repository (restricted,
// the default: the vendored library is inside the copy).
func TestCheckCopiedExamplesSameOutput(t *testing.T) {
	evaluates(t)
	examples := examplesDir(t) // before runIn changes directory
	dst := filepath.Join(t.TempDir(), "x")
	testenv.CopyDir(t, examples, dst)
	in := runIn(t, examples, "check")
	out := runIn(t, dst, "check")
	if in.stdout != out.stdout || in.stderr != out.stderr || in.code != out.code {
		t.Errorf("copied examples differ:\nrepository (exit %d):\n%s%s\ncopy (exit %d):\n%s%s",
			in.code, in.stdout, in.stderr, out.code, out.stdout, out.stderr)
	}
	if !strings.Contains(in.stderr, "checked 7 profiles") || len(linesWith(in.stdout, "error")) == 0 {
		t.Errorf("the examples' check is not the documented one:\n%s%s", in.stdout, in.stderr)
	}
}

// TestInitGivesACleanProject: init writes the three files, check there is
// clean (restricted), and a second init refuses and names the file.
func TestInitGivesACleanProject(t *testing.T) {
	evaluates(t)
	dir := t.TempDir()
	r := runIn(t, dir, "init")
	if r.code != 0 {
		t.Fatalf("init exit %d: %s", r.code, r.stderr)
	}
	for _, rel := range []string{".insomnia/profiles.toml", ".insomnia/profiles/main.nix", ".insomnia/lib/profile-lib.nix"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil || !strings.Contains(r.stdout, rel) {
			t.Errorf("%s not written or not reported (%v):\n%s", rel, err, r.stdout)
		}
	}
	c := runIn(t, dir, "check")
	if c.code != 0 || c.stdout != "" || !strings.Contains(c.stderr, "checked 2 profiles: 0 errors, 0 warnings") {
		t.Errorf("check of a new project: exit %d\n%s%s", c.code, c.stdout, c.stderr)
	}
	p := runIn(t, dir, "profiles")
	if !strings.Contains(p.stdout, "project:main (default)") {
		t.Errorf("profiles of a new project:\n%s", p.stdout)
	}
	before, _ := os.ReadFile(filepath.Join(dir, ".insomnia", "profiles", "main.nix"))
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles", "main.nix"), string(before)+"# mine\n")
	again := runIn(t, dir, "init")
	if again.code != 1 || !strings.Contains(again.stderr, "profiles.toml already exists") {
		t.Errorf("second init: exit %d: %s", again.code, again.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, ".insomnia", "profiles", "main.nix")); !strings.HasSuffix(string(got), "# mine\n") {
		t.Errorf("init overwrote a profile")
	}
}

// TestCheckNoPathChecksEveryProject: at a repository root, check finds
// every project below (each from its own folder) and the builtin profiles.
func TestCheckNoPathChecksEveryProject(t *testing.T) {
	evaluates(t)
	root := t.TempDir()
	for _, p := range []string{"a", "nested/deeper/b"} {
		testenv.Write(t, filepath.Join(root, p, ".insomnia", "profiles.toml"), "[profile]\nbad = \"profiles/bad.nix\"\n")
		testenv.Write(t, filepath.Join(root, p, ".insomnia", "profiles", "bad.nix"), "{ manifest = { model.ref = \"anthropic/x\"; }; }\n")
	}
	// Skipped: build output and dependencies are not the user's projects.
	testenv.Write(t, filepath.Join(root, "node_modules", "x", ".insomnia", "profiles.toml"), "[profile]\nbad = \"profiles/bad.nix\"\n")
	testenv.Write(t, filepath.Join(root, "node_modules", "x", ".insomnia", "profiles", "bad.nix"), "{ manifest = { }; }\n")
	r := runIn(t, root, "check")
	for _, p := range []string{"a/.insomnia/profiles/bad.nix", "nested/deeper/b/.insomnia/profiles/bad.nix"} {
		if len(linesWith(r.stdout, p, "pod.name", "[missing-required]")) == 0 {
			t.Errorf("no missing pod.name in %s:\n%s", p, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "node_modules") || !strings.Contains(r.stderr, "checked 3 profiles") || r.code != 1 {
		t.Errorf("check at the root: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestCheckProfileRuleShared: the CLI recognises profiles by the server's
// rule (a set with `manifest`), and a named file that is not a profile
// still gets the syntax checks, and is not evaluated.
func TestCheckProfileRuleShared(t *testing.T) {
	evaluates(t)
	dir := t.TempDir()
	testenv.Write(t, filepath.Join(dir, "a.nix"), "{ manifest = { pod = { }; }; }\n")
	testenv.Write(t, filepath.Join(dir, "home.nix"), "{ config, ... }: { programs.git.enable = true }\n")
	r := runIn(t, dir, "check", "a.nix", "home.nix")
	if len(linesWith(r.stdout, "a.nix", "pod.name", "[missing-required]")) == 0 {
		t.Errorf("a.nix was not checked as a profile:\n%s", r.stdout)
	}
	if len(linesWith(r.stdout, "home.nix", "[syntax-error]")) == 0 || !strings.Contains(r.stderr, "checked 1 profiles") {
		t.Errorf("home.nix: want its syntax error and no evaluation:\n%s%s", r.stdout, r.stderr)
	}
	n := runIn(t, dir, "check", "--no-eval", "home.nix")
	if len(linesWith(n.stdout, "home.nix", "[syntax-error]")) == 0 {
		t.Errorf("check --no-eval home.nix: no syntax error:\n%s", n.stdout)
	}
}
