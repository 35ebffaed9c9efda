package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func defaultProfile(t testing.TB) []byte {
	abs, err := filepath.Abs("../../resources/nix/profiles/default.nix")
	if err != nil {
		t.Fatal(err)
	}
	return testenv.Evaluate(t, abs)
}

// The builtin profile resolves to contract §1.4's values plus the builtin
// (§2.3), try_from (§2.2) and serde defaults, with "." joined lexically.
func TestResolveBuiltinDefault(t *testing.T) {
	src := ProfileSource{Kind: "registry", Source: "builtin", Name: "default", Path: "/res/nix/profiles/default.nix"}
	res, problems := Resolve(defaultProfile(t), "/work/launch", src)
	if res == nil || len(problems) > 0 {
		t.Fatalf("Resolve failed: %+v", problems)
	}
	want := `{"pod":{"name":"insomnia","prompt_pack":null},
	"model":{"ref":"codex-oauth/gpt-5.5"},
	"worker":{"instruction":"$insomnia/default","language":"match the user's language unless they explicitly request another language",
	  "max_tokens":null,"max_turns":null,"temperature":null,"top_p":null,"top_k":null,"stop_sequences":[],"reasoning":"high",
	  "tool_output":{"default_max_bytes":65536,"per_tool":{}},"file_upload":{"max_bytes":262144}},
	"scope":{"allow":[{"target":"/work/launch/.","permission":"write","recursive":true}],"deny":[]},
	"session":{"record_event_trace":true},
	"permissions":null,
	"compaction":{"prune_protected_tokens":8000,"prune_min_savings":4096,"threshold":200000,"request_threshold":240000,
	  "retained_tokens":8000,"overview_target_tokens":8000,"overview_warning_tokens":16000,"overview_deadline_tokens":40000,
	  "worker_context_max_tokens":100000,"finish_warning_remaining_tokens":8000,"final_reserve_tokens":4000,"worker_max_turns":20,
	  "summary_target_tokens":2000,"summary_max_tokens":4000,"auto_read_budget_tokens":8000,"result_context_max_tokens":60000,"model":null},
	"memory":{"workspace_root":null,"query_result_limit":null,"query_excerpt_lines":null,"inject_summary":null,"language":null,
	  "extract_model":null,"extract_threshold":50000,"extract_worker_max_turns":null,"consolidation_model":null,
	  "consolidation_threshold_files":5,"consolidation_threshold_bytes":50000},
	"web":{"enabled":true,"allow_private_addresses":null,
	  "search":{"enabled":null,"provider":"brave","api_key_env":"BRAVE_SEARCH_API_KEY","timeout_secs":null,"base_url":null,
	    "country":null,"search_lang":null,"ui_lang":null,"safesearch":null},"fetch":null},
	"skills":null,
	"profile":{"source":{"kind":"registry","source":"builtin","name":"default","path":"/res/nix/profiles/default.nix"},
	  "profile":{"name":"default","description":"Bundled default Insomnia coding profile","format":"insomnia.nix-profile.v1"}}}`
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(want)); err != nil {
		t.Fatal(err)
	}
	if got := string(res.SnapshotJSON); got != compact.String() {
		t.Errorf("snapshot mismatch\n got: %s\nwant: %s", got, compact.String())
	}
	if *res.ProfileMeta.Name != "default" {
		t.Errorf("profile meta name = %q", *res.ProfileMeta.Name)
	}
	wantHash, _ := Hash(compact.Bytes())
	if res.Hash != wantHash || len(res.Hash) != 64 {
		t.Errorf("hash = %q, want %q", res.Hash, wantHash)
	}
}

// The hash ignores key order and whitespace but not values.
func TestHashCanonical(t *testing.T) {
	a, _ := Hash([]byte(`{"b":1,"a":{"y":[1,2],"x":"<&>"}}`))
	b, _ := Hash([]byte("{ \"a\" : {\"x\":\"<&>\", \"y\":[1, 2]}, \"b\":1 }"))
	c, _ := Hash([]byte(`{"b":2,"a":{"y":[1,2],"x":"<&>"}}`))
	if a != b || a == c {
		t.Errorf("canonical hash: a=%s b=%s c=%s", a, b, c)
	}
	got, _ := Canonical([]byte(`{"b":1.50,"a":"<&>\u00e9"}`))
	if string(got) != `{"a":"<&>é","b":1.50}` {
		t.Errorf("Canonical = %s", got)
	}
}

