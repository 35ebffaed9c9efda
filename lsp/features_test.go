package lsp_test

import (
	"context"
	"fmt"
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

// featureSrc exercises every binding form. Lines (0-based) are referred to
// by the tests below.
const featureSrc = `{ pkgs ? null, extra, ... }@args:
let
  base = import ./base.nix;
  port = 8080;
  helper = x: x + port;
in rec {
  pod = {
    name = "demo";
    port = helper 1;
  };
  inherit base;
  copy = pod.name;
  again = extra;
  # one
  # two
  list = [
    1
    2
  ];
}
`

// featPos finds the n-th (0-based) occurrence of needle in text and returns its
// LSP position plus delta columns (ASCII text only).
func featPos(t testing.TB, text, needle string, n, delta int) protocol.Position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		next := strings.Index(text[off+1:], needle)
		if next < 0 {
			t.Fatalf("%q occurrence %d not found", needle, n)
		}
		off += 1 + next
	}
	off += delta
	line := strings.Count(text[:off], "\n")
	col := off - (strings.LastIndex(text[:off], "\n") + 1)
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

func featDoc(path string) protocol.TextDocumentIdentifier {
	return protocol.TextDocumentIdentifier{URI: uri.File(path)}
}

func featTDP(path string, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: featDoc(path), Position: p}
}

// startFeatures opens featureSrc (unsaved: the buffer differs from disk)
// without any profile machinery being needed.
func startFeatures(t *testing.T) (*lsptest.Client, string) {
	// In a project's .insomnia folder: ours, though not a profile (a
	// function), so every structural feature works on it.
	root := t.TempDir()
	testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"), "")
	dir := filepath.Join(root, ".insomnia", "profiles")
	testenv.Write(t, filepath.Join(dir, "base.nix"), "{ a = 1; }\n")
	path := testenv.Write(t, filepath.Join(dir, "feature.nix"), "{ }\n")
	c := lsptest.Start(t, lsp.Options{})
	c.InitializeTrusted(dir, nil)
	c.Open(path, featureSrc)
	return c, path
}

func TestFeaturesDocumentSymbolNested(t *testing.T) {
	c, path := startFeatures(t)
	res, err := c.Server.DocumentSymbol(context.Background(), &protocol.DocumentSymbolParams{TextDocument: featDoc(path)})
	if err != nil {
		t.Fatal(err)
	}
	syms, ok := res.(protocol.DocumentSymbolSlice)
	if !ok {
		t.Fatalf("result %T, want DocumentSymbolSlice", res)
	}
	var names []string
	var pod *protocol.DocumentSymbol
	for i, s := range syms {
		names = append(names, s.Name)
		if s.Name == "pod" {
			pod = &syms[i]
		}
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "pod,base,copy,again,list") {
		t.Errorf("top symbols %s, want the set's bindings in order", got)
	}
	if pod == nil || len(pod.Children) != 2 || pod.Children[0].Name != "name" || pod.Children[1].Name != "port" {
		t.Fatalf("pod symbol children wrong: %+v", pod)
	}
	if pod.Kind != protocol.SymbolKindObject || pod.Children[0].Kind != protocol.SymbolKindString {
		t.Errorf("kinds: pod %v name %v", pod.Kind, pod.Children[0].Kind)
	}
	if pod.SelectionRange.Start != featPos(t, featureSrc, "pod = {", 0, 0) || pod.Range.End.Line != 9 {
		t.Errorf("pod ranges %+v / %+v", pod.SelectionRange, pod.Range)
	}
}

func TestFeaturesFoldingRanges(t *testing.T) {
	c, path := startFeatures(t)
	folds, err := c.Server.FoldingRanges(context.Background(), &protocol.FoldingRangeParams{TextDocument: featDoc(path)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"6-8 ": false, "13-14 comment": false, "15-17 ": false}
	for _, f := range folds {
		k := fmt.Sprintf("%d-%d %s", f.StartLine, f.EndLine, f.Kind)
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no folding range %q in %+v", k, folds)
		}
	}
}

