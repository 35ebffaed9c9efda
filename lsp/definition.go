package lsp

import (
	"context"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// Definition: in .nix files, the binding of a variable (let, rec, formal,
// inherit) or the file of a literal path such as `import ./x.nix`; in
// profiles.toml, the profile file of an entry or of the default.
func (s *Server) Definition(ctx context.Context, p *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	path := uriPath(p.TextDocument.URI)
	if isRegistryName(path) {
		return s.registryDefinition(path, p.Position), nil
	}
	f := s.nixTree(path)
	if f == nil {
		return nil, nil
	}
	t, ok := nixsyntax.Definition(f, f.Lines.Offset(fromProtoPos(p.Position)))
	if !ok {
		return nil, nil
	}
	if t.Path != "" {
		file := nixsyntax.ResolveImport(filepath.Dir(path), t.Path)
		return &protocol.Location{URI: uri.File(file)}, nil
	}
	return &protocol.Location{URI: uri.File(path), Range: toProtoRange(t.Range)}, nil
}

func (s *Server) registryDefinition(path string, pos protocol.Position) protocol.DefinitionResult {
	text := s.ws.text(path)
	if text == nil {
		return nil
	}
	off := s.offsetIn(path, text, pos)
	loc, ok := registry.DefinitionAt(path, text, off, s.ws.registry())
	if !ok {
		return nil
	}
	return &protocol.Location{URI: uri.File(loc.File), Range: toProtoRange(loc.Range)}
}

// offsetIn converts an LSP position to a byte offset in text, reusing the
// open document's line index when it is the same text.
func (s *Server) offsetIn(path string, text []byte, pos protocol.Position) int {
	if doc := s.docs.get(path); doc != nil && len(doc.Text) == len(text) {
		return doc.Lines.Offset(fromProtoPos(pos))
	}
	return diagnostics.NewLines(text).Offset(fromProtoPos(pos))
}

func isRegistryName(path string) bool { return filepath.Base(path) == "profiles.toml" }
