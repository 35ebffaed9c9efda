package lsp

import (
	"context"
	"encoding/json"
	"errors"
)

// Placeholders until the profile commands land (issue 6).

func (s *Server) cmdListProfiles(ctx context.Context, raw json.RawMessage) (any, error) {
	return nil, errors.New("insomnia.listProfiles is not implemented yet")
}

func (s *Server) cmdSetDefault(ctx context.Context, raw json.RawMessage) (any, error) {
	return nil, errors.New("insomnia.setDefaultProfile is not implemented yet")
}

func (s *Server) cmdAddToProject(ctx context.Context, raw json.RawMessage) (any, error) {
	return nil, errors.New("insomnia.addToProjectProfiles is not implemented yet")
}
