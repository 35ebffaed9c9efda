package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// pullConfiguration asks the editor for the `insomnia` section. Trust in
// the answer is ignored (the session says so once in the log).
func (s *Server) pullConfiguration() {
	section := "insomnia"
	res, err := s.client.Configuration(s.ctx, &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: &section}}})
	if err != nil || len(res) == 0 {
		return
	}
	s.sess.MergeConfiguration(res[0])
}

func (s *Server) DidChangeConfiguration(ctx context.Context, p *protocol.DidChangeConfigurationParams) error {
	go func() {
		s.pullConfiguration()
		s.refreshInlayHints() // inlayHints.enable may have changed
		s.sess.RestartScheduler()
	}()
	return nil
}
