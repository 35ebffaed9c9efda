package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

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
	if !isNixFile(path) {
		return nil
	}
	return s.sess.Tree(path)
}

func isNixFile(path string) bool {
	return len(path) > 4 && path[len(path)-4:] == ".nix"
}
