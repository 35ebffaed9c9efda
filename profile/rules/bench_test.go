package rules

import (
	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"

	"fmt"
	"testing"
)

// realisticArtifact is a coder profile as Nix prints it: the builtin
// default's settings plus inline models, permissions and a few mistakes.
const realisticArtifact = `{"manifest":{"compaction":{"model":{"auth":{"kind":"secret_ref","ref":"llm.anthropic.default"},"model_id":"claude-haiku","scheme":"anthropic"},"request_threshold":240000,"threshold":200000,"worker_context_max_tokens":100000},
"memory":{"consolidation_threshold_bytes":50000,"consolidation_threshold_files":5,"extract_model":{"ref":"openrouter/google/gemini-flash"},"extract_threshold":50000,"language":"English"},
"model":{"auth":{"kind":"secret_ref","ref":"llm.anthropic.defualt"},"capability":{"prompt_caching":{"kind":"explicit","max_breakpoints":4},"structured_output":"json_schema","tool_calling":"parallel","vision":true},"model_id":"claude-sonnet-4-20250514","scheme":"anthropic"},
"permissions":{"default_action":"ask","rule":[{"action":"allow","pattern":"git *","tool":"Bash"},{"action":"deny","pattern":"rm -rf *","tool":"Bash"},{"action":"allow","pattern":"**","tool":"Read"}]},
"pod":{"name":"coder","prompt_pack":"./prompts/coder.toml"},
"scope":{"allow":[{"permission":"write","recursive":true,"target":"."},{"permission":"read","target":"/usr/share/doc"}],"deny":[{"permission":"read","target":".env"}]},
"session":{"record_event_trace":true},"skills":{"directories":["./skills","/nix/store/0c7ww1ci4kml3ammcw5djqy7fbm2ymri-skills"]},
"web":{"enabled":true,"fetch":{"max_output_bytes":65536,"timeout_secs":20},"search":{"api_key_env":"BRAVE_SEARCH_API_KEY","provider":"brave","country":"JP"}},
"worker":{"language":"English","max_tokens":8192,"reasoning":"high","stop_sequences":["</done>"],"temperature":0.2,"tool_output":{"per_tool":{"Bash":32768,"Read":131072}},"instructions":"x"}},
"profile":{"description":"Project coder","format":"insomnia.nix-profile.v1","name":"coder"}}`

func realisticPositions() diagnostics.PosMap {
	pm := diagnostics.PosMap{}
	for i, p := range []string{"", "/manifest", "/manifest/model", "/manifest/model/auth", "/manifest/scope/allow/0/target",
		"/manifest/worker", "/manifest/skills/directories/1", "/manifest/compaction", "/manifest/web/search"} {
		pm[p] = lineLoc(i)
	}
	return pm
}

func BenchmarkManifestDiagnostics(b *testing.B) {
	in := ManifestInput{Artifact: []byte(realisticArtifact), Positions: realisticPositions(), Fallback: fallback,
		SecretIDs: []string{"llm.anthropic.default", "brave.search.default"}, Registry: true,
		ProfileDir: "/ws/.insomnia/profiles", Workspace: "/ws"}
	if n := len(Manifest(in)); n < 3 {
		b.Fatalf("expected the sample's mistakes to be found, got %d diagnostics", n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Manifest(in)
	}
}

func BenchmarkStatic(b *testing.B) {
	var in StaticInput
	for i := 0; i < 200; i++ { // a long profile's worth of literals
		in.Strings = append(in.Strings, lit(i, fmt.Sprintf("value-%d-of-a-normal-profile", i), "manifest", "worker", "stop_sequences", fmt.Sprint(i)))
	}
	in.Strings = append(in.Strings, lit(201, canary, "manifest", "model", "auth"))
	in.SecretCalls = []SecretCall{{ID: "llm.anthropic.default"}, {ID: "brave.search.defualt"}}
	in.SecretIDs = []string{"llm.anthropic.default", "brave.search.default"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Static(in)
	}
}

func BenchmarkRedact(b *testing.B) {
	stderr := "error: while evaluating the attribute 'manifest.model.auth' at /ws/.insomnia/profiles/coder.nix:12:5:\n" +
		"value is a string with context: \"" + canary + "\"\n(use '--show-trace' to show detailed location information)\n"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Redact(stderr)
	}
}