func TestFeaturesSelectionRangeGrows(t *testing.T) {
	c, path := startFeatures(t)
	at := featPos(t, featureSrc, `"demo"`, 0, 2)
	res, err := c.Server.SelectionRange(context.Background(), &protocol.SelectionRangeParams{
		TextDocument: featDoc(path), Positions: []protocol.Position{at}})
	if err != nil || len(res) != 1 {
		t.Fatalf("selection ranges %v, %v", res, err)
	}
	var spans []protocol.Range
	for r := &res[0]; r != nil; r = r.Parent {
		spans = append(spans, r.Range)
	}
	if len(spans) < 4 {
		t.Fatalf("only %d levels: %+v", len(spans), spans)
	}
	first := spans[0]
	if first.Start.Line != 7 || first.End.Line != 7 || first.Start.Character > at.Character || first.End.Character < at.Character {
		t.Errorf("innermost %+v does not hold the cursor %+v", first, at)
	}
	for i := 1; i < len(spans); i++ {
		if !featHolds(spans[i], spans[i-1]) || spans[i] == spans[i-1] {
			t.Errorf("level %d %+v does not strictly contain %+v", i, spans[i], spans[i-1])
		}
	}
	if last := spans[len(spans)-1]; last.Start != (protocol.Position{}) {
		t.Errorf("outermost level %+v is not the whole file", last)
	}
}

func featHolds(outer, inner protocol.Range) bool {
	before := func(a, b protocol.Position) bool {
		return a.Line < b.Line || a.Line == b.Line && a.Character <= b.Character
	}
	return before(outer.Start, inner.Start) && before(inner.End, outer.End)
}

func featDefinition(t *testing.T, c *lsptest.Client, path string, p protocol.Position) *protocol.Location {
	t.Helper()
	res, err := c.Server.Definition(context.Background(), &protocol.DefinitionParams{TextDocumentPositionParams: featTDP(path, p)})
	if err != nil {
		t.Fatal(err)
	}
	if res == nil {
		return nil
	}
	loc, ok := res.(*protocol.Location)
	if !ok {
		t.Fatalf("definition result %T", res)
	}
	return loc
}

func TestFeaturesDefinition(t *testing.T) {
	c, path := startFeatures(t)
	cases := []struct {
		name string
		use  protocol.Position
		def  protocol.Position
	}{
		{"let binding", featPos(t, featureSrc, "port;", 0, 1), featPos(t, featureSrc, "port = 8080", 0, 0)},
		{"let function", featPos(t, featureSrc, "helper 1", 0, 2), featPos(t, featureSrc, "helper = x", 0, 0)},
		{"lambda local", featPos(t, featureSrc, "x + port", 0, 0), featPos(t, featureSrc, "x: x", 0, 0)},
		{"rec attribute", featPos(t, featureSrc, "pod.name;", 0, 1), featPos(t, featureSrc, "pod = {", 0, 0)},
		{"formal", featPos(t, featureSrc, "extra;", 0, 2), featPos(t, featureSrc, "extra,", 0, 0)},
		{"inherit", featPos(t, featureSrc, "inherit base", 0, 9), featPos(t, featureSrc, "base = import", 0, 0)},
	}
	for _, tc := range cases {
		loc := featDefinition(t, c, path, tc.use)
		if loc == nil {
			t.Errorf("%s: no definition", tc.name)
			continue
		}
		if loc.URI != uri.File(path) || loc.Range.Start != tc.def {
			t.Errorf("%s: definition at %v %+v, want %+v", tc.name, loc.URI, loc.Range.Start, tc.def)
		}
	}
	loc := featDefinition(t, c, path, featPos(t, featureSrc, "./base.nix", 0, 3))
	if loc == nil || loc.URI != uri.File(filepath.Join(filepath.Dir(path), "base.nix")) {
		t.Errorf("import path leads to %+v, want base.nix", loc)
	}
	if loc := featDefinition(t, c, path, featPos(t, featureSrc, "8080", 0, 1)); loc != nil {
		t.Errorf("a number has a definition: %+v", loc)
	}
}

