package rules

import (
	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"

	"fmt"
	"strings"
	"testing"
)

const canary = "sk-ant-CANARY0123456789abcdef0123456789"

const profileFile = "/ws/p.nix"

// posAt maps each pointer to its own line (line i for pointers[i]).
func posAt(pointers ...string) diagnostics.PosMap {
	m := diagnostics.PosMap{}
	for i, p := range pointers {
		m[p] = lineLoc(i)
	}
	return m
}

func lineLoc(line int) diagnostics.Location {
	return diagnostics.Location{File: profileFile, Range: diagnostics.Range{Start: diagnostics.Pos{Line: line, Col: 2}, End: diagnostics.Pos{Line: line, Col: 9}}}
}

var fallback = diagnostics.Location{File: "/ws/fallback.nix", Range: diagnostics.Range{Start: diagnostics.Pos{Line: 99}, End: diagnostics.Pos{Line: 99, Col: 1}}}

// valid is a manifest with no problems; cases edit copies of it.
const valid = `"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"write"}]},"model":{"ref":"anthropic/claude-sonnet-4"}`

type dcase struct {
	name     string
	artifact string
	in       ManifestInput // Artifact, Positions and Fallback filled in
	pointers []string      // pointers in the position map, in line order
	code     string
	line     int // expected line (99 = fallback)
	severity diagnostics.Severity
	message  string // exact message, or a substring when prefixed with "~"
	fix      string // expected Fix.NewText ("" = no fix)
}

func runCase(t *testing.T, c dcase) []diagnostics.Diagnostic {
	t.Helper()
	in := c.in
	in.Artifact = []byte(c.artifact)
	in.Positions = posAt(c.pointers...)
	in.Fallback = fallback
	got := Manifest(in)
	for _, d := range got {
		if d.Code != c.code {
			continue
		}
		want := lineLoc(c.line)
		if c.line == 99 {
			want = fallback
		}
		if d.File != want.File || d.Range != want.Range {
			t.Errorf("%s: at %s %+v, want %s %+v", c.code, d.File, d.Range, want.File, want.Range)
		}
		if d.Severity != c.severity {
			t.Errorf("%s: severity %v, want %v", c.code, d.Severity, c.severity)
		}
		if sub, ok := strings.CutPrefix(c.message, "~"); ok {
			if !strings.Contains(d.Message, sub) {
				t.Errorf("%s: message %q does not contain %q", c.code, d.Message, sub)
			}
		} else if d.Message != c.message {
			t.Errorf("%s: message\n got %q\nwant %q", c.code, d.Message, c.message)
		}
		gotFix := ""
		if d.Fix != nil {
			gotFix = d.Fix.NewText
		}
		if gotFix != c.fix {
			t.Errorf("%s: fix %q, want %q", c.code, gotFix, c.fix)
		}
		return got
	}
	t.Errorf("no %s diagnostic; got %+v", c.code, got)
	return got
}

