package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// Issue 17 points 1, 2 and 4 through the real server and real Nix: one
// diagnostic per mistake, placed where the user typed, and every fix
// applied makes its diagnostic go away.

// diagEnv is a server on a temporary folder with a secret store holding
// llm.anthropic.default, and the profile library's path.
type diagEnv struct {
	c        *lsptest.Client
	dir      string
	lib      string
	barriers int // publishes of barrier.nix asked for
}

func newDiagEnv(t *testing.T, settings map[string]any) *diagEnv {
	t.Helper()
	testenv.NeedNix(t)
	data := t.TempDir()
	testenv.Write(t, filepath.Join(data, "secrets", "store.json"), `{"version":1,"entries":{"llm.anthropic.default":{}}}`)
	env := map[string]string{"HOME": t.TempDir(), "PATH": os.Getenv("PATH"), "INSOMNIA_DATA_DIR": data}
	e := &diagEnv{dir: t.TempDir(), lib: repoFile(t, "resources/nix/profile-lib.nix")}
	// barrier's project, there before discovery so finding it changes nothing later.
	testenv.Write(t, filepath.Join(e.dir, "side", ".insomnia", "profiles.toml"), "[profile]\n")
	e.c = lsptest.Start(t, lsp.Options{Env: func(k string) string { return env[k] }})
	e.c.InitializeTrusted(e.dir, settings)
	return e
}

// finished counts the evaluation results (statuses other than evaluating)
// the editor got for a file.
func finished(c *lsptest.Client, path string) int {
	n := 0
	for _, note := range c.Notifications() {
		var p struct{ URI, State string }
		if note.Method == "insomnia/evaluationStatus" && json.Unmarshal(note.Params, &p) == nil &&
			p.State != "evaluating" && strings.HasSuffix(p.URI, "/"+filepath.Base(path)) {
			n++
		}
	}
	return n
}

// settle saves text and returns the diagnostics once an evaluation of it
// has finished (Save evaluates at once).
func (e *diagEnv) settle(t *testing.T, path, text string) []protocol.Diagnostic {
	t.Helper()
	before := finished(e.c, path)
	e.c.Change(path, text)
	e.c.Save(path, text)
	e.c.Await("an evaluation of "+filepath.Base(path), func() bool { return finished(e.c, path) > before })
	e.barrier(t)
	return e.c.Diagnostics(path)
}

// barrier returns once every diagnostic set the server queued before it
// has reached the editor: the publisher sends in order, so a new set for
// another file arriving means the earlier ones did (the status
// notification that says an evaluation finished overtakes its diagnostics).
func (e *diagEnv) barrier(t *testing.T) {
	t.Helper()
	e.barriers++
	name := "b" + strconv.Itoa(e.barriers)
	// Ours (checked) as a file of a project's .insomnia/, a project of its
	// own with no profiles, so nothing else changes.
	path := filepath.Join(e.dir, "side", ".insomnia", "barrier.nix")
	text := "let " + name + " = 1; in { }\n"
	if e.barriers == 1 {
		testenv.Write(t, path, text)
		e.c.Open(path)
	} else {
		e.c.Change(path, text)
	}
	e.c.AwaitDiagnostics(path, func(ds []protocol.Diagnostic) bool {
		return len(ds) == 1 && strings.Contains(lsptest.Message(ds[0]), "'"+name+"'")
	})
}

// open writes and opens a profile and returns its diagnostics after its
// first evaluation.
func (e *diagEnv) open(t *testing.T, name, text string) (string, []protocol.Diagnostic) {
	t.Helper()
	path := testenv.Write(t, filepath.Join(e.dir, name), text)
	e.c.Open(path)
	return path, e.settle(t, path, text)
}

func withCode(ds []protocol.Diagnostic, code string) []protocol.Diagnostic {
	var out []protocol.Diagnostic
	for _, d := range ds {
		if lsptest.Code(d) == code {
			out = append(out, d)
		}
	}
	return out
}

// applyFix asks for the code actions of d, applies the one titled title
// (it must be a quick fix) and returns the new text.
func (e *diagEnv) applyFix(t *testing.T, path, text string, d protocol.Diagnostic, title string) string {
	t.Helper()
	as := codeActions(t, e.c, path, d.Range, []protocol.Diagnostic{d})
	a := actionTitled(as, title)
	if a == nil || a.Kind == nil || *a.Kind != protocol.CodeActionKindQuickFix || a.Edit == nil {
		var titles []string
		for _, x := range as {
			titles = append(titles, x.Title)
		}
		t.Fatalf("no quick fix %q for %s; actions: %q", title, lsptest.Describe([]protocol.Diagnostic{d}), titles)
	}
	tde := &protocol.TextDocumentEdit{}
	for _, te := range a.Edit.Changes[featDoc(path).URI] {
		te := te
		tde.Edits = append(tde.Edits, &te)
	}
	return applyEdits(text, tde)
}