func TestFeaturesDocumentHighlight(t *testing.T) {
	c, path := startFeatures(t)
	hs, err := c.Server.DocumentHighlight(context.Background(), &protocol.DocumentHighlightParams{
		TextDocumentPositionParams: featTDP(path, featPos(t, featureSrc, "port = 8080", 0, 1))})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 {
		t.Fatalf("highlights %+v, want the binding and its one use", hs)
	}
	if hs[0].Kind != protocol.DocumentHighlightKindWrite || hs[0].Range.Start != featPos(t, featureSrc, "port = 8080", 0, 0) {
		t.Errorf("first highlight %+v is not the binding (write)", hs[0])
	}
	if hs[1].Kind != protocol.DocumentHighlightKindRead || hs[1].Range.Start != featPos(t, featureSrc, "port;", 0, 0) {
		t.Errorf("second highlight %+v is not the use (read)", hs[1])
	}
	// `port` inside the pod set is an attribute key, not the let binding.
	hs, _ = c.Server.DocumentHighlight(context.Background(), &protocol.DocumentHighlightParams{
		TextDocumentPositionParams: featTDP(path, featPos(t, featureSrc, "8080", 0, 0))})
	if len(hs) != 0 {
		t.Errorf("a literal has highlights: %+v", hs)
	}
}

func TestFeaturesRegistryDefinition(t *testing.T) {
	dir := t.TempDir()
	prof := testenv.Write(t, filepath.Join(dir, ".insomnia", "coder.nix"), "{ }\n")
	reg := testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"),
		"default = \"coder\"\n\n[profile]\ncoder = \"coder.nix\"\n")
	c := featTrusting(t, dir)
	c.Open(reg)
	text := "default = \"coder\"\n\n[profile]\ncoder = \"coder.nix\"\n"
	for _, at := range []protocol.Position{featPos(t, text, "coder.nix", 0, 2), featPos(t, text, "coder\"", 0, 1)} {
		var loc *protocol.Location
		c.Await("registry discovered", func() bool {
			res, _ := c.Server.Definition(context.Background(), &protocol.DefinitionParams{TextDocumentPositionParams: featTDP(reg, at)})
			loc, _ = res.(*protocol.Location)
			return loc != nil
		})
		if loc.URI != uri.File(prof) {
			t.Errorf("definition at %+v leads to %v, want %s", at, loc.URI, prof)
		}
	}
}

// featEnv keeps discovery away from the real home: a temporary HOME
// and config/data directories.
func featEnv(t *testing.T) func(string) string {
	home := t.TempDir()
	return envOf(map[string]string{"HOME": home, "INSOMNIA_CONFIG_DIR": filepath.Join(home, "config"),
		"INSOMNIA_DATA_DIR": filepath.Join(home, "data")})
}

// featTrusting is a server with featEnv that trusts and opens the folder dir.
func featTrusting(t *testing.T, dir string) *lsptest.Client {
	t.Helper()
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.InitializeTrusted(dir, nil)
	return c
}

