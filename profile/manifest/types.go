package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// PodManifestConfig is what a profile's `manifest` (or `config`) decodes
// into: every section optional, as upstream's PodManifestConfig. Pointers
// distinguish "absent" from a zero value; unknown keys are dropped, as serde
// does without deny_unknown_fields. Aliases are renamed before decoding
// (see normalizeAliases), so they have no fields here.
type PodManifestConfig struct {
	Pod         *PodMetaConfig           `json:"pod"`
	Model       *ModelManifest           `json:"model"`
	Worker      *WorkerManifestConfig    `json:"worker"`
	Scope       *ScopeConfig             `json:"scope"`
	Session     *SessionConfigPartial    `json:"session"`
	Permissions *PermissionConfigPartial `json:"permissions"`
	Compaction  *CompactionConfigPartial `json:"compaction"`
	Web         *WebConfig               `json:"web"`
	Memory      *MemoryConfig            `json:"memory"`
	Skills      *SkillsConfig            `json:"skills"`
}

// PodMetaConfig is the `pod` table before resolution.
type PodMetaConfig struct {
	Name       *string `json:"name"`
	PromptPack *string `json:"prompt_pack"`
}

// WorkerManifestConfig is the `worker` table before defaults.
type WorkerManifestConfig struct {
	Instruction   *string                  `json:"instruction"`
	Language      *string                  `json:"language"`
	MaxTokens     *uint32                  `json:"max_tokens"`
	MaxTurns      *uint32                  `json:"max_turns"`
	Temperature   *float32                 `json:"temperature"`
	TopP          *float32                 `json:"top_p"`
	TopK          *uint32                  `json:"top_k"`
	StopSequences []string                 `json:"stop_sequences"`
	Reasoning     *Reasoning               `json:"reasoning"`
	ToolOutput    *ToolOutputLimitsPartial `json:"tool_output"`
	FileUpload    *FileUploadLimitsPartial `json:"file_upload"`
}

// ToolOutputLimitsPartial is `worker.tool_output` before defaults.
type ToolOutputLimitsPartial struct {
	DefaultMaxBytes *uint64           `json:"default_max_bytes"`
	PerTool         map[string]uint64 `json:"per_tool"`
}

// FileUploadLimitsPartial is `worker.file_upload` before defaults.
type FileUploadLimitsPartial struct {
	MaxBytes *uint64 `json:"max_bytes"`
}

// SessionConfigPartial is `session` before defaults.
type SessionConfigPartial struct {
	RecordEventTrace *bool `json:"record_event_trace"`
}

// PermissionConfigPartial is `permissions`; default_action is checked by
// try_from, not by decoding, so it is optional here.
type PermissionConfigPartial struct {
	DefaultAction *string          `json:"default_action"`
	Rule          []PermissionRule `json:"rule"`
}

// CompactionConfigPartial is `compaction` before try_from fills defaults.
type CompactionConfigPartial struct {
	PruneProtectedTokens         *uint64        `json:"prune_protected_tokens"`
	PruneMinSavings              *uint64        `json:"prune_min_savings"`
	Threshold                    *uint64        `json:"threshold"`
	RequestThreshold             *uint64        `json:"request_threshold"`
	RetainedTokens               *uint64        `json:"retained_tokens"`
	OverviewTargetTokens         *uint64        `json:"overview_target_tokens"`
	OverviewWarningTokens        *uint64        `json:"overview_warning_tokens"`
	OverviewDeadlineTokens       *uint64        `json:"overview_deadline_tokens"`
	WorkerContextMaxTokens       *uint64        `json:"worker_context_max_tokens"`
	FinishWarningRemainingTokens *uint64        `json:"finish_warning_remaining_tokens"`
	FinalReserveTokens           *uint64        `json:"final_reserve_tokens"`
	WorkerMaxTurns               *uint32        `json:"worker_max_turns"`
	SummaryTargetTokens          *uint64        `json:"summary_target_tokens"`
	SummaryMaxTokens             *uint64        `json:"summary_max_tokens"`
	AutoReadBudgetTokens         *uint64        `json:"auto_read_budget_tokens"`
	ResultContextMaxTokens       *uint64        `json:"result_context_max_tokens"`
	Model                        *ModelManifest `json:"model"`
}

// PodManifest is the resolved manifest (upstream PodManifest). Field order
// and null/omit behaviour follow upstream's serde output, so SnapshotJSON
// reads like upstream's resolved_manifest_snapshot.
type PodManifest struct {
	Pod         PodMeta               `json:"pod"`
	Model       ModelManifest         `json:"model"`
	Worker      WorkerManifest        `json:"worker"`
	Scope       ScopeConfig           `json:"scope"`
	Session     SessionConfig         `json:"session"`
	Permissions *ToolPermissionConfig `json:"permissions"`
	Compaction  *CompactionConfig     `json:"compaction"`
	Memory      *MemoryConfig         `json:"memory"`
	Web         *WebConfig            `json:"web"`
	Skills      *SkillsConfig         `json:"skills"`
	Profile     *ManifestProfile      `json:"profile"`
}

