package lsp

import (
	"context"

	"go.lsp.dev/protocol"
)

// SetTrace accepts $/setTrace and does nothing: the server's log level is a
// flag (--log-level), and VS Code's message trace is kept by the client itself.
// Without it, each start logged a "method not implemented" error in the
// editor's output for a notification that needs no answer.
func (s *Server) SetTrace(ctx context.Context, p *protocol.SetTraceParams) error {
	return nil
}