func codeActions(t *testing.T, c *lsptest.Client, path string, r protocol.Range, diags []protocol.Diagnostic) []*protocol.CodeAction {
	t.Helper()
	res, err := c.Server.CodeAction(context.Background(), &protocol.CodeActionParams{TextDocument: featDoc(path),
		Range: r, Context: protocol.CodeActionContext{Diagnostics: diags}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*protocol.CodeAction
	for _, a := range res {
		ca, ok := a.(*protocol.CodeAction)
		if !ok {
			t.Fatalf("code action result %T", a)
		}
		out = append(out, ca)
	}
	return out
}

func actionTitled(as []*protocol.CodeAction, title string) *protocol.CodeAction {
	for _, a := range as {
		if strings.HasPrefix(a.Title, title) {
			return a
		}
	}
	return nil
}

func TestFeaturesPlaintextSecretQuickFix(t *testing.T) {
	dir := t.TempDir()
	key := "sk-ant-api03-" + strings.Repeat("Zq7", 12)
	text := "let lib = import ./lib.nix { }; in\nlib.mkProfile {\n  name = \"t\";\n  model.api_key = \"" + key + "\";\n}\n"
	path := testenv.Write(t, filepath.Join(dir, "p.nix"), text)
	c := featTrusting(t, dir)
	c.Open(path)
	d := c.AwaitCode(path, "plaintext-secret")
	as := codeActions(t, c, path, d.Range, []protocol.Diagnostic{d})
	fix := actionTitled(as, "Replace with lib.secrets.ref")
	if fix == nil || fix.Kind == nil || *fix.Kind != protocol.CodeActionKindQuickFix || len(fix.Diagnostics) != 1 {
		t.Fatalf("no quick fix for the plaintext key: %+v", as)
	}
	edits := fix.Edit.Changes[featDoc(path).URI]
	if len(edits) != 1 || edits[0].Range != d.Range || !strings.HasPrefix(edits[0].NewText, "lib.secrets.ref \"") {
		t.Fatalf("quick fix edit %+v does not replace the literal at %+v", edits, d.Range)
	}
	lit := featPos(t, text, "\"sk-ant", 0, 0)
	if d.Range.Start != lit {
		t.Errorf("diagnostic starts at %+v, want the literal at %+v", d.Range.Start, lit)
	}
	fixed := strings.Replace(text, "\""+key+"\"", edits[0].NewText, 1)
	c.Change(path, fixed)
	c.AwaitDiagnostics(path, func(ds []protocol.Diagnostic) bool {
		for _, d := range ds {
			if code := lsptest.Code(d); code == "plaintext-secret" || code == "undefined-variable" {
				return false
			}
		}
		return true
	})
	// Without the editor's context, a request over the line finds it too.
	c.Change(path, text)
	c.AwaitCode(path, "plaintext-secret")
	line := protocol.Range{Start: protocol.Position{Line: 3}, End: protocol.Position{Line: 3, Character: 200}}
	if as := codeActions(t, c, path, line, nil); actionTitled(as, "Replace with") == nil {
		t.Errorf("no quick fix from the published diagnostics: %+v", as)
	}
	for _, a := range as {
		if strings.Contains(a.Title, key[:12]) {
			t.Errorf("an action title shows the key: %q", a.Title)
		}
	}
}

func TestFeaturesProfileRegistryActions(t *testing.T) {
	dir := t.TempDir()
	body := "let lib = import ./lib.nix { }; in\nlib.mkProfile { pod.name = \"x\"; }\n"
	coder := testenv.Write(t, filepath.Join(dir, ".insomnia", "coder.nix"), body)
	reviewer := testenv.Write(t, filepath.Join(dir, ".insomnia", "reviewer.nix"), body)
	loose := testenv.Write(t, filepath.Join(dir, "loose.nix"), body)
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"),
		"default = \"coder\"\n\n[profile]\ncoder = \"coder.nix\"\nreviewer = \"reviewer.nix\"\n")
	c := featTrusting(t, dir)
	whole := protocol.Range{End: protocol.Position{Line: 1}}
	for _, p := range []string{coder, reviewer, loose} {
		c.Open(p)
	}
	var as []*protocol.CodeAction
	c.Await("the set-default action on reviewer", func() bool {
		as = codeActions(t, c, reviewer, whole, nil)
		return actionTitled(as, "Set as default profile") != nil
	})
	a := actionTitled(as, "Set as default profile")
	wantArg := `{"uri":"` + string(featDoc(reviewer).URI) + `"}`
	if a.Command.Command != "insomnia.setDefaultProfile" || len(a.Command.Arguments) != 1 || string(a.Command.Arguments[0]) != wantArg {
		t.Errorf("set-default action %+v, want insomnia.setDefaultProfile %s", a.Command, wantArg)
	}
	if as := codeActions(t, c, coder, whole, nil); len(as) != 0 {
		t.Errorf("the default profile gets actions: %+v", as)
	}
	as = codeActions(t, c, loose, whole, nil)
	if a := actionTitled(as, "Add to project profiles"); a == nil || a.Command.Command != "insomnia.addToProjectProfiles" ||
		string(a.Command.Arguments[0]) != `{"uri":"`+string(featDoc(loose).URI)+`"}` {
		t.Errorf("unlisted profile actions: %+v", as)
	}
	if actionTitled(as, "Set as default") != nil {
		t.Errorf("an unlisted profile is offered set-default: %+v", as)
	}
}

// TestFeaturesSurviveBrokenText asks every feature about every position of
// truncated profiles: a handler panic would come back as an error.
func TestFeaturesSurviveBrokenText(t *testing.T) {
	dir := t.TempDir()
	full := complHead + "  model = { scheme = \"anthropic\"; auth = lib.secrets.ref \"k\"; };\n" +
		"  scope.allow = [ { target = \".\"; } ];\n  x = ''\n    a ${b}\n  '';\n}\n"
	path := testenv.Write(t, filepath.Join(dir, "p.nix"), full)
	c := featTrusting(t, dir)
	c.Open(path)
	ctx := context.Background()
	for cut := 0; cut <= len(full); cut += 5 {
		text := full[:cut]
		c.Change(path, text)
		lines := strings.Split(text, "\n")
		for ln, line := range lines {
			for col := 0; col <= len(line)+1; col += 3 {
				p := featTDP(path, protocol.Position{Line: uint32(ln), Character: uint32(col)})
				c.Hover(path, ln, col)
				if _, err := c.Server.Completion(ctx, &protocol.CompletionParams{TextDocumentPositionParams: p}); err != nil {
					t.Fatalf("completion at %d:%d of %q: %v", ln, col, text, err)
				}
				if _, err := c.Server.Definition(ctx, &protocol.DefinitionParams{TextDocumentPositionParams: p}); err != nil {
					t.Fatalf("definition at %d:%d of %q: %v", ln, col, text, err)
				}
				if _, err := c.Server.DocumentHighlight(ctx, &protocol.DocumentHighlightParams{TextDocumentPositionParams: p}); err != nil {
					t.Fatalf("highlight at %d:%d of %q: %v", ln, col, text, err)
				}
			}
		}
		whole := protocol.Range{End: protocol.Position{Line: uint32(len(lines))}}
		if _, err := c.Server.CodeAction(ctx, &protocol.CodeActionParams{TextDocument: featDoc(path), Range: whole}); err != nil {
			t.Fatalf("code action on %q: %v", text, err)
		}
		if _, err := c.Server.DocumentSymbol(ctx, &protocol.DocumentSymbolParams{TextDocument: featDoc(path)}); err != nil {
			t.Fatalf("symbols of %q: %v", text, err)
		}
		if _, err := c.Server.FoldingRanges(ctx, &protocol.FoldingRangeParams{TextDocument: featDoc(path)}); err != nil {
			t.Fatalf("folding of %q: %v", text, err)
		}
	}
}

func TestFeaturesDefinitionOfLibFunction(t *testing.T) {
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	libText := string(testenv.Read(t, lib))
	text := profileText(lib, "  model.auth = lib.secrets.ref \"k\";\n")
	path := testenv.Write(t, filepath.Join(dir, "p.nix"), text)
	c := featTrusting(t, dir)
	c.Open(path)
	for needle, def := range map[string]string{"mkProfile {": "mkProfile = args", "ref \"k\"": "ref = id"} {
		loc := featDefinition(t, c, path, featPos(t, text, needle, 0, 1))
		want := featPos(t, libText, def, 0, 0)
		if loc == nil || loc.URI != featDoc(lib).URI || loc.Range.Start != want {
			t.Errorf("definition of %q: %+v, want %s at %+v", needle, loc, lib, want)
		}
	}
	if loc := featDefinition(t, c, path, featPos(t, text, "lib.mkProfile", 0, 1)); loc == nil || loc.URI != featDoc(path).URI {
		t.Errorf("definition of the lib variable itself: %+v, want its let binding", loc)
	}
}

// formatEnv is a project file and a formatter of the test's own: a script
// that leaves a marker (so a test can tell it ran) and upper-cases stdin,
// or fails with a message on stderr when the text asks it to.
type formatEnv struct{ dir, file, formatter, marker string }

func newFormatEnv(t *testing.T) formatEnv {
	dir := t.TempDir()
	e := formatEnv{dir: dir, marker: filepath.Join(dir, "ran")}
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"), "[profile]\n") // a project: its .insomnia/ is ours
	e.file = testenv.Write(t, filepath.Join(dir, ".insomnia", "x.nix"), "{ a = 1; }\n")
	e.formatter = testenv.Write(t, filepath.Join(dir, "fmt.sh"), "#!/bin/sh\ntouch "+e.marker+"\n"+
		"in=$(cat)\ncase \"$in\" in *fail*) echo 'fmt: cannot parse line 1' >&2; exit 3;; esac\n"+
		"printf '%s\\n' \"$in\" | tr a-z A-Z\n")
	if err := os.Chmod(e.formatter, 0o755); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e formatEnv) settings() map[string]any {
	return map[string]any{"formatting": map[string]any{"command": []string{e.formatter}}}
}

func format(t *testing.T, c *lsptest.Client, path string) ([]protocol.TextEdit, error) {
	t.Helper()
	return c.Server.Formatting(context.Background(), &protocol.DocumentFormattingParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)}})
}

