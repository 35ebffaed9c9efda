package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// SelectionRange gives "expand selection" the chain of enclosing syntax
// nodes at each position, innermost first.
func (s *Server) SelectionRange(ctx context.Context, p *protocol.SelectionRangeParams) ([]protocol.SelectionRange, error) {
	f := s.nixTree(uriPath(p.TextDocument.URI))
	if f == nil {
		return []protocol.SelectionRange{}, nil
	}
	offsets := make([]int, len(p.Positions))
	for i, pos := range p.Positions {
		offsets[i] = f.Lines.Offset(fromProtoPos(pos))
	}
	ranges := nixsyntax.SelectionRanges(f, offsets)
	out := make([]protocol.SelectionRange, len(ranges))
	for i := range ranges {
		out[i] = *toProtoSelection(&ranges[i])
	}
	return out, nil
}

func toProtoSelection(r *nixsyntax.SelectionRange) *protocol.SelectionRange {
	if r == nil {
		return nil
	}
	return &protocol.SelectionRange{Range: toProtoRange(r.Range), Parent: toProtoSelection(r.Parent)}
}
