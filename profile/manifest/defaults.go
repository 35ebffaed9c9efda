package manifest

import "github.com/insomnia-lsp/insomnia-lsp/diagnostics"

// mergeDefaults is builtin_defaults().merge(cfg) (contract §2.3). The
// builtin layer sets only the two byte caps, so merging reduces to filling
// them where the profile left them unset.
func mergeDefaults(cfg *PodManifestConfig) *PodManifestConfig {
	out := *cfg
	w := WorkerManifestConfig{}
	if cfg.Worker != nil {
		w = *cfg.Worker
	}
	to := ToolOutputLimitsPartial{}
	if w.ToolOutput != nil {
		to = *w.ToolOutput
	}
	if to.DefaultMaxBytes == nil {
		to.DefaultMaxBytes = ptr(uint64(DefaultToolOutputMaxBytes))
	}
	fu := FileUploadLimitsPartial{}
	if w.FileUpload != nil {
		fu = *w.FileUpload
	}
	if fu.MaxBytes == nil {
		fu.MaxBytes = ptr(uint64(DefaultFileUploadMaxBytes))
	}
	w.ToolOutput, w.FileUpload = &to, &fu
	out.Worker = &w
	return &out
}

// tryFrom is PodManifest::try_from (contract §2.5): required fields are
// checked in upstream's order and the remaining defaults are filled.
// RelativePath cannot fire here because resolvePaths already joined every
// checked path.
func tryFrom(cfg *PodManifestConfig, at string) (*PodManifest, []Problem) {
	var problems []Problem
	missing := func(ptr, field string) {
		problems = append(problems, Problem{Code: diagnostics.CodeMissingRequired, Pointer: at + ptr,
			Message: "missing required field: " + field})
	}
	m := &PodManifest{}
	if cfg.Pod == nil || cfg.Pod.Name == nil {
		missing("/pod/name", "pod.name")
	} else {
		m.Pod = PodMeta{Name: *cfg.Pod.Name, PromptPack: cfg.Pod.PromptPack}
	}
	if cfg.Scope == nil || len(cfg.Scope.Allow) == 0 {
		missing("/scope/allow", "scope.allow")
	} else {
		m.Scope = ScopeConfig{Allow: cfg.Scope.Allow, Deny: nonNil(cfg.Scope.Deny)}
	}
	if p := cfg.Permissions; p != nil {
		if p.DefaultAction == nil {
			missing("/permissions/default_action", "permissions.default_action")
		} else {
			m.Permissions = &ToolPermissionConfig{DefaultAction: *p.DefaultAction, Rule: nonNil(p.Rule)}
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	if cfg.Model != nil {
		m.Model = *cfg.Model
	}
	m.Worker = worker(cfg.Worker)
	if cfg.Session != nil && cfg.Session.RecordEventTrace != nil {
		m.Session.RecordEventTrace = *cfg.Session.RecordEventTrace
	}
	m.Compaction = compaction(cfg.Compaction)
	m.Memory, m.Web = cfg.Memory, cfg.Web
	if cfg.Skills != nil {
		m.Skills = &SkillsConfig{Directories: nonNil(cfg.Skills.Directories)}
	}
	return m, nil
}

func worker(w *WorkerManifestConfig) WorkerManifest {
	out := WorkerManifest{
		Instruction:   orDefault(w.Instruction, DefaultInstruction),
		Language:      orDefault(w.Language, DefaultWorkerLanguage),
		MaxTokens:     w.MaxTokens,
		MaxTurns:      w.MaxTurns,
		Temperature:   w.Temperature,
		TopP:          w.TopP,
		TopK:          w.TopK,
		StopSequences: nonNil(w.StopSequences),
		Reasoning:     w.Reasoning,
		ToolOutput:    ToolOutputLimits{DefaultMaxBytes: *w.ToolOutput.DefaultMaxBytes, PerTool: w.ToolOutput.PerTool},
		FileUpload:    FileUploadLimits{MaxBytes: *w.FileUpload.MaxBytes},
	}
	if out.ToolOutput.PerTool == nil {
		out.ToolOutput.PerTool = map[string]uint64{}
	}
	return out
}

// compaction fills the try_from defaults of the compaction table.
func compaction(c *CompactionConfigPartial) *CompactionConfig {
	if c == nil {
		return nil
	}
	turns := c.WorkerMaxTurns
	if turns == nil {
		turns = ptr(uint32(20))
	}
	return &CompactionConfig{
		PruneProtectedTokens:         or(c.PruneProtectedTokens, 8000),
		PruneMinSavings:              or(c.PruneMinSavings, 4096),
		Threshold:                    c.Threshold,
		RequestThreshold:             c.RequestThreshold,
		RetainedTokens:               or(c.RetainedTokens, 8000),
		OverviewTargetTokens:         or(c.OverviewTargetTokens, 8000),
		OverviewWarningTokens:        or(c.OverviewWarningTokens, 16000),
		OverviewDeadlineTokens:       or(c.OverviewDeadlineTokens, 40000),
		WorkerContextMaxTokens:       or(c.WorkerContextMaxTokens, 50000),
		FinishWarningRemainingTokens: or(c.FinishWarningRemainingTokens, 8000),
		FinalReserveTokens:           or(c.FinalReserveTokens, 4000),
		WorkerMaxTurns:               turns,
		SummaryTargetTokens:          or(c.SummaryTargetTokens, 2000),
		SummaryMaxTokens:             or(c.SummaryMaxTokens, 4000),
		AutoReadBudgetTokens:         or(c.AutoReadBudgetTokens, 8000),
		ResultContextMaxTokens:       or(c.ResultContextMaxTokens, 60000),
		Model:                        c.Model,
	}
}

func ptr[T any](v T) *T { return &v }

func or(p *uint64, def uint64) uint64 {
	if p == nil {
		return def
	}
	return *p
}

func orDefault(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// nonNil turns an absent list into [], as serde's Vec default serializes.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
