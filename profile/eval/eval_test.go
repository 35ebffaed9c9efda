package eval

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

func evalText(t *testing.T, opts Options, path, text string) Result {
	t.Helper()
	req := Request{Path: path}
	if text != "" {
		req.Text = []byte(text)
	}
	return NewEvaluator(opts).Evaluate(context.Background(), req)
}

// TestArtifactUnchanged: the artifact is byte for byte what a bare
// nix-instantiate prints for the file.
func TestArtifactUnchanged(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "profile/profile.nix")
	r := evalText(t, opts, path, "")
	if r.Failure != nil {
		t.Fatalf("failure: %+v", r.Failure)
	}
	bare, err := exec.Command(DefaultProgram, "--eval", "--strict", "--json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Artifact) != string(bare) {
		t.Fatalf("artifact differs from bare Nix:\n ours %s\n bare %s", r.Artifact, bare)
	}
}

func wantAt(t *testing.T, pm diagnostics.PosMap, ptr, file string, line, col int) {
	t.Helper()
	loc, ok := pm[ptr]
	if !ok {
		t.Errorf("%s: no position", ptr)
		return
	}
	if loc.File != file || loc.Range.Start.Line != line || loc.Range.Start.Col != col {
		t.Errorf("%s at %s:%d:%d, want %s:%d:%d", ptr, loc.File, loc.Range.Start.Line, loc.Range.Start.Col, file, line, col)
	}
}

// TestPositions: nested attrs, an attr from an imported file, list
// elements, and a computed value (which takes its ancestor's position).
func TestPositions(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "profile/profile.nix")
	model := fixture(t, "profile/model.nix")
	r := evalText(t, opts, path, "")
	if r.Failure != nil {
		t.Fatalf("failure: %+v", r.Failure)
	}
	pm := r.Positions
	wantAt(t, pm, "/profile/name", path, 5, 2)
	wantAt(t, pm, "/manifest/pod/name", path, 7, 4)
	wantAt(t, pm, "/manifest/model", path, 8, 4)
	wantAt(t, pm, "/manifest/model/auth", model, 3, 2)
	wantAt(t, pm, "/manifest/model/auth/ref", model, 3, 32)
	wantAt(t, pm, "/manifest/scope/allow/0/permission", path, 10, 22)
	// A list element has no position of its own: its list's stands in.
	wantAt(t, pm, "/manifest/scope/allow/0", path, 9, 4)
	if got := pm["/manifest/model/auth"].Range; got.End.Col-got.Start.Col != len("auth") {
		t.Errorf("auth range %+v does not span the name", got)
	}
	if len(r.Deps) != 1 || r.Deps[0] != model {
		t.Errorf("deps = %v, want [%s]", r.Deps, model)
	}
}

// TestUnsavedBuffer: the editor's text is evaluated, not the disk; a
// relative import resolves from the file's folder; positions and errors
// land on buffer lines.
func TestUnsavedBuffer(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "relative/unsaved.nix") // does not exist on disk
	text := "# unsaved\n{\n  manifest.model = import ./helper.nix;\n  manifest.pod.name = \"buf\";\n}\n"
	r := evalText(t, opts, path, text)
	if r.Failure != nil {
		t.Fatalf("failure: %+v", r.Failure)
	}
	want := `{"manifest":{"model":{"scheme":"openai"},"pod":{"name":"buf"}}}`
	if string(r.Artifact) != want {
		t.Fatalf("artifact %s, want %s", r.Artifact, want)
	}
	wantAt(t, r.Positions, "/manifest/pod/name", path, 3, 2)
	wantAt(t, r.Positions, "/manifest/model/scheme", fixture(t, "relative/helper.nix"), 0, 2)

	bad := "{\n  manifest.pod.name =\n    1 + \"x\";\n}\n"
	r = evalText(t, opts, path, bad)
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeNixError {
		t.Fatalf("want a nix-error, got %+v", r.Failure)
	}
	if loc := r.Failure.Location; loc == nil || loc.File != path || loc.Range.Start.Line != 2 || loc.Range.Start.Col != 8 {
		t.Fatalf("error location %+v, want %s:2:8", loc, path)
	}
	if !strings.Contains(r.Failure.Message, "cannot add a string to an integer") {
		t.Fatalf("message %q", r.Failure.Message)
	}
}

// TestSyntaxErrorInBuffer: a parse error is located on the buffer's line.
func TestSyntaxErrorInBuffer(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "relative/unsaved.nix")
	r := evalText(t, opts, path, "{\n  a = 1;\n  b = ;\n}\n")
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeNixError || r.Failure.Location == nil {
		t.Fatalf("want a located nix-error, got %+v", r.Failure)
	}
	if l := r.Failure.Location; l.File != path || l.Range.Start.Line != 2 {
		t.Fatalf("syntax error at %+v, want line 2 of %s", l, path)
	}
}

// TestTraceThroughFiles: an error three imports deep is located in the
// innermost file, with the frames of every file in the trace.
func TestTraceThroughFiles(t *testing.T) {
	opts := testOptions(t)
	main := fixture(t, "trace/main.nix")
	r := evalText(t, opts, main, "")
	f := r.Failure
	if f == nil || f.Kind != diagnostics.CodeNixError {
		t.Fatalf("want nix-error, got %+v", f)
	}
	if f.Location == nil || f.Location.File != fixture(t, "trace/leaf.nix") || f.Location.Range.Start.Line != 2 {
		t.Fatalf("location %+v, want leaf.nix line 2", f.Location)
	}
	files := map[string]bool{}
	for _, l := range f.Trace {
		files[filepath.Base(l.File)] = true
	}
	for _, want := range []string{"main.nix", "mid.nix", "leaf.nix"} {
		if !files[want] {
			t.Errorf("trace %+v lacks %s", f.Trace, want)
		}
	}
}

