package spawn

import (
	"encoding/json"
	"strconv"
)

// Resolution-time defaults (contract §2.2–2.3): what the runtime's snapshot
// contains even when the profile did not say it. Filling them on both sides
// keeps "the profile omits it" and "the snapshot spells it out" equal.
var compactionDefaults = map[string]int{
	"prune_protected_tokens": 8000, "prune_min_savings": 4096, "retained_tokens": 8000,
	"overview_target_tokens": 8000, "overview_warning_tokens": 16000, "overview_deadline_tokens": 40000,
	"worker_context_max_tokens": 50000, "finish_warning_remaining_tokens": 8000,
	"final_reserve_tokens": 4000, "worker_max_turns": 20, "summary_target_tokens": 2000,
	"summary_max_tokens": 4000, "auto_read_budget_tokens": 8000, "result_context_max_tokens": 60000,
}

var compactionAliases = map[string]string{
	"compact_threshold": "threshold", "compact_request_threshold": "request_threshold",
	"compact_retained_tokens": "retained_tokens", "compact_worker_max_input_tokens": "worker_context_max_tokens",
	"compact_worker_max_turns": "worker_max_turns", "compact_auto_read_budget": "auto_read_budget_tokens",
}

// defaultWorkerLanguage is the serde default of worker.language (the
// contract abbreviates it; profile/manifest spells out the same text).
const defaultWorkerLanguage = "match the user's language unless they explicitly request another language"

func fillDefaults(m map[string]any) {
	worker := section(m, "worker", true)
	toolOutput := section(worker, "tool_output", true)
	setDefault(toolOutput, "default_max_bytes", num(65536))
	setDefault(toolOutput, "per_tool", map[string]any{})
	setDefault(section(worker, "file_upload", true), "max_bytes", num(262144))
	setDefault(worker, "instruction", "$insomnia/default")
	setDefault(worker, "language", defaultWorkerLanguage)
	if scope := section(m, "scope", false); scope != nil {
		for _, key := range []string{"allow", "deny"} {
			rules, _ := scope[key].([]any)
			for _, r := range rules {
				if rule, ok := r.(map[string]any); ok {
					setDefault(rule, "recursive", true)
				}
			}
		}
	}
	// session is not optional in PodManifest: absent means its defaults.
	setDefault(section(m, "session", true), "record_event_trace", false)
	// skills only lists directories; with none it means the same as absent.
	if s, ok := m["skills"].(map[string]any); ok && len(s) == 0 {
		delete(m, "skills")
	}
	if c := section(m, "compaction", false); c != nil {
		renameAliases(c, compactionAliases)
		for k, v := range compactionDefaults {
			setDefault(c, k, num(v))
		}
	}
	if mem := section(m, "memory", false); mem != nil {
		setDefault(mem, "extract_worker_max_turns", num(8))
		setDefault(mem, "inject_summary", true)
		setDefault(mem, "language", "English")
	}
}

// section returns m[key] as an object, creating it when create is set.
func section(m map[string]any, key string, create bool) map[string]any {
	if m == nil {
		return nil
	}
	if s, ok := m[key].(map[string]any); ok {
		return s
	}
	if _, exists := m[key]; exists || !create {
		return nil // absent, or not an object: leave it for the diff to show
	}
	s := map[string]any{}
	m[key] = s
	return s
}

func setDefault(m map[string]any, key string, v any) {
	if m == nil {
		return
	}
	if _, ok := m[key]; !ok {
		m[key] = v
	}
}

func renameAliases(m map[string]any, aliases map[string]string) {
	for alias, canon := range aliases {
		if v, ok := m[alias]; ok {
			if _, taken := m[canon]; !taken {
				m[canon] = v
			}
			delete(m, alias)
		}
	}
}

func num(i int) json.Number { return json.Number(strconv.Itoa(i)) }
