package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
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

// DocumentSymbol is the nested attribute outline of a .nix file, straight
// from the parse tree: it needs no Nix and works on any file.
func (s *Server) DocumentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	if s.notOurs(p.TextDocument.URI) {
		return protocol.DocumentSymbolSlice{}, nil
	}
	f := s.nixTree(uriPath(p.TextDocument.URI))
	if f == nil {
		return protocol.DocumentSymbolSlice{}, nil
	}
	return protocol.DocumentSymbolSlice(toProtoSymbols(nixsyntax.Symbols(f))), nil
}

func toProtoSymbols(syms []nixsyntax.Symbol) []protocol.DocumentSymbol {
	out := make([]protocol.DocumentSymbol, 0, len(syms))
	for _, sym := range syms {
		out = append(out, protocol.DocumentSymbol{
			// A key pasted as an attribute name is a symbol's name.
			Name:           secrets.Redact(sym.Name),
			Kind:           protocol.SymbolKind(sym.Kind),
			Range:          toProtoRange(sym.Range),
			SelectionRange: toProtoRange(sym.Selection),
			Children:       toProtoSymbols(sym.Children),
		})
	}
	return out
}

// nixTree is the parse tree of a .nix file (the open buffer, else the file
// on disk); nil for other files or unreadable ones.
func (s *Server) nixTree(path string) *nixsyntax.File {
	if !ide.IsNixFile(path) {
		return nil
	}
	return s.sess.Tree(path)
}
