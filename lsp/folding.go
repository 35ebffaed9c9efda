package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// FoldingRanges folds multi-line sets, lists, strings, lets and comment
// blocks, from the parse tree.
func (s *Server) FoldingRanges(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	f := s.nixTree(uriPath(p.TextDocument.URI))
	if f == nil {
		return []protocol.FoldingRange{}, nil
	}
	folds := nixsyntax.FoldingRanges(f)
	out := make([]protocol.FoldingRange, 0, len(folds))
	for _, fr := range folds {
		out = append(out, protocol.FoldingRange{StartLine: uint32(fr.StartLine), EndLine: uint32(fr.EndLine),
			Kind: protocol.FoldingRangeKind(fr.Kind)})
	}
	return out, nil
}