// PodMeta is the resolved `pod` table.
type PodMeta struct {
	Name       string  `json:"name"`
	PromptPack *string `json:"prompt_pack"`
}

// WorkerManifest is the resolved `worker` table.
type WorkerManifest struct {
	Instruction   string           `json:"instruction"`
	Language      string           `json:"language"`
	MaxTokens     *uint32          `json:"max_tokens"`
	MaxTurns      *uint32          `json:"max_turns"`
	Temperature   *float32         `json:"temperature"`
	TopP          *float32         `json:"top_p"`
	TopK          *uint32          `json:"top_k"`
	StopSequences []string         `json:"stop_sequences"`
	Reasoning     *Reasoning       `json:"reasoning"`
	ToolOutput    ToolOutputLimits `json:"tool_output"`
	FileUpload    FileUploadLimits `json:"file_upload"`
}

// ToolOutputLimits is the resolved `worker.tool_output`.
type ToolOutputLimits struct {
	DefaultMaxBytes uint64            `json:"default_max_bytes"`
	PerTool         map[string]uint64 `json:"per_tool"`
}

// FileUploadLimits is the resolved `worker.file_upload`.
type FileUploadLimits struct {
	MaxBytes uint64 `json:"max_bytes"`
}

// ScopeConfig is `scope` (same shape before and after resolution).
type ScopeConfig struct {
	Allow []ScopeRule `json:"allow"`
	Deny  []ScopeRule `json:"deny"`
}

// ScopeRule grants (allow) or caps (deny) access to Target.
type ScopeRule struct {
	Target     string `json:"target"`
	Permission string `json:"permission"`
	Recursive  bool   `json:"recursive"`
}

// UnmarshalJSON applies serde's `recursive` default (true).
func (r *ScopeRule) UnmarshalJSON(b []byte) error {
	type plain ScopeRule
	p := plain{Recursive: true}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = ScopeRule(p)
	return nil
}

// SessionConfig is the resolved `session` table.
type SessionConfig struct {
	RecordEventTrace bool `json:"record_event_trace"`
}

// ToolPermissionConfig is the resolved `permissions` table.
type ToolPermissionConfig struct {
	DefaultAction string           `json:"default_action"`
	Rule          []PermissionRule `json:"rule"`
}

// PermissionRule is one `permissions.rule` entry.
type PermissionRule struct {
	Tool    string `json:"tool"`
	Pattern string `json:"pattern"`
	Action  string `json:"action"`
}

// CompactionConfig is `compaction` after try_from filled its defaults.
type CompactionConfig struct {
	PruneProtectedTokens         uint64         `json:"prune_protected_tokens"`
	PruneMinSavings              uint64         `json:"prune_min_savings"`
	Threshold                    *uint64        `json:"threshold"`
	RequestThreshold             *uint64        `json:"request_threshold"`
	RetainedTokens               uint64         `json:"retained_tokens"`
	OverviewTargetTokens         uint64         `json:"overview_target_tokens"`
	OverviewWarningTokens        uint64         `json:"overview_warning_tokens"`
	OverviewDeadlineTokens       uint64         `json:"overview_deadline_tokens"`
	WorkerContextMaxTokens       uint64         `json:"worker_context_max_tokens"`
	FinishWarningRemainingTokens uint64         `json:"finish_warning_remaining_tokens"`
	FinalReserveTokens           uint64         `json:"final_reserve_tokens"`
	WorkerMaxTurns               *uint32        `json:"worker_max_turns"`
	SummaryTargetTokens          uint64         `json:"summary_target_tokens"`
	SummaryMaxTokens             uint64         `json:"summary_max_tokens"`
	AutoReadBudgetTokens         uint64         `json:"auto_read_budget_tokens"`
	ResultContextMaxTokens       uint64         `json:"result_context_max_tokens"`
	Model                        *ModelManifest `json:"model"`
}

// WebConfig is `web` (defaults are applied by the tools, not here).
type WebConfig struct {
	Enabled               *bool            `json:"enabled"`
	AllowPrivateAddresses *bool            `json:"allow_private_addresses"`
	Search                *WebSearchConfig `json:"search"`
	Fetch                 *WebFetchConfig  `json:"fetch"`
}

// WebSearchConfig is `web.search`.
type WebSearchConfig struct {
	Enabled     *bool   `json:"enabled"`
	Provider    *string `json:"provider"`
	APIKeyEnv   *string `json:"api_key_env"`
	TimeoutSecs *uint64 `json:"timeout_secs"`
	BaseURL     *string `json:"base_url"`
	Country     *string `json:"country"`
	SearchLang  *string `json:"search_lang"`
	UILang      *string `json:"ui_lang"`
	Safesearch  *string `json:"safesearch"`
}

// WebFetchConfig is `web.fetch`.
type WebFetchConfig struct {
	Enabled               *bool   `json:"enabled"`
	TimeoutSecs           *uint64 `json:"timeout_secs"`
	RedirectLimit         *uint64 `json:"redirect_limit"`
	MaxResponseBytes      *uint64 `json:"max_response_bytes"`
	MaxOutputBytes        *uint64 `json:"max_output_bytes"`
	AllowPrivateAddresses *bool   `json:"allow_private_addresses"`
}