// TestFunctionProfile: a top-level function is reported as Nix reports it
// to the runtime, not called: upstream runs `nix eval --json --file`
// (crates/manifest/src/profile.rs:425-430 at 6ecb5c4f), which prints
// "error: cannot convert a function to JSON" even when every argument has
// a default (verified with Nix 2.8).
func TestFunctionProfile(t *testing.T) {
	opts := testOptions(t)
	for _, text := range []string{
		"{ name ? \"x\" }: { manifest.pod.name = name; }\n",
		"args: { manifest.pod.name = \"x\"; }\n",
		"let f = x: x; in f\n",
	} {
		r := evalText(t, opts, fixture(t, "relative/fn.nix"), text)
		if r.Failure == nil || r.Failure.Kind != diagnostics.CodeFunctionProfile || r.Artifact != nil {
			t.Fatalf("%q: want function-profile, got %+v / %s", text, r.Failure, r.Artifact)
		}
		if !strings.HasPrefix(r.Failure.Message, "cannot convert a function to JSON: ") {
			t.Fatalf("%q: message %q", text, r.Failure.Message)
		}
	}
}

// TestNixMissing: no Nix gives the one install hint.
func TestNixMissing(t *testing.T) {
	opts := testOptions(t)
	opts.Program = filepath.Join(t.TempDir(), "no-such-nix")
	r := evalText(t, opts, fixture(t, "profile/profile.nix"), "")
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeNixMissing || r.Failure.Message != nixMissingMessage {
		t.Fatalf("got %+v", r.Failure)
	}
}

// TestInfiniteRecursion: both forms end with a clear nix-error.
func TestInfiniteRecursion(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "relative/rec.nix")
	for _, text := range []string{
		"rec { a = b; b = a; }\n",
		"let f = x: f x + 1; in { v = f 1; }\n",
	} {
		r := evalText(t, opts, path, text)
		if r.Failure == nil || r.Failure.Kind != diagnostics.CodeNixError || !strings.HasPrefix(r.Failure.Message, "infinite recursion: ") {
			t.Errorf("%q: got %+v", text, r.Failure)
		}
	}
}

// TestCacheServesUnchanged: the same text is not evaluated twice; a change
// in an imported file (on disk) is noticed even when the caller did not
// name it as a dependency.
func TestCacheServesUnchanged(t *testing.T) {
	opts := testOptions(t)
	dir := t.TempDir()
	path := writeFile(t, dir, "p.nix", "{ manifest = import ./m.nix; }\n")
	writeFile(t, dir, "m.nix", "{ pod.name = \"one\"; }\n")
	e := NewEvaluator(opts)
	first := e.Evaluate(context.Background(), Request{Path: path})
	second := e.Evaluate(context.Background(), Request{Path: path})
	if first.Failure != nil || first.Cached || !second.Cached || string(second.Artifact) != string(first.Artifact) {
		t.Fatalf("first %+v cached=%v, second cached=%v", first.Failure, first.Cached, second.Cached)
	}
	writeFile(t, dir, "m.nix", "{ pod.name = \"two\"; }\n")
	third := e.Evaluate(context.Background(), Request{Path: path})
	if third.Cached || !strings.Contains(string(third.Artifact), `"two"`) {
		t.Fatalf("after the import changed: cached=%v artifact=%s", third.Cached, third.Artifact)
	}
	if e.Cache().Hits() != 1 {
		t.Fatalf("hits = %d, want 1", e.Cache().Hits())
	}
}

// TestUnbalancedParen: text that would close the wrapper's parenthesis is
// an error, not a different expression.
func TestUnbalancedParen(t *testing.T) {
	opts := testOptions(t)
	r := evalText(t, opts, fixture(t, "relative/paren.nix"), "{ a = 1; }) ({ b = 2; }\n")
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeNixError || !strings.Contains(r.Failure.Message, "unbalanced `)`") {
		t.Fatalf("got %+v %s", r.Failure, r.Artifact)
	}
}

// TestMessagePositionsRewritten: a position Nix writes inside its message
// names the profile and the buffer line, not the wrapped stdin.
func TestMessagePositionsRewritten(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "relative/msg.nix")
	r := evalText(t, opts, path, "let f = { x }: x; in { a = f {}; }\n")
	if r.Failure == nil || !strings.Contains(r.Failure.Message, "'f' at msg.nix:1:9 called without required argument 'x'") {
		t.Fatalf("got %+v", r.Failure)
	}
}

// TestScalarProfiles: null and other non-object values come through as
// Nix prints them; judging the shape is the manifest checker's job.
func TestScalarProfiles(t *testing.T) {
	opts := testOptions(t)
	for _, text := range []string{"null", "1.0", "[ ]", "\"s\""} {
		r := evalText(t, opts, fixture(t, "relative/scalar.nix"), text+"\n")
		bare, err := exec.Command(DefaultProgram, "--eval", "--strict", "--json", "-E", text).Output()
		if err != nil {
			t.Fatal(err)
		}
		if r.Failure != nil || string(r.Artifact) != string(bare) || r.Positions[""].File == "" {
			t.Errorf("%s: got %+v %q, want %q", text, r.Failure, r.Artifact, bare)
		}
	}
}