// fixRemoves applies the fix titled title to the one diagnostic with code
// and checks, after the next evaluation, that no diagnostic has the code.
func (e *diagEnv) fixRemoves(t *testing.T, path, text, code, title string) string {
	t.Helper()
	ds := withCode(e.c.Diagnostics(path), code)
	if len(ds) != 1 {
		t.Fatalf("want one %s, got%s", code, lsptest.Describe(e.c.Diagnostics(path)))
	}
	fixed := e.applyFix(t, path, text, ds[0], title)
	if left := withCode(e.settle(t, path, fixed), code); len(left) > 0 {
		t.Errorf("%s left after %q:%s\n%s", code, title, lsptest.Describe(left), fixed)
	}
	return fixed
}

func (e *diagEnv) profile(body string) string { return profileText(e.lib, body) }

// A missing ';': only our syntax error (Nix's "unexpected '='" for the same
// text is not published), its fix "Insert ';'" is a preferred quick fix,
// and applying it leaves no diagnostic at all.
func TestMissingSemicolonOneDiagnosticAndItsFix(t *testing.T) {
	e := newDiagEnv(t, nil)
	text := e.profile("  pod.name = \"p\"\n  model.ref = \"anthropic/x\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n")
	path, ds := e.open(t, "broken.nix", text)
	if len(ds) != 1 || lsptest.Code(ds[0]) != "syntax-error" || lsptest.Message(ds[0]) != "syntax error, missing ';' before identifier" {
		t.Fatalf("want only our syntax error, got%s", lsptest.Describe(ds))
	}
	as := codeActions(t, e.c, path, ds[0].Range, ds)
	if a := actionTitled(as, "Insert ';'"); a == nil || a.Title != "Insert ';'" || a.IsPreferred == nil || !*a.IsPreferred {
		t.Fatalf("Insert ';' is not a preferred action: %+v", as)
	}
	fixed := e.applyFix(t, path, text, ds[0], "Insert ';'")
	if left := e.settle(t, path, fixed); len(left) != 0 {
		t.Errorf("after Insert ';':%s", lsptest.Describe(left))
	}
}

// A pasted key and an unknown secret id: each one diagnostic (the static
// check and the evaluation find the same problem).
func TestPastedKeyAndUnknownSecretOneDiagnosticEach(t *testing.T) {
	e := newDiagEnv(t, nil)
	key := "sk-ant-api03-" + strings.Repeat("Zq7", 12)
	_, ds := e.open(t, "leak.nix", e.profile(okBody+"  model.auth = { kind = \"api_key\"; key = \""+key+"\"; };\n"+
		"  compaction.model = { ref = \"anthropic/y\"; auth = lib.secrets.ref \"llm.antropic.default\"; };\n"))
	if got := withCode(ds, "plaintext-secret"); len(got) != 1 {
		t.Errorf("plaintext-secret: want 1, got%s", lsptest.Describe(got))
	}
	if got := withCode(ds, "secret-unknown"); len(got) != 1 {
		t.Errorf("secret-unknown: want 1, got%s", lsptest.Describe(got))
	}
	for _, d := range ds {
		if strings.Contains(lsptest.Message(d), key) {
			t.Errorf("a message holds the key: %s", lsptest.Message(d))
		}
	}
}

// rangeText is the source text under a diagnostic's range.
func rangeText(text string, d protocol.Diagnostic) string {
	tde := &protocol.TextDocumentEdit{}
	// The text outside the range, deleted from a copy, leaves the range.
	end := protocol.Range{Start: d.Range.End, End: protocol.Position{Line: 1 << 20}}
	tde.Edits = append(tde.Edits, &protocol.TextEdit{Range: protocol.Range{End: d.Range.Start}}, &protocol.TextEdit{Range: end})
	return applyEdits(text, tde)
}

// recursiveUpdateBody merges the user's settings over a base, as the
// examples' coder.nix does, so Nix's positions stop at `manifest`.
const recursiveUpdateBody = `  manifest = recursiveUpdate {
    pod.name = "p";
    model.ref = "anthropic/x";
    scope.allow = [ { target = "."; permission = "read"; } ];
  } {
    worker.reasonning = "high";
    worker.max_turns = "many";
  };
`

