package lsp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
)

// hoverProfile is a valid profile that takes its model from an imported file.
func hoverProfile(lib string) string {
	return "let lib = import " + lib + " { }; in\nlib.mkProfile {\n  name = \"t\";\n" +
		"  pod.name = \"hoverpod\";\n" +
		"  model = import ./model.nix;\n" +
		"  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n" +
		"  permissions = { default_action = \"ask\"; };\n" +
		"  compaction.worker_max_turns = 7;\n" +
		"}\n"
}

const hoverModel = "{\n  scheme = \"anthropic\";\n  model_id = \"claude-sonnet-4\";\n  auth = { kind = \"none\"; };\n}\n"

type hoverEnv struct {
	c       *lsptest.Client
	dir     string
	profile string
	model   string
	text    string
}

func startHover(t *testing.T) *hoverEnv {
	testenv.NeedNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	e := &hoverEnv{dir: dir, text: hoverProfile(lib)}
	e.model = testenv.Write(t, filepath.Join(dir, "model.nix"), hoverModel)
	e.profile = testenv.Write(t, filepath.Join(dir, "hover.nix"), e.text)
	e.c = lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	e.c.InitializeTrusted(dir, nil)
	e.c.Open(e.profile)
	e.awaitHead(t, "hoverpod")
	return e
}

// awaitHead waits for the whole-profile hover to show a manifest containing want.
func (e *hoverEnv) awaitHead(t *testing.T, want string) string {
	t.Helper()
	var h string
	e.c.Await("a profile hover with "+want, func() bool {
		h = e.c.Hover(e.profile, 0, 0)
		return strings.Contains(h, "```json") && strings.Contains(h, want)
	})
	return h
}

func (e *hoverEnv) hoverAt(t *testing.T, path, text, needle string, delta int) string {
	t.Helper()
	p := featPos(t, text, needle, 0, delta)
	return e.c.Hover(path, int(p.Line), int(p.Character))
}

// jsonBlock is the first ```json block of a hover, decoded.
func jsonBlock(t *testing.T, hover string) any {
	t.Helper()
	_, rest, ok := strings.Cut(hover, "```json\n")
	body, _, ok2 := strings.Cut(rest, "\n```")
	if !ok || !ok2 {
		t.Fatalf("no json block in hover:\n%s", hover)
	}
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("json block does not parse: %v\n%s", err, body)
	}
	return v
}

// Issue 2: the hover's manifest is exactly Nix's, plus only the builtin
// defaults of contract §2.3.
func TestHoverManifestEqualsNixPlusBuiltinDefaults(t *testing.T) {
	e := startHover(t)
	h := e.awaitHead(t, "hoverpod")
	got := jsonBlock(t, h)
	want := nixManifest(t, e.profile)
	worker, _ := want["worker"].(map[string]any)
	if worker == nil {
		worker = map[string]any{}
		want["worker"] = worker
	}
	worker["tool_output"] = map[string]any{"default_max_bytes": float64(manifest.DefaultToolOutputMaxBytes)}
	worker["file_upload"] = map[string]any{"max_bytes": float64(manifest.DefaultFileUploadMaxBytes)}
	if manifest.DefaultToolOutputMaxBytes != 65536 || manifest.DefaultFileUploadMaxBytes != 262144 {
		t.Errorf("builtin defaults %d/%d differ from contract §2.3 (65536/262144)",
			manifest.DefaultToolOutputMaxBytes, manifest.DefaultFileUploadMaxBytes)
	}
	if !reflect.DeepEqual(got, any(want)) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("hover manifest differs from Nix's + defaults\n got: %s\nwant: %s", g, w)
	}
	// Real Nix places what the profile wrote, so the defaults are told apart.
	for _, part := range []string{"`path:hover.nix`", "sha256:", "evaluated in",
		"from defaults (not written by the profile): `worker.file_upload.max_bytes`, `worker.tool_output.default_max_bytes`"} {
		if !strings.Contains(h, part) {
			t.Errorf("profile hover lacks %q:\n%s", part, h)
		}
	}
}

