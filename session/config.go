package session

import (
	"encoding/json"
	"reflect"
	"slices"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
)

// Settings is the `insomnia` section of workspace/configuration, also
// accepted as initializationOptions (see docs/server-contract.md).
type Settings struct {
	NixPath    string `json:"nixPath"`
	Evaluation struct {
		TimeoutMs     int `json:"timeoutMs"`
		DebounceMs    int `json:"debounceMs"`
		MaxConcurrent int `json:"maxConcurrent"`
		// PassEnv names variables passed to a trusted evaluation besides
		// eval.AllowedEnv (a "*" suffix is a prefix).
		PassEnv []string `json:"passEnv"`
		// Prestart keeps a few Nix processes started ahead of need (nil:
		// on); false trades speed for no idle processes.
		Prestart *bool `json:"prestart"`
	} `json:"evaluation"`
	// Trust is not a setting: it comes from initializationOptions only
	// (see trust.go), so a repository's settings file cannot grant it.
	Pod struct {
		Command        string `json:"command"`
		ReadyTimeoutMs int    `json:"readyTimeoutMs"`
	} `json:"pod"`
	InlayHints struct {
		Enable bool `json:"enable"` // resolved values after non-literal attributes
	} `json:"inlayHints"`
	// Formatting names an external formatter (argv, e.g. ["nixfmt"]) that
	// reads the document on stdin and writes it formatted on stdout. It
	// names a program, so it is used only in a trusted workspace.
	Formatting struct {
		Command []string `json:"command"`
	} `json:"formatting"`
}

// DefaultSettings are used for every field the editor does not set.
func DefaultSettings() Settings {
	var s Settings
	s.NixPath = "nix-instantiate"
	s.Evaluation.TimeoutMs = 10000
	s.Evaluation.DebounceMs = 200
	s.Pod.ReadyTimeoutMs = 60000
	s.InlayHints.Enable = true
	return s
}

// merge overlays the fields present in raw JSON onto s, then clamps the
// limits (limits.go).
func (s Settings) merge(raw []byte) Settings {
	if len(raw) == 0 || string(raw) == "null" {
		return s.clamped()
	}
	// Some clients wrap the section in {"insomnia": {...}}.
	raw = unwrapSection(raw)
	out := s.clone()
	if err := json.Unmarshal(raw, &out); err != nil {
		return s.clamped()
	}
	return out.clamped()
}

// clone copies s with slices of its own: json.Unmarshal reuses a slice's
// backing array, which readers of the old Settings (a formatter being
// started, an evaluation's environment) still hold.
func (s Settings) clone() Settings {
	s.Evaluation.PassEnv = slices.Clone(s.Evaluation.PassEnv)
	s.Formatting.Command = slices.Clone(s.Formatting.Command)
	return s
}

func (s Settings) timeout() time.Duration {
	return time.Duration(s.Evaluation.TimeoutMs) * time.Millisecond
}

func (s Settings) debounce() time.Duration {
	return time.Duration(s.Evaluation.DebounceMs) * time.Millisecond
}

// Settings are the session's current settings.
func (w *Session) Settings() Settings {
	w.cfgMu.Lock()
	defer w.cfgMu.Unlock()
	return w.settings
}

// MergeSettings overlays raw JSON settings (initializationOptions or a
// workspace/configuration answer) onto the current ones.
func (w *Session) MergeSettings(raw []byte) {
	w.cfgMu.Lock()
	changed := w.mergeLocked(raw)
	w.cfgMu.Unlock()
	w.forgetNixMissing(changed)
}

// mergeLocked merges raw into the settings (cfgMu held) and says whether
// they changed.
func (w *Session) mergeLocked(raw []byte) bool {
	old := w.settings
	w.settings = w.settings.merge(raw)
	return !reflect.DeepEqual(old, w.settings)
}

// MergeConfiguration merges a workspace/configuration answer. It cannot
// grant trust: a trust key there is ignored, and logged once.
func (w *Session) MergeConfiguration(raw []byte) {
	w.cfgMu.Lock()
	changed := w.mergeLocked(raw)
	warn := mentionsTrust(raw) && !w.trustIgnoredLogged
	w.trustIgnoredLogged = w.trustIgnoredLogged || warn
	w.cfgMu.Unlock()
	w.forgetNixMissing(changed)
	if warn {
		w.log.Info("ignoring trusted/trustedRoots from workspace/configuration: trust only comes from initializationOptions")
	}
}

// SetRoots sets the workspace folders (absolute paths).
func (w *Session) SetRoots(roots []string) {
	w.cfgMu.Lock()
	w.roots = append([]string(nil), roots...)
	w.cfgMu.Unlock()
}

// Roots are the workspace folders.
func (w *Session) Roots() []string {
	w.cfgMu.Lock()
	defer w.cfgMu.Unlock()
	return append([]string(nil), w.roots...)
}

// EnvPolicy is the environment a trusted evaluation of the server gives
// Nix: the allow-list plus the names the user listed.
func (s Settings) EnvPolicy() eval.EnvPolicy {
	return eval.EnvPolicy{Extra: s.Evaluation.PassEnv}
}

// prestart says whether evaluations use pre-started Nix processes.
func (s Settings) prestart() bool { return s.Evaluation.Prestart == nil || *s.Evaluation.Prestart }

// forgetNixMissing: after a settings change (insomnia.nixPath, PATH of the
// evaluation environment) a Nix still missing is told again; the same
// settings sent again (the editor's first configuration answer) are no change.
func (w *Session) forgetNixMissing(changed bool) {
	if !changed {
		return
	}
	w.mu.Lock()
	w.nixMissing = false
	w.mu.Unlock()
}

// tellNixMissing tells the client once that Nix cannot be run.
func (w *Session) tellNixMissing() {
	w.mu.Lock()
	told := w.nixMissing
	w.nixMissing = true
	w.mu.Unlock()
	if !told {
		w.client.NixMissing(NixMissingMessage)
	}
}

// NixWasMissing says whether an evaluation found Nix missing since the
// start or the last settings change (the CLI prints NixMissingMessage).
func (w *Session) NixWasMissing() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.nixMissing
}
