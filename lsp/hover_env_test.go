package lsp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// TestHoverMarksGetEnv: the runtime's nix eval inherits the shell's
// environment (crates/manifest/src/profile.rs:425-430 at 6ecb5c4f), the
// server passes only the allow-list plus insomnia.evaluation.passEnv, so a
// value read with builtins.getEnv is marked, saying whether the editor
// passed the variable.
func TestHoverMarksGetEnv(t *testing.T) {
	testenv.NeedNix(t)
	// The library sits in the workspace: an untrusted evaluation reads
	// nothing outside it.
	libText := testenv.Read(t, repoFile(t, "resources/nix/profile-lib.nix"))
	text := "let lib = import ./profile-lib.nix { }; in\nlib.mkProfile {\n  name = \"t\";\n" +
		"  pod.name = \"envpod\";\n" +
		"  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n" +
		"  worker.language = builtins.getEnv \"LANG\";\n" +
		"  memory.language = builtins.getEnv \"MY_LANGUAGE\";\n" +
		"  worker.instruction = \"$insomnia/default\";\n" +
		"}\n"
	cases := []struct {
		name     string
		trusted  bool
		init     map[string]any
		needle   string
		want     string
		unwanted string
	}{
		{"allow-listed", true, nil, "worker.language", "reads `$LANG` from the editor's environment", "does not pass"},
		{"not passed", true, nil, "memory.language", "reads `$MY_LANGUAGE`, which the editor does not pass; a pod sees your shell's value", ""},
		{"passed by the setting", true, map[string]any{"evaluation": map[string]any{"passEnv": []string{"MY_*"}}},
			"memory.language", "reads `$MY_LANGUAGE` from the editor's environment", "does not pass"},
		{"untrusted", false, nil, "memory.language", "untrusted workspace evaluates without any environment", ""},
		{"no getEnv", true, nil, "worker.instruction", "", "reads `$"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			testenv.Write(t, filepath.Join(dir, "profile-lib.nix"), string(libText))
			profile := testenv.Write(t, filepath.Join(dir, "env.nix"), text)
			cl := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
			if c.trusted {
				cl.InitializeTrusted(dir, c.init)
			} else {
				cl.Initialize(dir, c.init)
			}
			cl.Open(profile)
			e := &hoverEnv{c: cl, dir: dir, profile: profile, text: text}
			e.awaitHead(t, "envpod")
			h := e.hoverAt(t, profile, text, c.needle, 2)
			if c.want != "" && !strings.Contains(h, c.want) {
				t.Errorf("hover on %s lacks %q:\n%s", c.needle, c.want, h)
			}
			if c.unwanted != "" && strings.Contains(h, c.unwanted) {
				t.Errorf("hover on %s has %q:\n%s", c.needle, c.unwanted, h)
			}
		})
	}
}