func (e *diagEnv) mergedProfile(body string) string {
	return "let\n  lib = import " + e.lib + " { };\n" +
		"  recursiveUpdate = a: b: a // builtins.mapAttrs (n: v:\n" +
		"    if builtins.isAttrs v && a ? ${n} && builtins.isAttrs a.${n} then recursiveUpdate a.${n} v else v) b;\n" +
		"in\nlib.mkProfile {\n  name = \"t\";\n" + body + "}\n"
}

// An unknown field set inside a recursiveUpdate merge lands on its key,
// a type mismatch on the value; the "did you mean" fix renames the key.
func TestMergedFindingsWhereTheUserTyped(t *testing.T) {
	e := newDiagEnv(t, nil)
	text := e.mergedProfile(recursiveUpdateBody)
	path, ds := e.open(t, "coder.nix", text)
	unknown, mismatch := withCode(ds, "unknown-field"), withCode(ds, "type-mismatch")
	if len(unknown) != 1 || rangeText(text, unknown[0]) != "reasonning" {
		t.Errorf("unknown field not on the reasonning key:%s", lsptest.Describe(unknown))
	}
	if len(mismatch) != 1 || rangeText(text, mismatch[0]) != `"many"` {
		t.Errorf("type mismatch not on the value:%s", lsptest.Describe(mismatch))
	}
	e.fixRemoves(t, path, text, "unknown-field", "Replace with reasoning")
}

// Each "did you mean" and the other fixes the diagnostics know, applied:
// the diagnostic is gone after the next evaluation.
func TestEveryFixRemovesItsDiagnostic(t *testing.T) {
	e := newDiagEnv(t, nil)
	manifest := func(fields string) string {
		return e.profile("  manifest = {\n" + fields + "  };\n")
	}
	const base = "    pod.name = \"p\";\n    scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"
	cases := []struct{ name, text, code, title string }{
		{"enum.nix", manifest(base + "    model = { scheme = \"antropic\"; model_id = \"m\"; auth = { kind = \"none\"; }; };\n"), "unknown-enum", `Replace with "anthropic"`},
		{"provider.nix", manifest(base + "    model.ref = \"antrhopic/x\";\n"), "unknown-provider", `Replace with "anthropic/x"`},
		{"secret.nix", manifest(base + "    model = { scheme = \"anthropic\"; model_id = \"m\"; auth = lib.secrets.ref \"llm.antropic.default\"; };\n"),
			"secret-unknown", `Replace with "llm.anthropic.default"`},
		{"removed.nix", manifest(base + "    model.ref = \"anthropic/x\";\n    compaction.prune_protected_turns = 3;\n"), "removed-field", "Rename to prune_protected_tokens"},
		{"alias.nix", manifest(base + "    model.ref = \"anthropic/x\";\n    compaction.threshold = 9;\n    compaction.compact_threshold = 9;\n"),
			"alias-conflict", "Remove compact_threshold"},
		{"nameless.nix", manifest("    scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n    model.ref = \"anthropic/x\";\n"),
			"missing-required", `Insert pod.name = "t";`},
		// Written as null: the value is replaced (an inserted pod.name would be defined twice).
		{"nullname.nix", manifest("    pod.name = null;\n    scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n    model.ref = \"anthropic/x\";\n"),
			"missing-required", `Replace with "t"`},
		{"unused.nix", "let\n  unused = 1;\n" + strings.TrimPrefix(e.profile(okBody), "let "), "unused-binding", "Remove the unused binding unused"},
		{"unused2.nix", "let\n  unused = 1;\n" + strings.TrimPrefix(e.profile(okBody), "let "), "unused-binding", "Rename to _unused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, _ := e.open(t, tc.name, tc.text)
			e.fixRemoves(t, path, tc.text, tc.code, tc.title)
		})
	}
}

