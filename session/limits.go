package session

import "runtime"

// Bounds of the settings, applied on the server whatever sent them
// (initializationOptions, workspace/configuration): a repository's
// .vscode/settings.json must not be able to lift the limits that keep Nix
// in check. The editors mirror them as minimum/maximum in their schemas.
const (
	// MinMaxConcurrent is the lowest evaluation.maxConcurrent; the highest
	// is runtime.NumCPU(), and 0 means NumCPU.
	MinMaxConcurrent = 1
	// MinTimeoutMs and MaxTimeoutMs bound evaluation.timeoutMs.
	MinTimeoutMs = 100
	MaxTimeoutMs = 60000
	// MinDebounceMs and MaxDebounceMs bound evaluation.debounceMs.
	MinDebounceMs = 0
	MaxDebounceMs = 2000
	// MinReadyTimeoutMs and MaxReadyTimeoutMs bound pod.readyTimeoutMs.
	MinReadyTimeoutMs = 1000
	MaxReadyTimeoutMs = 300000
)

// clamped brings every limit into its bounds.
func (s Settings) clamped() Settings {
	s.Evaluation.TimeoutMs = clamp(s.Evaluation.TimeoutMs, MinTimeoutMs, MaxTimeoutMs)
	s.Evaluation.DebounceMs = clamp(s.Evaluation.DebounceMs, MinDebounceMs, MaxDebounceMs)
	s.Pod.ReadyTimeoutMs = clamp(s.Pod.ReadyTimeoutMs, MinReadyTimeoutMs, MaxReadyTimeoutMs)
	cpus := runtime.NumCPU()
	if s.Evaluation.MaxConcurrent == 0 {
		s.Evaluation.MaxConcurrent = cpus
	}
	s.Evaluation.MaxConcurrent = clamp(s.Evaluation.MaxConcurrent, MinMaxConcurrent, max(cpus, MinMaxConcurrent))
	return s
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
