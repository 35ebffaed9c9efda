package lsp_test

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

const inlayKey = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"

// inlayProfile takes its values from a let set: references, a merge, a
// secret reference and a plaintext key in a field upstream ignores.
func inlayProfile(lib, turns string) string {
	return "let lib = import " + lib + " { }; in\n" +
		"let common = { model = { scheme = \"anthropic\"; model_id = \"claude-sonnet-4-20250514\"; }; turns = 7; key = \"" + inlayKey + "\"; };\n" +
		"in lib.mkProfile {\n" +
		"  name = \"t\";\n" +
		"  pod.name = \"inlaypod\";\n" +
		"  model = common.model // {\n" +
		"    auth = lib.secrets.ref \"llm.anthropic\";\n" +
		"  };\n" +
		"  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n" +
		"  permissions = { default_action = \"ask\"; };\n" +
		"  compaction.worker_max_turns = " + turns + ";\n" +
		"  notes = common.key;\n" +
		"}\n"
}

type inlayEnv struct {
	c       *lsptest.Client
	profile string
	text    string
}

func startInlay(t *testing.T, settings map[string]any, caps map[string]any) *inlayEnv {
	testenv.NeedNix(t)
	dir := t.TempDir()
	e := &inlayEnv{text: inlayProfile(repoFile(t, "resources/nix/profile-lib.nix"), "common.turns")}
	e.profile = testenv.Write(t, filepath.Join(dir, "inlay.nix"), e.text)
	e.c = lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	e.c.Capabilities = caps
	e.c.InitializeTrusted(dir, settings)
	e.c.Open(e.profile)
	return e
}

// hintOn is the label of the hint on the line holding needle ("" if none).
func (e *inlayEnv) hintOn(t *testing.T, text, needle string) string {
	t.Helper()
	line := featPos(t, text, needle, 0, 0).Line
	for _, h := range e.c.InlayHints(e.profile) {
		if h.Position.Line == line {
			if s, ok := h.Label.(protocol.String); ok {
				return string(s)
			}
		}
	}
	return ""
}

// awaitHint waits for a hint on needle's line whose label contains want.
func (e *inlayEnv) awaitHint(t *testing.T, text, needle, want string) string {
	t.Helper()
	var got string
	e.c.Await("a hint "+want+" on "+needle, func() bool {
		got = e.hintOn(t, text, needle)
		return strings.Contains(got, want)
	})
	return got
}

// Issue "see what a profile resolves to", point 1: values, truncation,
// secrets as references, no plaintext, nothing after literals.
func TestInlayHintsShowResolvedValues(t *testing.T) {
	e := startInlay(t, nil, nil)
	if got := e.awaitHint(t, e.text, "worker_max_turns", "7"); got != "= 7" {
		t.Errorf("turns hint %q, want %q", got, "= 7")
	}
	if got := e.hintOn(t, e.text, "auth = "); got != "= secret:llm.anthropic" {
		t.Errorf("secret hint %q, want the reference", got)
	}
	model := e.hintOn(t, e.text, "  };")
	if !strings.HasPrefix(model, `= {"auth":secret:llm.anthropic,"model_id`) || !strings.HasSuffix(model, "…") ||
		utf8.RuneCountInString(model) != len("= ")+40 {
		t.Errorf("model hint %q: want the merged set, cut at 40 characters with …", model)
	}
	notes := e.hintOn(t, e.text, "notes = ")
	if notes == "" || strings.Contains(notes, inlayKey[8:20]) {
		t.Errorf("notes hint %q: want a redacted value", notes)
	}
	for _, literal := range []string{"pod.name", "permissions = ", "scope.allow"} {
		if got := e.hintOn(t, e.text, literal); got != "" {
			t.Errorf("literal %s got hint %q", literal, got)
		}
	}
}

// A line edited since the last finished evaluation has no hint until the
// next one reports; the other lines keep theirs. The server asks the editor
// to refresh after the evaluation.
func TestInlayHintsStaleLineHiddenUntilEvaluated(t *testing.T) {
	caps := map[string]any{"workspace": map[string]any{"inlayHint": map[string]any{"refreshSupport": true}}}
	e := startInlay(t, map[string]any{"evaluation": map[string]any{"debounceMs": 2000}}, caps)
	e.awaitHint(t, e.text, "worker_max_turns", "= 7")
	// The refresh request follows the evaluation's publish: the hint can be
	// read before it arrives.
	e.c.Await("workspace/inlayHint/refresh after the first evaluation", func() bool { return e.c.InlayRefreshes() > 0 })
	refreshes := e.c.InlayRefreshes()
	edited := inlayProfile(repoFile(t, "resources/nix/profile-lib.nix"), "common.turns + 1")
	e.c.Change(e.profile, edited)
	if got := e.hintOn(t, edited, "worker_max_turns"); got != "" {
		t.Errorf("edited line shows %q before its evaluation", got)
	}
	if got := e.hintOn(t, edited, "auth = "); got != "= secret:llm.anthropic" {
		t.Errorf("unchanged line lost its hint: %q", got)
	}
	e.awaitHint(t, edited, "worker_max_turns", "= 8")
	if e.c.InlayRefreshes() <= refreshes {
		t.Error("no refresh after the edit's evaluation")
	}
}

func TestInlayHintsSettingOff(t *testing.T) {
	e := startInlay(t, map[string]any{"inlayHints": map[string]any{"enable": false}}, nil)
	e.c.Await("the profile evaluated", func() bool {
		var st struct{ State string }
		_ = e.c.Command("insomnia.profileStatus", map[string]string{"uri": "file://" + e.profile}, &st)
		return st.State == "ok" || st.State == "error"
	})
	if hs := e.c.InlayHints(e.profile); len(hs) != 0 {
		t.Errorf("inlayHints.enable=false still gives %d hints", len(hs))
	}
}
