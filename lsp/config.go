package lsp

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/protocol"
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
	} `json:"evaluation"`
	// Trusted is false in an untrusted workspace: evaluation is restricted.
	Trusted *bool `json:"trusted"`
	Pod     struct {
		Command        string `json:"command"`
		ReadyTimeoutMs int    `json:"readyTimeoutMs"`
	} `json:"pod"`
}

// DefaultSettings are used for every field the editor does not set.
func DefaultSettings() Settings {
	var s Settings
	s.NixPath = "nix-instantiate"
	s.Evaluation.TimeoutMs = 10000
	s.Evaluation.DebounceMs = 200
	s.Pod.ReadyTimeoutMs = 60000
	return s
}

// merge overlays the fields present in raw JSON onto s.
func (s Settings) merge(raw []byte) Settings {
	if len(raw) == 0 || string(raw) == "null" {
		return s
	}
	// Some clients wrap the section in {"insomnia": {...}}.
	var wrapped struct {
		Insomnia json.RawMessage `json:"insomnia"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.Insomnia) > 0 {
		raw = wrapped.Insomnia
	}
	out := s
	if err := json.Unmarshal(raw, &out); err != nil {
		return s
	}
	return out
}

func (s Settings) trusted() bool { return s.Trusted == nil || *s.Trusted }

func (s Settings) timeout() time.Duration {
	return time.Duration(s.Evaluation.TimeoutMs) * time.Millisecond
}

func (s Settings) debounce() time.Duration {
	return time.Duration(s.Evaluation.DebounceMs) * time.Millisecond
}

func (s *Server) currentSettings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// pullConfiguration asks the editor for the `insomnia` section.
func (s *Server) pullConfiguration() {
	section := "insomnia"
	res, err := s.client.Configuration(s.ctx, &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: &section}}})
	if err != nil || len(res) == 0 {
		return
	}
	s.mu.Lock()
	s.settings = s.settings.merge(res[0])
	s.mu.Unlock()
}

func (s *Server) DidChangeConfiguration(ctx context.Context, p *protocol.DidChangeConfigurationParams) error {
	go func() {
		s.pullConfiguration()
		s.ws.restartScheduler()
	}()
	return nil
}
