package manifest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// minimalManifest is the smallest manifest upstream resolves.
const minimalManifest = `"pod":{"name":"p"},"scope":{"allow":[{"target":".","permission":"read"}]}`

// withField sets one dotted field of the minimal manifest to raw JSON.
func withField(t *testing.T, dotted, raw string) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte("{"+minimalManifest+"}"), &m); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(dotted, ".")
	obj := m
	for _, k := range keys[:len(keys)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	obj[keys[len(keys)-1]] = v
	b, err := json.Marshal(map[string]any{"manifest": m})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOptionFieldsAcceptNull: every Option field of PodManifestConfig reads
// null as absent (serde's Option), so a profile that sets one to null
// resolves. Mirrors crates/manifest/src/config.rs:27-161, lib.rs:106-239
// (WebConfig, MemoryConfig), model.rs:31-64 (ModelManifest, AuthRef) and
// crates/llm-worker/src/llm_client/capability.rs:19 at 6ecb5c4f.
func TestOptionFieldsAcceptNull(t *testing.T) {
	fields := []string{
		"session", "permissions", "compaction", "web", "memory", "skills",
		"pod.prompt_pack",
		"worker.instruction", "worker.language", "worker.max_tokens", "worker.max_turns",
		"worker.temperature", "worker.top_p", "worker.top_k", "worker.stop_sequences",
		"worker.reasoning", "worker.tool_output.default_max_bytes", "worker.file_upload.max_bytes",
		"session.record_event_trace",
		"compaction.threshold", "compaction.request_threshold", "compaction.retained_tokens",
		"compaction.prune_protected_tokens", "compaction.prune_min_savings",
		"compaction.overview_target_tokens", "compaction.overview_warning_tokens",
		"compaction.overview_deadline_tokens", "compaction.worker_context_max_tokens",
		"compaction.finish_warning_remaining_tokens", "compaction.final_reserve_tokens",
		"compaction.worker_max_turns", "compaction.summary_target_tokens",
		"compaction.summary_max_tokens", "compaction.auto_read_budget_tokens",
		"compaction.result_context_max_tokens", "compaction.model",
		"web.enabled", "web.allow_private_addresses", "web.search", "web.fetch",
		"web.search.enabled", "web.search.provider", "web.search.api_key_env",
		"web.search.timeout_secs", "web.search.base_url", "web.search.country",
		"web.search.search_lang", "web.search.ui_lang", "web.search.safesearch",
		"web.fetch.enabled", "web.fetch.timeout_secs", "web.fetch.redirect_limit",
		"web.fetch.max_response_bytes", "web.fetch.max_output_bytes", "web.fetch.allow_private_addresses",
		"memory.workspace_root", "memory.query_result_limit", "memory.query_excerpt_lines",
		"memory.inject_summary", "memory.language", "memory.extract_model", "memory.extract_threshold",
		"memory.extract_worker_max_turns", "memory.consolidation_model",
		"memory.consolidation_threshold_files", "memory.consolidation_threshold_bytes",
		"model.ref", "model.scheme", "model.base_url", "model.model_id", "model.context_window",
		"model.max_context_window", "model.auth", "model.capability",
	}
	for _, f := range fields {
		res, problems := Resolve(withField(t, f, "null"), "/w", ProfileSource{Kind: "path", Path: "/w/p.nix"})
		if res == nil || hasError(problems) {
			t.Errorf("%s = null: upstream accepts it (Option), we report %+v", f, problems)
		}
	}
	res, _ := Resolve(withField(t, "worker.stop_sequences", "null"), "/w", ProfileSource{Kind: "path", Path: "/w/p.nix"})
	if res == nil || !strings.Contains(string(res.SnapshotJSON), `"stop_sequences":[]`) {
		t.Fatalf("stop_sequences = null should resolve to [] (unwrap_or_default)")
	}
}

// TestNullsUpstreamRejects: null where serde wants a struct, a list, a map
// or a plain bool fails, and null in a required Option fails try_from.
// Mirrors config.rs:29-40 (pod, model, worker, scope without Option),
// config.rs:91-102,121 (tool_output, file_upload, per_tool, rule),
// lib.rs:389-394 (allow, deny), lib.rs:96 (directories),
// crates/protocol/src/lib.rs:709 (recursive), capability.rs:21 (vision),
// config.rs:120 + lib.rs:413 (default_action: Option, then required).
func TestNullsUpstreamRejects(t *testing.T) {
	cases := []struct{ field, raw, code string }{
		{"pod", "null", diagnostics.CodeTypeMismatch},
		{"model", "null", diagnostics.CodeTypeMismatch},
		{"worker", "null", diagnostics.CodeTypeMismatch},
		{"scope", "null", diagnostics.CodeTypeMismatch},
		{"worker.tool_output", "null", diagnostics.CodeTypeMismatch},
		{"worker.file_upload", "null", diagnostics.CodeTypeMismatch},
		{"worker.tool_output.per_tool", "null", diagnostics.CodeTypeMismatch},
		{"scope.deny", "null", diagnostics.CodeTypeMismatch},
		{"skills.directories", "null", diagnostics.CodeTypeMismatch},
		{"permissions", `{"default_action":"allow","rule":null}`, diagnostics.CodeTypeMismatch},
		{"pod.name", "null", diagnostics.CodeMissingRequired},
		{"permissions", `{"default_action":null}`, diagnostics.CodeMissingRequired},
		{"model.capability", `{"tool_calling":"none","structured_output":"none","prompt_caching":{"kind":"auto"},"vision":null}`, diagnostics.CodeTypeMismatch},
	}
	for _, c := range cases {
		res, problems := Resolve(withField(t, c.field, c.raw), "/w", ProfileSource{Kind: "path", Path: "/w/p.nix"})
		if res != nil || len(problems) == 0 || problems[0].Code != c.code {
			t.Errorf("%s = %s: want %s, got %+v", c.field, c.raw, c.code, problems)
		}
		if c.code == diagnostics.CodeMissingRequired && len(problems) != 1 {
			t.Errorf("%s = %s: upstream reports only the missing field, we report %+v", c.field, c.raw, problems)
		}
	}
}

// TestEnvelopeNulls: extract_manifest_value looks at key presence
// (crates/manifest/src/profile.rs:664-681 at 6ecb5c4f), so manifest = null
// is a decode error of null, and config = null beside manifest still counts
// as both; profile = null is None, skipped when serializing (profile.rs:504
// and :292).
func TestEnvelopeNulls(t *testing.T) {
	src := ProfileSource{Kind: "path", Path: "/w/p.nix"}
	cases := []struct {
		name, artifact, code string
	}{
		{"manifest null", `{"manifest":null}`, diagnostics.CodeTypeMismatch},
		{"manifest null, raw keys beside", `{"manifest":null,` + minimalManifest + `}`, diagnostics.CodeTypeMismatch},
		{"config null beside manifest", `{"manifest":{` + minimalManifest + `},"config":null}`, diagnostics.CodeManifestAndConfig},
		{"manifest null beside config", `{"manifest":null,"config":{` + minimalManifest + `}}`, diagnostics.CodeManifestAndConfig},
		{"config null", `{"config":null}`, diagnostics.CodeTypeMismatch},
	}
	for _, c := range cases {
		res, problems := Resolve(json.RawMessage(c.artifact), "/w", src)
		if res != nil || len(problems) == 0 || problems[0].Code != c.code {
			t.Errorf("%s: want %s, got %+v", c.name, c.code, problems)
		}
	}
	res, problems := Resolve(json.RawMessage(`{"profile":null,"manifest":{`+minimalManifest+`}}`), "/w", src)
	if res == nil {
		t.Fatalf("profile = null: %+v", problems)
	}
	want := `"profile":{"source":{"kind":"path","path":"/w/p.nix"}}`
	if !strings.HasSuffix(string(res.SnapshotJSON), want+"}") {
		t.Fatalf("profile = null must be omitted: snapshot ends %s", res.SnapshotJSON[len(res.SnapshotJSON)-80:])
	}
}

// TestFirstMissingFieldInDeclarationOrder: serde names only the first
// absent field of a struct, in declaration order: ModelCapability
// (crates/llm-worker/src/llm_client/capability.rs:15-23 at 6ecb5c4f:
// tool_calling, structured_output, ..., prompt_caching), ScopeRule
// (crates/protocol/src/lib.rs:698-711: target, permission), ToolPermissionRule
// (crates/manifest/src/lib.rs:420-428: tool, pattern, action).
func TestFirstMissingFieldInDeclarationOrder(t *testing.T) {
	cases := []struct{ field, raw, want string }{
		{"model.capability", `{}`, "model.capability.tool_calling"},
		{"model.capability", `{"tool_calling":"none"}`, "model.capability.structured_output"},
		{"model.capability", `{"structured_output":"none"}`, "model.capability.tool_calling"},
		{"model.capability", `{"tool_calling":"none","structured_output":"none"}`, "model.capability.prompt_caching"},
		{"scope.allow", `[{}]`, "scope.allow[0].target"},
		{"scope.allow", `[{"target":"."}]`, "scope.allow[0].permission"},
		{"permissions", `{"default_action":"ask","rule":[{"action":"ask"}]}`, "permissions.rule[0].tool"},
		{"permissions", `{"default_action":"ask","rule":[{"tool":"Bash"}]}`, "permissions.rule[0].pattern"},
	}
	for _, c := range cases {
		_, problems := Resolve(withField(t, c.field, c.raw), "/w", ProfileSource{Kind: "path", Path: "/w/p.nix"})
		var got []string
		for _, p := range problems {
			if p.Code == diagnostics.CodeMissingRequired {
				got = append(got, p.Message)
			}
		}
		if len(got) != 1 || got[0] != "missing required field: "+c.want {
			t.Errorf("%s = %s: want only %q, got %q", c.field, c.raw, c.want, got)
		}
	}
}
