package eval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestUntrustedRunsNoProgram: fetchGit / fetchMercurial / exec in a
// restricted evaluation start no program (the hook never runs) and fail
// with a message saying why; a trusted evaluation of the same profile
// still runs git (proving the hook is live, so the untrusted half can fail).
func TestUntrustedRunsNoProgram(t *testing.T) {
	ws := t.TempDir()
	marker, _ := testenv.HookedRepo(t, ws)
	shMarker := filepath.Join(ws, "sh-marker")
	cases := map[string]string{
		"fetchgit.nix": "(builtins.fetchGit ./.).rev",
		"fetchurl.nix": "(builtins.fetchGit { url = ./.; }).rev",
		"hg.nix":       "(builtins.fetchMercurial ./.).rev",
		"exec.nix":     "builtins.exec [ \"sh\" \"-c\" \"touch " + shMarker + "\" ]",
		"ifd.nix":      "import (derivation { name = \"x\"; system = builtins.currentSystem; builder = \"/bin/sh\"; args = [ \"-c\" \"touch " + shMarker + "; echo 1 > $out\" ]; })",
	}
	opts := testOptions(t)
	opts.Trusted, opts.Roots = false, []string{ws}
	ev := NewEvaluator(opts)
	for name, text := range cases {
		p := writeFile(t, ws, name, text+"\n")
		r := ev.Evaluate(context.Background(), Request{Path: p})
		if r.Failure == nil {
			t.Errorf("%s: untrusted evaluation succeeded: %s", name, r.Artifact)
			continue
		}
		t.Logf("%s: %s", name, r.Failure.Message)
		if (strings.HasPrefix(name, "fetch") || name == "hg.nix") && !strings.Contains(r.Failure.Message, "evaluation runs no programs") {
			t.Errorf("%s: message does not say why: %q", name, r.Failure.Message)
		}
	}
	if exists(marker) || exists(shMarker) {
		t.Fatalf("an untrusted evaluation ran a program (marker %v, sh marker %v)", exists(marker), exists(shMarker))
	}
	opts.Trusted = true
	r := NewEvaluator(opts).Evaluate(context.Background(), Request{Path: filepath.Join(ws, "fetchgit.nix")})
	if r.Failure != nil {
		t.Fatalf("trusted fetchGit failed: %s", r.Failure.Message)
	}
	if !exists(marker) {
		t.Errorf("trusted fetchGit did not run git's fsmonitor hook: the untrusted check proves nothing")
	}
}

// TestSandboxEnv: the untrusted child's PATH and HOME are empty folders,
// git's config is off, and nix.conf/cache stay the user's.
func TestSandboxEnv(t *testing.T) {
	sb, err := newSandbox()
	if err != nil {
		t.Fatal(err)
	}
	env := sb.env([]string{"PATH=/usr/bin:/bin", "HOME=/home/u", "GIT_DIR=/evil", "NIX_REMOTE=daemon"})
	get := func(k string) string {
		v := ""
		for _, kv := range env {
			if strings.HasPrefix(kv, k+"=") {
				v = kv[len(k)+1:]
			}
		}
		return v
	}
	for _, d := range []string{get("PATH"), get("HOME")} {
		ents, err := os.ReadDir(d)
		if err != nil || len(ents) != 0 || !strings.HasPrefix(d, sb.dir) {
			t.Errorf("%s: not an empty sandbox folder (%v, %d entries)", d, err, len(ents))
		}
	}
	if get("GIT_DIR") != "" || get("GIT_CONFIG_NOSYSTEM") != "1" || get("GIT_CONFIG_GLOBAL") != "/dev/null" {
		t.Errorf("git environment not neutralised: %q", env)
	}
	if get("NIX_REMOTE") != "daemon" || get("XDG_CONFIG_HOME") != "/home/u/.config" {
		t.Errorf("Nix's own settings lost: %q", env)
	}
	sb.remove()
	if exists(sb.dir) {
		t.Errorf("sandbox %s not removed", sb.dir)
	}
}