func TestResolvePathsAndAliases(t *testing.T) {
	art := `{"profile":{"format":"insomnia.nix-profile.v1"},"config":{"pod":{"name":"p","prompt_pack":"packs/a.toml"},
	"scope":{"allow":[{"target":"/abs","permission":"read","recursive":false},{"target":"../up","permission":"write"}],"deny":[{"target":"x","permission":"read"}]},
	"model":{"scheme":"anthropic","model_id":"m","auth":{"kind":"api_key","file":"key.txt"}},
	"compaction":{"compact_threshold":5,"model":{"auth":{"kind":"api_key","file":"c.key"}}},
	"memory":{"workspace_root":".","extract_model":{"auth":{"kind":"api_key","file":"rel.key"}}},
	"skills":{"directories":["skills"]}}}`
	res, problems := Resolve(json.RawMessage(art), "/base/", ProfileSource{Kind: "path", Path: "/base/p.nix"})
	if res == nil {
		t.Fatalf("problems: %+v", problems)
	}
	m := res.Manifest
	checks := map[string]string{
		"prompt_pack":        *m.Pod.PromptPack,
		"allow0":             m.Scope.Allow[0].Target,
		"allow1":             m.Scope.Allow[1].Target,
		"deny0":              m.Scope.Deny[0].Target,
		"model.auth.file":    *m.Model.Auth.File,
		"compaction.auth":    *m.Compaction.Model.Auth.File,
		"workspace_root":     *m.Memory.WorkspaceRoot,
		"extract (unjoined)": *m.Memory.ExtractModel.Auth.File,
		"skills":             m.Skills.Directories[0],
	}
	want := map[string]string{
		"prompt_pack": "/base/packs/a.toml", "allow0": "/abs", "allow1": "/base/../up", "deny0": "/base/x",
		"model.auth.file": "/base/key.txt", "compaction.auth": "/base/c.key", "workspace_root": "/base/.",
		"extract (unjoined)": "rel.key", "skills": "/base/skills",
	}
	for k, w := range want {
		if checks[k] != w {
			t.Errorf("%s = %q, want %q", k, checks[k], w)
		}
	}
	if m.Scope.Allow[0].Recursive || !m.Scope.Allow[1].Recursive {
		t.Errorf("recursive defaults wrong: %+v", m.Scope.Allow)
	}
	if m.Compaction.Threshold == nil || *m.Compaction.Threshold != 5 {
		t.Errorf("alias compact_threshold not applied: %+v", m.Compaction.Threshold)
	}
	if !strings.Contains(string(res.SnapshotJSON), `"auth":{"kind":"api_key","env":null,"file":"/base/key.txt"}`) {
		t.Errorf("api_key auth not serialized upstream-style: %s", res.SnapshotJSON)
	}
	if !strings.Contains(string(res.SnapshotJSON), `"source":{"kind":"path","path":"/base/p.nix"},"profile":{"format":"insomnia.nix-profile.v1"}`) {
		t.Errorf("provenance wrong: %s", res.SnapshotJSON)
	}
}

func TestResolveProblems(t *testing.T) {
	cases := []struct {
		name, artifact, base, code, pointer, msg string
	}{
		{"relative base", `{}`, "rel", diagnostics.CodeInvalidPath, "", "base directory is not absolute"},
		{"scalar", `42`, "/b", diagnostics.CodeInvalidArtifact, "", "got a number"},
		{"empty array", `[]`, "/b", diagnostics.CodeInvalidArtifact, "", "got an array"},
		{"both keys", `{"manifest":{},"config":{}}`, "/b", diagnostics.CodeManifestAndConfig, "/config", "both manifest and config"},
		{"format", `{"profile":{"format":"v2"},"manifest":{}}`, "/b", diagnostics.CodeUnsupportedFormat, "/profile/format", `unsupported profile artifact format: "v2"`},
		{"profile shape", `{"profile":[1],"manifest":{}}`, "/b", diagnostics.CodeInvalidArtifact, "/profile", "envelope"},
		{"no pod name", `{"manifest":{"scope":{"allow":[{"target":".","permission":"read"}]}}}`, "/b", diagnostics.CodeMissingRequired, "/manifest/pod", "missing required field: pod.name"},
		{"empty allow", `{"manifest":{"pod":{"name":"x"},"scope":{"allow":[]}}}`, "/b", diagnostics.CodeMissingRequired, "/manifest/scope/allow", "missing required field: scope.allow"},
		{"permissions", `{"manifest":{"pod":{"name":"x"},"scope":{"allow":[{"target":".","permission":"read"}]},"permissions":{"rule":[]}}}`, "/b", diagnostics.CodeMissingRequired, "/manifest/permissions/default_action", "permissions.default_action"},
		{"raw form null name", `{"pod":{"name":null},"scope":{"allow":[{"target":".","permission":"read"}]}}`, "/b", diagnostics.CodeMissingRequired, "/pod/name", "pod.name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, problems := Resolve(json.RawMessage(c.artifact), c.base, ProfileSource{Kind: "path", Path: "/b/p.nix"})
			if res != nil {
				t.Fatalf("expected failure, got %s", res.SnapshotJSON)
			}
			for _, p := range problems {
				if p.Code == c.code && p.Pointer == c.pointer && strings.Contains(p.Message, c.msg) {
					return
				}
			}
			t.Errorf("want %s at %q containing %q; got %+v", c.code, c.pointer, c.msg, problems)
		})
	}
}