func TestManifestCodes(t *testing.T) {
	cases := []dcase{
		{name: "missing pod.name at nearest ancestor",
			artifact: `{"manifest":{"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"anthropic/m"}}}`,
			pointers: []string{"", "/manifest", "/manifest/scope"}, code: diagnostics.CodeMissingRequired, line: 1, severity: diagnostics.Error,
			message: "missing required field: pod.name"},
		{name: "empty scope.allow",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[]},"model":{"ref":"anthropic/m"}}}`,
			pointers: []string{"/manifest", "/manifest/scope/allow"}, code: diagnostics.CodeMissingRequired, line: 1, severity: diagnostics.Error,
			message: "missing required field: scope.allow (the list is empty; add at least one rule)"},
		{name: "permissions.default_action",
			artifact: `{"manifest":{` + valid + `,"permissions":{"rule":[]}}}`,
			pointers: []string{"/manifest", "/manifest/permissions"}, code: diagnostics.CodeMissingRequired, line: 1, severity: diagnostics.Error,
			message: "missing required field: permissions.default_action"},
		{name: "inner required key",
			artifact: `{"manifest":{` + valid + `,"permissions":{"default_action":"ask","rule":[{"tool":"Bash","action":"deny"}]}}}`,
			pointers: []string{"/manifest", "/manifest/permissions/rule/0"}, code: diagnostics.CodeMissingRequired, line: 1, severity: diagnostics.Error,
			message: "missing required field: permissions.rule[0].pattern"},
		{name: "type mismatch",
			artifact: `{"manifest":{"pod":{"name":42},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"anthropic/m"}}}`,
			pointers: []string{"/manifest", "/manifest/pod/name"}, code: diagnostics.CodeTypeMismatch, line: 1, severity: diagnostics.Error,
			message: "pod.name must be a string, not a number"},
		{name: "out of range",
			artifact: `{"manifest":{` + valid + `,"worker":{"max_turns":0}}}`,
			pointers: []string{"/manifest", "/manifest/worker/max_turns"}, code: diagnostics.CodeTypeMismatch, line: 1, severity: diagnostics.Error,
			message: "worker.max_turns must be at least 1"},
		{name: "unknown enum with suggestion",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"scheme":"antropic","model_id":"m","auth":{"kind":"none"}}}}`,
			pointers: []string{"/manifest", "/manifest/model/scheme"}, code: diagnostics.CodeUnknownEnum, line: 1, severity: diagnostics.Error,
			message: `unknown value "antropic" for model.scheme; expected anthropic, openai_chat, openai_responses or gemini (did you mean "anthropic"?)`, fix: `"anthropic"`},
		{name: "unknown field",
			artifact: `{"manifest":{` + valid + `,"worker":{"reasonning":"high"}}}`,
			pointers: []string{"/manifest", "/manifest/worker", "/manifest/worker/reasonning"}, code: diagnostics.CodeUnknownField, line: 2, severity: diagnostics.Warning,
			message: `unknown field "reasonning" in worker: the runtime ignores it (did you mean reasoning?)`, fix: "reasoning"},
		{name: "removed field",
			artifact: `{"manifest":{` + valid + `,"memory":{"extract_worker_max_input_tokens":5}}}`,
			pointers: []string{"/manifest", "/manifest/memory/extract_worker_max_input_tokens"}, code: diagnostics.CodeRemovedField, line: 1, severity: diagnostics.Warning,
			message: "~memory.extract_worker_max_input_tokens was removed; profiles silently ignore it", fix: "extract_worker_max_turns"},
		{name: "alias conflict",
			artifact: `{"manifest":{` + valid + `,"compaction":{"threshold":1,"compact_threshold":2}}}`,
			pointers: []string{"/manifest", "/manifest/compaction/threshold", "/manifest/compaction/compact_threshold"}, code: diagnostics.CodeAliasConflict, line: 2, severity: diagnostics.Error,
			message: "compact_threshold is an alias of threshold; set only one (the runtime rejects the duplicate field)"},
		{name: "model incomplete",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"scheme":"anthropic","model_id":"claude"}}}`,
			pointers: []string{"/manifest", "/manifest/model"}, code: diagnostics.CodeModelIncomplete, line: 1, severity: diagnostics.Error,
			message: `model has no ref and no auth: set ref = "<provider>/<model>" or all of scheme, model_id and auth (use auth = { kind = "none"; } for backends without auth)`},
		{name: "no model at all",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]}}}`,
			pointers: []string{"/manifest"}, code: diagnostics.CodeModelIncomplete, line: 0, severity: diagnostics.Error,
			message: "~no model is set"},
		{name: "unknown provider",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"antrhopic/claude"}}}`,
			pointers: []string{"/manifest", "/manifest/model/ref"}, code: diagnostics.CodeUnknownProvider, line: 1, severity: diagnostics.Error,
			message: `unknown provider "antrhopic" in model.ref; known providers: anthropic, codex-oauth, ollama-local, openrouter (did you mean "anthropic"?)`, fix: `"anthropic/claude"`},
		{name: "ref without slash",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"compaction":{"model":{"ref":"gpt-4"}},"model":{"ref":"openrouter/a/b"}}}`,
			pointers: []string{"/manifest", "/manifest/compaction/model/ref"}, code: diagnostics.CodeUnknownProvider, line: 1, severity: diagnostics.Error,
			message: `compaction.model.ref must be "<provider>/<model>", got "gpt-4"`},
		{name: "scope outside launch dir in a registry profile",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":".","permission":"write"}]},"model":{"ref":"anthropic/m"}}}`,
			in:       ManifestInput{Registry: true, ProfileDir: "/ws/.insomnia/profiles", Workspace: "/ws"},
			pointers: []string{"/manifest", "/manifest/scope/allow/0/target"}, code: diagnostics.CodeScopeOutsideLaunch, line: 1, severity: diagnostics.Warning,
			message: `no scope.allow rule covers the launch directory /ws, so the pod will not start there (pwd is not readable); in a registry profile relative targets such as "." are joined to the profile's folder /ws/.insomnia/profiles`},
		{name: "store path",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"write"},{"target":"/nix/store/0c7ww1ci4kml3ammcw5djqy7fbm2ymri-src","permission":"read"}]},"model":{"ref":"anthropic/m"}}}`,
			pointers: []string{"/manifest", "/manifest/scope/allow/1/target"}, code: diagnostics.CodeStorePath, line: 1, severity: diagnostics.Warning,
			message: `scope.allow[1].target is a Nix store path (/nix/store/…-src): a path literal such as ./. is copied into the store; write the path as a string (".") to mean the folder itself`},
		{name: "unsupported format",
			artifact: `{"profile":{"format":"insomnia.nix-profile.v2"},"manifest":{}}`,
			pointers: []string{"", "/profile", "/profile/format"}, code: diagnostics.CodeUnsupportedFormat, line: 2, severity: diagnostics.Error,
			message: `unsupported profile artifact format: "insomnia.nix-profile.v2" (expected insomnia.nix-profile.v1)`},
		{name: "manifest and config",
			artifact: `{"manifest":{},"config":{}}`,
			pointers: []string{"", "/manifest", "/config"}, code: diagnostics.CodeManifestAndConfig, line: 2, severity: diagnostics.Error,
			message: "invalid profile artifact: both manifest and config are set; keep only manifest"},
		{name: "invalid artifact",
			artifact: `"just a string"`, code: diagnostics.CodeInvalidArtifact, line: 99, severity: diagnostics.Error,
			message: "invalid profile artifact: expected an attribute set (JSON object), got a string"},
		{name: "secret unknown",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"anthropic/m","auth":{"kind":"secret_ref","ref":"llm.antropic.default"}}}}`,
			in:       ManifestInput{SecretIDs: []string{"brave.search.default", "llm.anthropic.default"}},
			pointers: []string{"/manifest", "/manifest/model/auth"}, code: diagnostics.CodeSecretUnknown, line: 1, severity: diagnostics.Error,
			message: `secret "llm.antropic.default" is not in the secret store; did you mean "llm.anthropic.default"?`, fix: `"llm.anthropic.default"`},
		{name: "secret unknown, empty store",
			artifact: `{"manifest":{` + valid + `,"memory":{"extract_model":{"ref":"anthropic/m","auth":{"kind":"secret_ref","ref":"x.y"}}}}}`,
			in:       ManifestInput{SecretIDs: []string{}},
			pointers: []string{"/manifest"}, code: diagnostics.CodeSecretUnknown, line: 0, severity: diagnostics.Error,
			message: `secret "x.y" is not in the secret store (the store has no entries yet)`},
		{name: "secret invalid id",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"anthropic/m","auth":{"kind":"secret_ref","ref":"../etc"}}}}`,
			pointers: []string{"/manifest", "/manifest/model/auth/ref"}, code: diagnostics.CodeSecretInvalidID, line: 1, severity: diagnostics.Error,
			message: `invalid secret id "../etc": secret id has an empty, "." or ".." component`},
		{name: "plaintext auth string",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"scheme":"anthropic","model_id":"m","auth":"` + canary + `"}}}`,
			pointers: []string{"/manifest", "/manifest/model/auth"}, code: diagnostics.CodePlaintextSecret, line: 1, severity: diagnostics.Error,
			message: `plaintext credential in model.auth (sk-a…(39 chars)): store it in the secret store and write secrets.ref "llm.anthropic.default"`,
			fix:     `secrets.ref "llm.anthropic.default"`},
		{name: "plaintext short auth string",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"openrouter/x","auth":"hunter2"}}}`,
			pointers: []string{"/manifest", "/manifest/model/auth"}, code: diagnostics.CodePlaintextSecret, line: 1, severity: diagnostics.Error,
			message: `plaintext credential in model.auth (…(7 chars)): store it in the secret store and write secrets.ref "llm.openrouter.default"`,
			fix:     `secrets.ref "llm.openrouter.default"`},
		{name: "plaintext in base_url",
			artifact: `{"manifest":{` + valid + `,"web":{"search":{"base_url":"https://me:pa55word@search.example/v1"}}}}`,
			pointers: []string{"/manifest", "/manifest/web/search/base_url"}, code: diagnostics.CodePlaintextSecret, line: 1, severity: diagnostics.Error,
			message: "~plaintext credential in web.search.base_url (http…(37 chars))", fix: `secrets.ref "brave.search.default"`},
		{name: "plaintext under credential-named unknown key",
			artifact: `{"manifest":{` + valid + `,"web":{"search":{"api_key":"d41d8cd98f00b204e980"}}}}`,
			pointers: []string{"/manifest", "/manifest/web/search/api_key"}, code: diagnostics.CodePlaintextSecret, line: 1, severity: diagnostics.Error,
			message: "~plaintext credential in web.search.api_key (d41d…(20 chars))", fix: `secrets.ref "brave.search.default"`},
		{name: "key shape in the envelope",
			artifact: `{"profile":{"description":"uses ` + canary + `"},"manifest":{` + valid + `}}`,
			pointers: []string{"", "/profile/description"}, code: diagnostics.CodePlaintextSecret, line: 1, severity: diagnostics.Error,
			message: "~plaintext credential in profile.description (uses…(44 chars))", fix: `secrets.ref "profile.description"`},
		{name: "env name invalid",
			artifact: `{"manifest":{` + valid + `,"web":{"search":{"api_key_env":"brave key"}}}}`,
			pointers: []string{"/manifest", "/manifest/web/search/api_key_env"}, code: diagnostics.CodeEnvNameInvalid, line: 1, severity: diagnostics.Error,
			message: "web.search.api_key_env must name an environment variable (letters, digits and _, not starting with a digit), e.g. BRAVE_SEARCH_API_KEY"},
		{name: "auth.env invalid",
			artifact: `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"anthropic/m","auth":{"kind":"api_key","env":"1KEY"}}}}`,
			pointers: []string{"/manifest", "/manifest/model/auth/env"}, code: diagnostics.CodeEnvNameInvalid, line: 1, severity: diagnostics.Error,
			message: "~model.auth.env must name an environment variable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCase(t, c) })
	}
}

// A clean manifest gives nothing; a builtin "." is the launch dir.
func TestManifestClean(t *testing.T) {
	art := `{"profile":{"name":"x","format":"insomnia.nix-profile.v1"},"manifest":{"pod":{"name":"p"},
	"scope":{"allow":[{"target":".","permission":"write"}]},"model":{"ref":"anthropic/m","auth":{"kind":"secret_ref","ref":"llm.anthropic.default"}},
	"web":{"enabled":true,"search":{"provider":"brave","api_key_env":"BRAVE_SEARCH_API_KEY","base_url":"https://api.search.brave.com/res/v1"}}}}`
	got := Manifest(ManifestInput{Artifact: []byte(art), SecretIDs: []string{"llm.anthropic.default"},
		Workspace: "/ws", ProfileDir: "/res/nix/profiles", Fallback: fallback})
	if len(got) != 0 {
		t.Errorf("clean manifest: %+v", got)
	}
	// The same profile from a registry folder misses the launch dir.
	got = Manifest(ManifestInput{Artifact: []byte(art), Registry: true, ProfileDir: "/ws/.insomnia/profiles", Workspace: "/ws", Fallback: fallback})
	if len(got) != 1 || got[0].Code != diagnostics.CodeScopeOutsideLaunch {
		t.Errorf("registry profile: %+v", got)
	}
	// ...unless the target reaches the workspace.
	art2 := strings.Replace(art, `"target":"."`, `"target":"../.."`, 1)
	if got := Manifest(ManifestInput{Artifact: []byte(art2), Registry: true, ProfileDir: "/ws/.insomnia/profiles", Workspace: "/ws"}); len(got) != 0 {
		t.Errorf("../.. from the registry folder: %+v", got)
	}
}

// An auth given as a string is reported once, as a plaintext secret.
func TestPlaintextShadowsTypeMismatch(t *testing.T) {
	art := `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},"model":{"ref":"anthropic/m","auth":"` + canary + `"}}}`
	got := Manifest(ManifestInput{Artifact: []byte(art)})
	if len(got) != 1 || got[0].Code != diagnostics.CodePlaintextSecret {
		t.Errorf("got %+v", got)
	}
}

func TestLocate(t *testing.T) {
	pm := posAt("", "/manifest/a")
	cases := map[string]int{"/manifest/a/b/c": 1, "/manifest/a": 1, "/manifest/z": 0, "": 0}
	for ptr, line := range cases {
		if got, _ := locate(pm, ptr, fallback); got != lineLoc(line) {
			t.Errorf("Locate(%q) = %+v", ptr, got)
		}
	}
	if got, _ := locate(diagnostics.PosMap{}, "/manifest/x", fallback); got != fallback {
		t.Errorf("empty map: %+v", got)
	}
}

// canaryArtifacts put the canary everywhere a value can go.
func canaryArtifacts() []string {
	places := []string{
		`"model":{"scheme":"anthropic","model_id":"m","auth":"%s"}`,
		`"model":{"scheme":"%s","model_id":"m","auth":{"kind":"none"}}`,
		`"model":{"ref":"%s"}`,
		`"model":{"ref":"anthropic/m","auth":{"kind":"secret_ref","ref":"%s"}}`,
		`"model":{"ref":"anthropic/m","auth":{"kind":"%s"}}`,
		`"model":{"ref":"anthropic/m","auth":{"kind":"api_key","env":"%s"}}`,
		`"model":{"ref":"anthropic/m"},"web":{"search":{"provider":"%s","api_key_env":"%[1]s"}}`,
		`"model":{"ref":"anthropic/m"},"%s":1`,
		`"model":{"ref":"anthropic/m"},"worker":{"reasoning":"%s","max_turns":"%[1]s"}`,
		`"model":{"ref":"anthropic/m","base_url":"https://x:%s@h/"}`,
	}
	var out []string
	for _, p := range places {
		body := fmt.Sprintf(p, canary)
		out = append(out,
			`{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":"/ws","permission":"read"}]},`+body+`}}`,
			`{"profile":{"format":"`+canary+`"},"manifest":{}}`,
			`{"manifest":{"pod":{"name":"`+canary+`"},"scope":{"allow":[{"target":"`+canary+`","permission":"`+canary+`"}]},`+body+`}}`)
	}
	return out
}

func TestCanaryNeverInDiagnostics(t *testing.T) {
	for _, art := range canaryArtifacts() {
		ds := Manifest(ManifestInput{Artifact: []byte(art), SecretIDs: []string{"a.b"}, Workspace: "/ws", Registry: true, ProfileDir: "/ws/x"})
		if len(ds) == 0 {
			t.Errorf("no diagnostic for %s", Redact(art))
		}
		assertNoCanary(t, ds)
	}
	if out := Redact("nix stderr: " + canary); strings.Contains(out, "CANARY") {
		t.Errorf("Redact leaks: %s", out)
	}
}

// assertNoCanary fails when any message or quick fix shows the canary.
func assertNoCanary(t *testing.T, ds []diagnostics.Diagnostic) {
	t.Helper()
	for _, d := range ds {
		text := d.Message
		if d.Fix != nil {
			text += d.Fix.Title + d.Fix.NewText
		}
		if strings.Contains(text, "CANARY") {
			t.Errorf("%s leaks the canary: %s", d.Code, Redact(text))
		}
	}
}