// An evaluation's finding moves with a line inserted above it and goes
// away when its own line is edited, before any new result (the debounce is
// long and nothing is saved, so no evaluation runs meanwhile).
func TestStaleEvaluationFindingFollowsEdits(t *testing.T) {
	e := newDiagEnv(t, map[string]any{"evaluation": map[string]any{"debounceMs": 600000}})
	text := e.profile(okBody + "  worker.max_turns = \"many\";\n")
	path, ds := e.open(t, "stale.nix", text)
	got := withCode(ds, "type-mismatch")
	if len(got) != 1 {
		t.Fatalf("want one type-mismatch, got%s", lsptest.Describe(ds))
	}
	line := got[0].Range.Start.Line
	moved := "# a comment above\n" + text
	e.c.Change(path, moved)
	e.c.AwaitDiagnostics(path, func(ds []protocol.Diagnostic) bool {
		m := withCode(ds, "type-mismatch")
		return len(m) == 1 && m[0].Range.Start.Line == line+1 && rangeText(moved, m[0]) == `"many"`
	})
	edited := strings.Replace(moved, `worker.max_turns = "many";`, `worker.max_turns = 12;`, 1)
	e.c.Change(path, edited)
	e.c.AwaitDiagnostics(path, func(ds []protocol.Diagnostic) bool { return len(withCode(ds, "type-mismatch")) == 0 })
	if n := evaluations(e.c, path); n > 2 {
		t.Errorf("%d evaluations: the edits were evaluated, the test proves nothing", n)
	}
}

// An error in an imported file: the diagnostic is on the file, where it
// was written (on the value); the profile gets one pointer on its import,
// naming the file, not a copy of the message.
func TestImportedErrorOnTheFileAndAPointerOnTheImport(t *testing.T) {
	e := newDiagEnv(t, nil)
	web := testenv.Write(t, filepath.Join(e.dir, "shared", "web.nix"), "{\n  timeout_secs = \"30\";\n}\n")
	text := e.profile(okBody + "  web.fetch = import ./shared/web.nix;\n")
	_, ds := e.open(t, "docs.nix", text)
	onFile := e.c.AwaitDiagnostics(web, func(ds []protocol.Diagnostic) bool { return len(withCode(ds, "type-mismatch")) == 1 })
	if got := rangeText("{\n  timeout_secs = \"30\";\n}\n", withCode(onFile, "type-mismatch")[0]); got != `"30"` {
		t.Errorf("the imported file's error is on %q, want the value", got)
	}
	ptr := withCode(ds, "import-error")
	if len(ptr) != 1 || len(ds) != 1 {
		t.Fatalf("want only one import-error on the profile, got%s", lsptest.Describe(ds))
	}
	if got := rangeText(text, ptr[0]); got != "./shared/web.nix" {
		t.Errorf("pointer on %q, want the import's path", got)
	}
	if msg := lsptest.Message(ptr[0]); msg != "1 error in web.nix, which this profile imports" {
		t.Errorf("pointer message %q", msg)
	}
}

// The missing ';' sits between two characters: a cursor on either side of
// it gets Insert ';' without the editor sending the diagnostic.
func TestInsertSemicolonNextToTheCursor(t *testing.T) {
	dir := t.TempDir()
	text := "{\n  a = 1\n  b = 2;\n}\n"
	path := testenv.Write(t, filepath.Join(dir, ".insomnia", "x.nix"), text)
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"), "[profile]\n")
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.InitializeTrusted(dir, nil)
	c.Open(path)
	d := c.AwaitCode(path, "syntax-error")
	for _, col := range []uint32{d.Range.Start.Character - 1, d.Range.Start.Character + 1} {
		at := protocol.Position{Line: d.Range.Start.Line, Character: col}
		if actionTitled(codeActions(t, c, path, protocol.Range{Start: at, End: at}, nil), "Insert ';'") == nil {
			t.Errorf("no Insert ';' with the cursor at %d:%d (the ';' belongs at %d)", at.Line, col, d.Range.Start.Character)
		}
	}
}

// A removed field's rename is offered but never preferred: the schema's
// replacement counts in other units (turns then, tokens now), so an editor
// must not apply it without the user reading it.
func TestRemovedFieldRenameIsNotPreferred(t *testing.T) {
	e := newDiagEnv(t, nil)
	text := e.profile("  manifest = {\n    pod.name = \"p\";\n    scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n" +
		"    model.ref = \"anthropic/x\";\n    compaction.prune_protected_turns = 3;\n  };\n")
	path, _ := e.open(t, "removed.nix", text)
	ds := withCode(e.c.Diagnostics(path), "removed-field")
	if len(ds) != 1 {
		t.Fatalf("want one removed-field, got%s", lsptest.Describe(e.c.Diagnostics(path)))
	}
	a := actionTitled(codeActions(t, e.c, path, ds[0].Range, ds), "Rename to prune_protected_tokens")
	if a == nil {
		t.Fatalf("the rename is not offered")
	}
	if a.IsPreferred != nil && *a.IsPreferred {
		t.Errorf("the rename is a preferred action: editors would apply it blindly")
	}
}
