package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// pullConfiguration asks the editor for the `insomnia` section.
func (s *Server) pullConfiguration() {
	section := "insomnia"
	res, err := s.client.Configuration(s.ctx, &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: &section}}})
	if err != nil || len(res) == 0 {
		return
	}
	s.sess.MergeSettings(res[0])
}

func (s *Server) DidChangeConfiguration(ctx context.Context, p *protocol.DidChangeConfigurationParams) error {
	go func() {
		s.pullConfiguration()
		s.sess.RestartScheduler()
	}()
	return nil
}
