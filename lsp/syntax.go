package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// The requests here are answered from the parse tree alone: no Nix, any
// .nix file, the same answer for a profile and for a library.

// fromTree is query's answer on the file's tree, each item converted; a
// file that is not Nix or has no tree gets an empty list (clients want [],
// not null).
func fromTree[T, P any](s *Server, doc protocol.TextDocumentIdentifier, query func(*nixsyntax.File) []T, conv func(T) P) []P {
	out := []P{}
	f := s.nixTree(uriPath(doc.URI))
	if f == nil {
		return out
	}
	for _, x := range query(f) {
		out = append(out, conv(x))
	}
	return out
}

// FoldingRanges folds multi-line sets, lists, strings, lets and comment
// blocks.
func (s *Server) FoldingRanges(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	return fromTree(s, p.TextDocument, nixsyntax.FoldingRanges, func(fr nixsyntax.FoldingRange) protocol.FoldingRange {
		return protocol.FoldingRange{StartLine: uint32(fr.StartLine), EndLine: uint32(fr.EndLine),
			Kind: protocol.FoldingRangeKind(fr.Kind)}
	}), nil
}

// DocumentHighlight marks a binding (write) and its uses (read) in the file.
func (s *Server) DocumentHighlight(ctx context.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	at := func(f *nixsyntax.File) []nixsyntax.Highlight {
		return nixsyntax.Highlights(f, f.Lines.Offset(fromProtoPos(p.Position)))
	}
	return fromTree(s, p.TextDocument, at, func(h nixsyntax.Highlight) protocol.DocumentHighlight {
		kind := protocol.DocumentHighlightKindRead
		if h.Write {
			kind = protocol.DocumentHighlightKindWrite
		}
		return protocol.DocumentHighlight{Range: toProtoRange(h.Range), Kind: kind}
	}), nil
}

// SelectionRange gives "expand selection" the chain of enclosing syntax
// nodes at each position, innermost first.
func (s *Server) SelectionRange(ctx context.Context, p *protocol.SelectionRangeParams) ([]protocol.SelectionRange, error) {
	at := func(f *nixsyntax.File) []nixsyntax.SelectionRange {
		offsets := make([]int, len(p.Positions))
		for i, pos := range p.Positions {
			offsets[i] = f.Lines.Offset(fromProtoPos(pos))
		}
		return nixsyntax.SelectionRanges(f, offsets)
	}
	return fromTree(s, p.TextDocument, at, func(r nixsyntax.SelectionRange) protocol.SelectionRange {
		return *toProtoSelection(&r)
	}), nil
}

func toProtoSelection(r *nixsyntax.SelectionRange) *protocol.SelectionRange {
	if r == nil {
		return nil
	}
	return &protocol.SelectionRange{Range: toProtoRange(r.Range), Parent: toProtoSelection(r.Parent)}
}