// MemoryConfig is `memory`; every default is applied by its consumer.
type MemoryConfig struct {
	WorkspaceRoot               *string        `json:"workspace_root"`
	QueryResultLimit            *uint64        `json:"query_result_limit"`
	QueryExcerptLines           *uint64        `json:"query_excerpt_lines"`
	InjectSummary               *bool          `json:"inject_summary"`
	Language                    *string        `json:"language"`
	ExtractModel                *ModelManifest `json:"extract_model"`
	ExtractThreshold            *uint64        `json:"extract_threshold"`
	ExtractWorkerMaxTurns       *uint32        `json:"extract_worker_max_turns"`
	ConsolidationModel          *ModelManifest `json:"consolidation_model"`
	ConsolidationThresholdFiles *uint64        `json:"consolidation_threshold_files"`
	ConsolidationThresholdBytes *uint64        `json:"consolidation_threshold_bytes"`
}

// SkillsConfig is `skills`.
type SkillsConfig struct {
	Directories []string `json:"directories"`
}

// ModelManifest is used for `model` and the three sub-models. Upstream
// omits its None fields when serializing, hence omitempty.
type ModelManifest struct {
	Ref              *string          `json:"ref,omitempty"`
	Scheme           *string          `json:"scheme,omitempty"`
	BaseURL          *string          `json:"base_url,omitempty"`
	ModelID          *string          `json:"model_id,omitempty"`
	ContextWindow    *uint64          `json:"context_window,omitempty"`
	MaxContextWindow *uint64          `json:"max_context_window,omitempty"`
	Auth             *AuthRef         `json:"auth,omitempty"`
	Capability       *ModelCapability `json:"capability,omitempty"`
}

// AuthRef is the credential source, tagged by Kind. Only the fields of the
// Kind's variant are serialized (see MarshalJSON).
type AuthRef struct {
	Kind string  `json:"kind"`
	Env  *string `json:"env"`
	File *string `json:"file"`
	Ref  string  `json:"ref"`
}

// MarshalJSON writes the upstream variant shape: api_key carries env and
// file (null when unset), secret_ref carries ref, the others only kind.
func (a AuthRef) MarshalJSON() ([]byte, error) {
	switch a.Kind {
	case "api_key":
		return marshalNoEscape(struct {
			Kind string  `json:"kind"`
			Env  *string `json:"env"`
			File *string `json:"file"`
		}{a.Kind, a.Env, a.File})
	case "secret_ref":
		return marshalNoEscape(struct {
			Kind string `json:"kind"`
			Ref  string `json:"ref"`
		}{a.Kind, a.Ref})
	default:
		return marshalNoEscape(struct {
			Kind string `json:"kind"`
		}{a.Kind})
	}
}

// ModelCapability overrides catalog capabilities.
type ModelCapability struct {
	ToolCalling      string        `json:"tool_calling"`
	StructuredOutput string        `json:"structured_output"`
	Reasoning        *string       `json:"reasoning"`
	Vision           bool          `json:"vision"`
	PromptCaching    PromptCaching `json:"prompt_caching"`
}

// PromptCaching is tagged by Kind; only explicit carries max_breakpoints.
type PromptCaching struct {
	Kind           string `json:"kind"`
	MaxBreakpoints *uint8 `json:"max_breakpoints,omitempty"`
}

// Reasoning is worker.reasoning: a label or an i32 budget (untagged).
type Reasoning struct {
	Label  string
	Budget *int32
}

// MarshalJSON writes the label or the budget, as serde's untagged enum.
func (r Reasoning) MarshalJSON() ([]byte, error) {
	if r.Budget != nil {
		return json.Marshal(*r.Budget)
	}
	return marshalNoEscape(r.Label)
}

// UnmarshalJSON accepts a string or an integer.
func (r *Reasoning) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*r = Reasoning{Label: s}
		return nil
	}
	var n int32
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("reasoning: did not match any variant")
	}
	*r = Reasoning{Budget: &n}
	return nil
}

// ManifestProfile is the provenance upstream stores in PodManifest.profile.
type ManifestProfile struct {
	Source ProfileSource `json:"source"`
	// Profile is omitted when None (skip_serializing_if, profile.rs:292).
	Profile *ProfileMetadata `json:"profile,omitempty"`
}

// ProfileSource says where a profile came from (contract §1.3), tagged by
// Kind: "path" {path} or "registry" {source, name, path}.
type ProfileSource struct {
	Kind   string `json:"kind"`
	Source string `json:"source,omitempty"`
	Name   string `json:"name,omitempty"`
	Path   string `json:"path"`
}

// ProfileMetadata is the envelope's `profile` table; None fields are
// omitted, as upstream.
type ProfileMetadata struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Format      *string `json:"format,omitempty"`
}

// marshalNoEscape is json.Marshal without HTML escaping, as serde_json
// writes "<", ">" and "&" literally.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
