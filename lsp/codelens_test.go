package lsp_test

import (
	"context"
	"encoding/json"
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

// BenchmarkCodeLens measures a lens request on a profile with a live pod
// (the pods lens reads the brief pod-listing cache), through the harness.
func BenchmarkCodeLens(b *testing.B) {
	testenv.NeedNix(b)
	double := buildDouble(b)
	root, err := os.MkdirTemp("", "lb")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(root) })
	lib, _ := filepath.Abs("../resources/nix/profile-lib.nix")
	e := &profEnv{root: root, home: filepath.Join(root, "h"), ws: filepath.Join(root, "ws"), lib: lib,
		env: map[string]string{"HOME": filepath.Join(root, "h"), "INSOMNIA_POD_COMMAND": double, "PATH": os.Getenv("PATH"),
			"INSOMNIA_RESOURCE_DIR": filepath.Join(filepath.Dir(filepath.Dir(lib)))}}
	testenv.Write(b, filepath.Join(e.ws, ".insomnia", "profiles.toml"), projectRegistry)
	testenv.Write(b, e.coder(), e.profileNix("coder", "anthropic/claude-sonnet"))
	c := lsptest.Start(b, lsp.Options{Env: func(k string) string { return e.env[k] }, Cwd: e.ws})
	c.InitializeTrusted(e.ws, nil)
	c.Open(e.coder())
	b.Cleanup(func() { stopPods(b, double) })
	c.Await("spawned pod", func() bool {
		return c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": "bench"}, nil) == nil
	})
	params := &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.coder())}}
	b.ResetTimer()
	for b.Loop() {
		ls, err := c.Server.CodeLens(context.Background(), params)
		if err != nil || len(ls) != 3 {
			b.Fatalf("lenses %d, %v", len(ls), err)
		}
	}
}

// The Spawn lens follows every evaluation: the editor is asked to refresh
// lenses when one starts (so a fixed error does not keep "fix 1 error
// first" while Nix runs) and again when it ends, and a lens asked for
// right after the fixing evaluation says "Spawn pod".
func TestSpawnLensRefreshedWhenAnEvaluationStartsAndEnds(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	good := e.profileNix("coder", "anthropic/claude-sonnet")
	bad := strings.Replace(good, `worker.reasoning = "high";`, `worker.max_turns = "many";`, 1)
	c.Open(e.coder(), bad)
	awaitLens(t, c, e.coder(), "Spawn pod (fix 1 error first)")
	c.Change(e.coder(), good)
	awaitStatus(t, c, "project:coder", "ok")
	if sp, _ := lensNamed(codeLenses(t, c, e.coder()), "Spawn pod"); sp.Title != "Spawn pod" {
		t.Errorf("lens right after the fixing evaluation: %q", sp.Title)
	}
	// The notifications may still be on their way when the state says ok.
	var seq string
	c.Await("the ok status notification", func() bool {
		seq = statusAndRefreshes(c, "coder.nix")
		return strings.HasSuffix(seq, " ok") || strings.Contains(seq[max(strings.LastIndex(seq, "evaluating"), 0):], " ok ")
	})
	i := strings.LastIndex(seq, "evaluating")
	j := i + strings.Index(seq[i:], " ok")
	if !strings.Contains(seq[i:j], "refresh") {
		t.Errorf("no lens refresh while the fixing evaluation ran: %s", seq)
	}
	c.Await("a lens refresh after the result", func() bool {
		s := statusAndRefreshes(c, "coder.nix")
		return strings.Contains(s[strings.LastIndex(s, " ok"):], "refresh")
	})
}

// statusAndRefreshes is the file's status states and the lens refreshes,
// in the order the editor received them ("evaluating refresh ok refresh").
func statusAndRefreshes(c *lsptest.Client, base string) string {
	var out []string
	for _, n := range c.Notifications() {
		var p struct{ URI, State string }
		switch {
		case n.Method == lsptest.MethodCodeLensRefresh:
			out = append(out, "refresh")
		case n.Method == "insomnia/evaluationStatus" && json.Unmarshal(n.Params, &p) == nil && strings.HasSuffix(p.URI, base):
			out = append(out, p.State)
		}
	}
	return strings.Join(out, " ")
}