// Warnings do not stop resolution; unknown keys are dropped from the
// snapshot, as upstream does.
func TestResolveKeepsWarnings(t *testing.T) {
	art := `{"pod":{"name":"x","colour":"red"},"scope":{"allow":[{"target":"/a","permission":"read"}]},"profile":{"name":"n"}}`
	res, problems := Resolve(json.RawMessage(art), "/b", ProfileSource{Kind: "path", Path: "/b/p.nix"})
	if res == nil || len(problems) != 1 || problems[0].Code != diagnostics.CodeUnknownField || problems[0].Pointer != "/pod/colour" {
		t.Fatalf("res=%v problems=%+v", res, problems)
	}
	if strings.Contains(string(res.SnapshotJSON), "colour") {
		t.Errorf("unknown key kept in snapshot: %s", res.SnapshotJSON)
	}
}

func BenchmarkSchemaCheck(b *testing.B) {
	art, _ := SplitArtifact(defaultProfile(b))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ps := Check(art.Manifest, art.Pointer, false); len(ps) != 0 {
			b.Fatal(ps)
		}
	}
}

func BenchmarkResolve(b *testing.B) {
	raw := defaultProfile(b)
	src := ProfileSource{Kind: "registry", Source: "builtin", Name: "default", Path: "/res/default.nix"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, ps := Resolve(raw, "/ws", src); res == nil {
			b.Fatal(ps)
		}
	}
}

func BenchmarkField(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, ok := Field([]string{"memory", "extract_model", "auth", "kind"}); !ok {
			b.Fatal("no doc")
		}
	}
}

// Fields of another auth variant are dropped by upstream: a warning.
func TestVariantFields(t *testing.T) {
	v, _ := decodeValue([]byte(`{"model":{"auth":{"kind":"api_key","ref":"x","env":"E"}},"compaction":{"model":{"capability":{"tool_calling":"none","structured_output":"none","prompt_caching":{"kind":"auto","max_breakpoints":2}}}}}`))
	var got []string
	for _, p := range Check(v, "", false) {
		if p.Code == diagnostics.CodeUnknownField {
			got = append(got, p.Pointer+" "+p.Message)
		}
	}
	want := []string{
		"/compaction/model/capability/prompt_caching/max_breakpoints compaction.model.capability.prompt_caching.max_breakpoints is not read when kind is \"auto\": the runtime ignores it",
		"/model/auth/ref model.auth.ref is not read when kind is \"api_key\": the runtime ignores it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// No Problem message carries a secret, wherever the artifact puts it.
func TestProblemsNeverShowSecrets(t *testing.T) {
	bodies := []string{
		`{"pod":{"name":1},"worker":{"tool_output":{"per_tool":{"%s":"x"}}}}`,
		`{"model":{"scheme":"%s","auth":{"kind":"%[1]s","env":1}}}`,
		`{"profile":{"format":"%s"}}`,
		`{"%s":{"x":1},"scope":{"allow":[{"target":".","permission":"%[1]s"}]}}`,
		`{"worker":{"reasoning":{"%s":1}},"web":{"search":{"provider":"%[1]s"}}}`,
	}
	for _, b := range bodies {
		art := fmt.Sprintf(b, canary)
		_, problems := Resolve(json.RawMessage(art), "/b", ProfileSource{Kind: "path", Path: "/b/p.nix"})
		if len(problems) == 0 {
			t.Errorf("no problems for %s", b)
		}
		for _, p := range problems {
			if strings.Contains(p.Message, "CANARY") {
				t.Errorf("%s leaks: %s", p.Code, strings.ReplaceAll(p.Message, canary, "<canary>"))
			}
		}
	}
}