func TestHoverAttributeValueAndDocs(t *testing.T) {
	e := startHover(t)
	h := e.hoverAt(t, e.profile, e.text, "default_action", 3)
	doc, _ := manifest.Field([]string{"permissions", "default_action"})
	for _, part := range []string{"permissions.default_action", doc.Description, "`string`", "`ask`", "\"ask\""} {
		if !strings.Contains(h, part) {
			t.Errorf("hover on default_action lacks %q:\n%s", part, h)
		}
	}
	// In the value, with a default from the schema.
	h = e.hoverAt(t, e.profile, e.text, "= 7", 2)
	for _, part := range []string{"compaction.worker_max_turns", "default: `20`", "\n7\n"} {
		if !strings.Contains(h, part) {
			t.Errorf("hover on worker_max_turns value lacks %q:\n%s", part, h)
		}
	}
	// A set imported from another file says so.
	h = e.hoverAt(t, e.profile, e.text, "model = import", 1)
	for _, part := range []string{"**`model`**", "\"scheme\": \"anthropic\"", "values from `model.nix`"} {
		if !strings.Contains(h, part) {
			t.Errorf("hover on model lacks %q:\n%s", part, h)
		}
	}
	if strings.Contains(h, "```json\n{\n  \"pod\"") {
		t.Errorf("attribute hover shows the whole manifest:\n%s", h)
	}
}

func TestHoverInImportedFile(t *testing.T) {
	e := startHover(t)
	e.c.Open(e.model)
	h := e.hoverAt(t, e.model, hoverModel, "scheme", 2)
	doc, _ := manifest.Field([]string{"model", "scheme"})
	for _, part := range []string{"model.scheme", doc.Description, "\"anthropic\""} {
		if !strings.Contains(h, part) {
			t.Errorf("hover in model.nix lacks %q:\n%s", part, h)
		}
	}
	if strings.Contains(h, "set in") {
		t.Errorf("hover in model.nix says another file set a key of its own:\n%s", h)
	}
	// In a value of a nested set.
	h = e.hoverAt(t, e.model, hoverModel, "\"none\"", 2)
	if !strings.Contains(h, "**`model.auth.kind`**") || !strings.Contains(h, "\"none\"") {
		t.Errorf("hover on model.auth.kind in model.nix:\n%s", h)
	}
	// Completion there knows the file is the model.
	marked := strings.Replace(hoverModel, "\n}\n", "\n  con|\n}\n", 1)
	items := completeAt(t, e.c, e.model, marked)
	if _, ok := itemNamed(items, "context_window"); !ok {
		t.Errorf("completion in model.nix lacks context_window: %s", labels(items))
	}
	items = completeAt(t, e.c, e.model, strings.Replace(hoverModel, "kind = \"none\"", "kind = \"|\"", 1))
	if _, ok := itemNamed(items, "secret_ref"); !ok {
		t.Errorf("value completion in model.nix lacks secret_ref: %s", labels(items))
	}
}

func TestHoverManifestAttributeStripsEnvelope(t *testing.T) {
	e := startHover(t)
	text := strings.Replace(e.text, "lib.mkProfile {\n  name = \"t\";\n", "lib.mkProfile {\n  name = \"t\";\n  manifest = {\n", 1)
	text = strings.Replace(text, "}\n", "}; }\n", 1)
	e.c.Change(e.profile, text)
	h := e.hoverAt(t, e.profile, text, "hoverpod", 2)
	if !strings.Contains(h, "**`pod.name`**") || !strings.Contains(h, "\"hoverpod\"") {
		t.Errorf("hover under manifest = { } does not resolve pod.name:\n%s", h)
	}
}

func TestHoverLibFunction(t *testing.T) {
	e := startHover(t)
	h := e.hoverAt(t, e.profile, e.text, "mkProfile {", 3)
	if !strings.Contains(h, "mkProfile { name ? null") || !strings.Contains(h, "profile-lib") {
		t.Errorf("hover on mkProfile:\n%s", h)
	}
	text := strings.Replace(e.text, "  pod.name", "  model.auth = lib.secrets.ref \"x\";\n  pod.name", 1)
	e.c.Change(e.profile, text)
	h = e.hoverAt(t, e.profile, text, "secrets.ref", 9)
	if !strings.Contains(h, `secrets.ref "<id>"`) {
		t.Errorf("hover on secrets.ref:\n%s", h)
	}
}

func TestHoverShowsLastGoodWhileBroken(t *testing.T) {
	e := startHover(t)
	broken := strings.Replace(e.text, "\"hoverpod\"", "nope", 1)
	e.c.Change(e.profile, broken)
	var h string
	e.c.Await("a hover saying the evaluation failed", func() bool {
		h = e.c.Hover(e.profile, 0, 0)
		return strings.Contains(h, "failed")
	})
	if !strings.Contains(h, "showing the last good result") || !strings.Contains(h, "\"hoverpod\"") {
		t.Errorf("broken profile hover does not show the last good result:\n%s", h)
	}
	h = e.hoverAt(t, e.profile, broken, "default_action", 1)
	if !strings.Contains(h, "showing the last good result") || !strings.Contains(h, "\"ask\"") {
		t.Errorf("attribute hover while broken:\n%s", h)
	}
}

