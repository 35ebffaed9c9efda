package lsp_test

import (
	"context"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// $/setTrace must be accepted: the unimplemented default answers an error,
// which VS Code writes to the user's output on every start.
func TestSetTraceIsAccepted(t *testing.T) {
	var s lsp.Server
	if err := s.SetTrace(context.Background(), &protocol.SetTraceParams{Value: protocol.TraceValueVerbose}); err != nil {
		t.Fatalf("SetTrace: %v", err)
	}
}
