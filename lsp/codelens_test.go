package lsp_test

import (
	"path/filepath"
	"testing"

	"go.lsp.dev/uri"
)

// Builtin and user profiles get the same lenses as project ones, with
// their own qualified names as the spawn selector.
func TestCodeLensBuiltinAndUserProfiles(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	builtin := repoFile(t, "resources/nix/profiles/default.nix")
	helper := filepath.Join(e.home, ".config", "insomnia", "helper.nix")
	awaitStatus(t, c, "user:helper", "ok")
	for path, qn := range map[string]string{builtin: "builtin:default", helper: "user:helper"} {
		ls := codeLenses(t, c, path)
		if len(ls) < 3 || ls[0].Title != "profile: "+qn || ls[1].Title != "Set as default" {
			t.Errorf("%s lenses: %q", qn, titles(ls))
			continue
		}
		if sp, _ := lensNamed(ls, "Spawn pod"); sp.Arg["profile"] != qn || sp.Arg["uri"] != string(uri.File(path)) {
			t.Errorf("%s spawn lens %+v", qn, sp)
		}
	}
}

// A lens only reads state: asking for the lenses of a profile nobody
// opened does not evaluate it.
func TestCodeLensNeverEvaluates(t *testing.T) {
	e := newProfEnv(t)
	loose := e.write(t, filepath.Join(e.ws, "tools", "scout.nix"), "scout", "anthropic/claude-haiku")
	c := e.start(t, nil)
	awaitStatus(t, c, "project:coder", "ok")
	ls := codeLenses(t, c, loose)
	if sp, _ := lensNamed(ls, "Spawn pod"); sp.Title != "Spawn pod (not evaluated yet)" || sp.Arg["profile"] != loose {
		t.Errorf("lenses of an unevaluated profile: %+v", ls)
	}
	// Evaluate another profile to the end: a lens-triggered evaluation of
	// scout would have been queued before it.
	c.Open(e.reviewer())
	awaitStatus(t, c, "project:reviewer", "ok")
	var st struct{ State string }
	if err := c.Command("insomnia.profileStatus", map[string]string{"uri": string(uri.File(loose))}, &st); err != nil {
		t.Fatal(err)
	}
	if st.State != "unknown" {
		t.Errorf("scout state %q after lens requests, want unknown", st.State)
	}
	if n := evaluations(c, loose); n != 0 {
		t.Errorf("scout evaluated %d times", n)
	}
}