func TestFormattingRunsTheConfiguredCommand(t *testing.T) {
	e := newFormatEnv(t)
	c := lsptest.Start(t, lsp.Options{})
	if res := c.InitializeTrusted(e.dir, e.settings()); res.Capabilities.DocumentFormattingProvider == nil {
		t.Error("no documentFormattingProvider capability")
	}
	c.Open(e.file)
	edits, err := format(t, c, e.file)
	if err != nil || len(edits) != 1 || edits[0].NewText != "{ A = 1; }\n" {
		t.Fatalf("formatting: %v %+v", err, edits)
	}
	if r := edits[0].Range; r.Start != (protocol.Position{}) || r.End != (protocol.Position{Line: 1}) {
		t.Errorf("the edit does not replace the whole document: %+v", r)
	}
	c.Change(e.file, "{ A = 1; }\n")
	if edits, err := format(t, c, e.file); err != nil || len(edits) != 0 {
		t.Errorf("formatted text: want no edit, got %v %+v", err, edits)
	}
	c.Change(e.file, "{ fail = 1; }\n")
	if _, err := format(t, c, e.file); err == nil || !strings.Contains(err.Error(), "failed: exit status 3: fmt: cannot parse line 1") {
		t.Errorf("a failing formatter: %v", err)
	}
}

func TestFormattingRefusedInAnUntrustedWorkspace(t *testing.T) {
	e := newFormatEnv(t)
	c := lsptest.Start(t, lsp.Options{})
	c.Initialize(e.dir, e.settings())
	c.Open(e.file)
	if _, err := format(t, c, e.file); err == nil || err.Error() != "formatting is disabled in an untrusted workspace: insomnia.formatting.command names a program" {
		t.Errorf("untrusted formatting: %v", err)
	}
	if _, err := os.Stat(e.marker); err == nil {
		t.Errorf("the formatter ran in an untrusted workspace")
	}
}

func TestFormattingWithoutACommandSaysHowToSetOne(t *testing.T) {
	e := newFormatEnv(t)
	c := lsptest.Start(t, lsp.Options{})
	c.InitializeTrusted(e.dir, nil)
	c.Open(e.file)
	if _, err := format(t, c, e.file); err == nil || err.Error() != `no formatter configured: set insomnia.formatting.command, e.g. ["nixfmt"]` {
		t.Errorf("no formatter: %v", err)
	}
}
