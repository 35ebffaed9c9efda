package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

func TestIsProfileTree(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{`{ manifest = { pod = { }; }; }`, true},
		{`{ manifest.pod.name = "x"; }`, true},
		{`{ profile = { }; config = { pod.name = "x"; }; }`, true},
		{`{ pod.name = "raw"; }`, true},
		{`let lib = import ./profile-lib.nix { }; in lib.mkProfile { name = "a"; pod.name = "a"; }`, true},
		{`with import ./lib.nix { }; mkProfile { }`, true},
		{`(import ./profile-lib.nix { }).mkManifest { pod.name = "a"; }`, true},
		{`let c = import ./common.nix; in c.mkRole { name = "r"; manifest = { }; }`, true},
		{`{ profile = { }; } // { manifest = { }; }`, true},
		{`mkProfile`, false},
		{`{ config, pkgs, ... }: { config.programs.git.enable = true; }`, false},
		{`{ imports = [ ./a.nix ]; config = { }; }`, false},
		{`{ lib, ... }: lib.mkProfile { }`, false}, // a function is not called by the runtime
		{`# manifest.pod = x; mkProfile
{ programs.git.enable = true; }`, false},
		{`{ manifests = { }; }`, false},
		{`[ { manifest = { }; } ]`, false},
		{``, false},
		{`{ manifest = `, true}, // a half-typed profile still is one
	}
	for _, c := range cases {
		if got := IsProfileTree(nixsyntax.Parse([]byte(c.src))); got != c.want {
			t.Errorf("IsProfileTree(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}

// TestIsProfileTreeExamples: every listed example profile is recognised,
// and the shared helper (common.nix) and the library are not.
func TestIsProfileTreeExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", ".insomnia")
	matches, _ := filepath.Glob(filepath.Join(dir, "profiles", "*.nix"))
	if len(matches) == 0 {
		t.Fatal("no example profiles found")
	}
	for _, p := range append(matches, filepath.Join(dir, "lib", "profile-lib.nix")) {
		text := testenv.Read(t, p)
		want := !strings.HasSuffix(p, "common.nix") && !strings.HasSuffix(p, "profile-lib.nix")
		if got := IsProfileTree(nixsyntax.Parse(text)); got != want {
			t.Errorf("%s: IsProfileTree = %v, want %v", p, got, want)
		}
	}
}

// TestIsProfileTreeHomeManager: no file of the home-manager corpus is a
// profile (people edit those beside profiles, with nil or nixd).
func TestIsProfileTreeHomeManager(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "home-manager")
	if _, err := os.Stat(root); err != nil {
		t.Skip("../shared/corpus/home-manager is absent; skipping the corpus sweep")
	}
	n := 0
	testenv.EachNixFile(t, root, func(p string, text []byte) {
		n++
		if IsProfileTree(nixsyntax.Parse(text)) {
			t.Errorf("%s is recognised as a profile", p)
		}
	})
	if n < 100 {
		t.Fatalf("only %d corpus files found", n)
	}
}
