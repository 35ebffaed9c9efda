package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// DocumentHighlight marks a binding (write) and its uses (read) in the file.
func (s *Server) DocumentHighlight(ctx context.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	f := s.nixTree(uriPath(p.TextDocument.URI))
	if f == nil {
		return []protocol.DocumentHighlight{}, nil
	}
	hs := nixsyntax.Highlights(f, f.Lines.Offset(fromProtoPos(p.Position)))
	out := make([]protocol.DocumentHighlight, 0, len(hs))
	for _, h := range hs {
		kind := protocol.DocumentHighlightKindRead
		if h.Write {
			kind = protocol.DocumentHighlightKindWrite
		}
		out = append(out, protocol.DocumentHighlight{Range: toProtoRange(h.Range), Kind: kind})
	}
	return out, nil
}