func TestHoverRegistryEntryWithStatus(t *testing.T) {
	testenv.NeedNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	testenv.Write(t, filepath.Join(dir, ".insomnia", "model.nix"), hoverModel)
	testenv.Write(t, filepath.Join(dir, ".insomnia", "coder.nix"), hoverProfile(lib))
	regText := "default = \"coder\"\n\n[profile]\ncoder = { path = \"coder.nix\", description = \"Writes code\" }\n"
	reg := testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"), regText)
	c := featTrusting(t, dir)
	c.Open(reg)
	p := featPos(t, regText, "coder =", 0, 1)
	var h string
	c.Await("a registry hover with an evaluation status", func() bool {
		h = c.Hover(reg, int(p.Line), int(p.Character))
		return strings.Contains(h, "last evaluation: ok")
	})
	for _, part := range []string{"project:coder", "(default)", "Writes code"} {
		if !strings.Contains(h, part) {
			t.Errorf("registry hover lacks %q:\n%s", part, h)
		}
	}
}

const canary = "sk-ant-CANARY0123456789abcdef0123456789"

// lockedBuffer is a log sink shared by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Sync() error { return nil }

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCanaryNeverLeaks: a plaintext key in a profile never reaches a
// diagnostic, hover, completion, code action, command result or log line.
func TestCanaryNeverLeaks(t *testing.T) {
	testenv.NeedNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	common := "  pod.name = \"canary\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"
	texts := map[string]string{
		testenv.Write(t, filepath.Join(dir, "apikey.nix"), ""): profileText(lib, common+
			"  model = {\n    ref = \"anthropic/claude-sonnet-4\";\n    api_key = \""+canary+"\";\n  };\n"),
		testenv.Write(t, filepath.Join(dir, "auth.nix"), ""): profileText(lib, common+
			"  model.scheme = \"anthropic\";\n  model.model_id = \"m\";\n  model.auth = \""+canary+"\";\n"),
	}
	logs := &lockedBuffer{}
	logger := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig()), logs, zap.DebugLevel))
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t), Logger: logger})
	c.InitializeTrusted(dir, nil)
	var seen []string // everything the server sent back
	for path, text := range texts {
		testenv.Write(t, path, text)
		c.Open(path)
		c.AwaitCode(path, "plaintext-secret")
		c.Await("evaluation of "+filepath.Base(path), func() bool {
			return strings.Contains(c.Hover(path, 0, 0), "```json")
		})
		seen = append(seen, everythingAbout(t, c, path, text)...)
	}
	if len(seen) < 100 {
		t.Fatalf("only %d answers collected", len(seen))
	}
	var fixes int
	for _, s := range seen {
		if strings.Contains(s, "CANARY") {
			t.Errorf("the canary leaked: %s", s)
		}
		if strings.Contains(s, "secrets.ref") {
			fixes++
		}
	}
	if fixes == 0 {
		t.Errorf("no quick fix among the answers; the test saw nothing")
	}
	if log := logs.String(); strings.Contains(log, "CANARY") || !strings.Contains(log, "evaluated") {
		t.Errorf("log leaks the canary or logged nothing about evaluation:\n%s", log)
	}
}

// everythingAbout asks the server every question about a file and returns
// the answers as text.
func everythingAbout(t *testing.T, c *lsptest.Client, path, text string) []string {
	var out []string
	add := func(v any) {
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	diags := c.Diagnostics(path)
	add(diags)
	ctx := context.Background()
	lines := strings.Split(text, "\n")
	for ln, line := range lines {
		for col := 0; col <= len(line); col++ {
			out = append(out, c.Hover(path, ln, col))
			p := protocol.Position{Line: uint32(ln), Character: uint32(col)}
			res, err := c.Server.Completion(ctx, &protocol.CompletionParams{TextDocumentPositionParams: featTDP(path, p)})
			if err != nil {
				t.Fatal(err)
			}
			add(res)
		}
	}
	whole := protocol.Range{End: protocol.Position{Line: uint32(len(lines))}}
	actions, err := c.Server.CodeAction(ctx, &protocol.CodeActionParams{TextDocument: featDoc(path), Range: whole,
		Context: protocol.CodeActionContext{Diagnostics: diags}})
	if err != nil {
		t.Fatal(err)
	}
	add(actions)
	for _, cmd := range []string{"insomnia.showResolvedManifest", "insomnia.profileStatus", "insomnia.listProfiles"} {
		var res any
		if err := c.Command(cmd, map[string]string{"uri": string(featDoc(path).URI)}, &res); err != nil {
			out = append(out, err.Error())
		}
		add(res)
	}
	return out
}

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
