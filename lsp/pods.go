package lsp

import (
	"context"
	"encoding/json"
	"errors"
)

// Placeholders until the pod commands land (issue 7).

func (s *Server) cmdSpawnPod(ctx context.Context, raw json.RawMessage) (any, error) {
	return nil, errors.New("insomnia.spawnPod is not implemented yet")
}

func (s *Server) cmdResumePod(ctx context.Context, raw json.RawMessage) (any, error) {
	return nil, errors.New("insomnia.resumePod is not implemented yet")
}

func (s *Server) cmdListPods(ctx context.Context, raw json.RawMessage) (any, error) {
	return nil, errors.New("insomnia.listPods is not implemented yet")
}
