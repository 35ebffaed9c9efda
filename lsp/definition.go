package lsp

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"

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
	if s.notOurs(p.TextDocument.URI) {
		return nil, nil
	}
	path := uriPath(p.TextDocument.URI)
	if isRegistryName(path) {
		return s.registryDefinition(path, p.Position), nil
	}
	f := s.nixTree(path)
	if f == nil {
		return nil, nil
	}
	off := f.Lines.Offset(fromProtoPos(p.Position))
	t, ok := nixsyntax.Definition(f, off)
	if !ok {
		return s.libDefinition(path, f, off), nil
	}
	if t.Path != "" {
		file := nixsyntax.ResolveImport(filepath.Dir(path), t.Path)
		return &protocol.Location{URI: uri.File(file)}, nil
	}
	return &protocol.Location{URI: uri.File(path), Range: toProtoRange(t.Range)}, nil
}

func (s *Server) registryDefinition(path string, pos protocol.Position) protocol.DefinitionResult {
	text := s.sess.Text(path)
	if text == nil {
		return nil
	}
	off := s.offsetIn(path, text, pos)
	loc, ok := registry.DefinitionAt(path, text, off, s.sess.RegistryFor(path))
	if !ok {
		return nil
	}
	return &protocol.Location{URI: uri.File(loc.File), Range: toProtoRange(loc.Range)}
}

// offsetIn converts an LSP position to a byte offset in text, reusing the
// open document's line index when it is the same text.
func (s *Server) offsetIn(path string, text []byte, pos protocol.Position) int {
	if doc := s.sess.Document(path); doc != nil && len(doc.Text) == len(text) {
		return doc.Lines.Offset(fromProtoPos(pos))
	}
	return diagnostics.NewLines(text).Offset(fromProtoPos(pos))
}

func isRegistryName(path string) bool { return filepath.Base(path) == "profiles.toml" }

// libDefinition leads from a profile-lib function (`lib.mkProfile`,
// `lib.secrets.ref`) to its binding in the library the profile imports
// (`lib = import <path> ...`), else in the bundled profile-lib.nix.
func (s *Server) libDefinition(path string, f *nixsyntax.File, off int) protocol.DefinitionResult {
	fn, _, ok := libFunctionAt(f, off)
	if !ok {
		return nil
	}
	libFile := s.libFile(path, f)
	text := s.sess.Text(libFile)
	if text == nil {
		return nil
	}
	name := fn.Name[strings.LastIndexByte(fn.Name, '.')+1:]
	loc := regexp.MustCompile(`(?m)^\s*(` + regexp.QuoteMeta(name) + `)\s*=`).FindSubmatchIndex(text)
	if loc == nil {
		return nil
	}
	lines := diagnostics.NewLines(text)
	r := diagnostics.Range{Start: lines.Pos(loc[2]), End: lines.Pos(loc[3])}
	return &protocol.Location{URI: uri.File(libFile), Range: toProtoRange(r)}
}

var reLibImport = regexp.MustCompile(`\bimport\s+([^\s;{}()]*profile-lib\.nix)`)

// libFile is the profile library a file imports by a literal path, else
// the bundled one.
func (s *Server) libFile(path string, f *nixsyntax.File) string {
	if m := reLibImport.FindSubmatch(f.Src); m != nil {
		return nixsyntax.ResolveImport(filepath.Dir(path), string(m[1]))
	}
	return s.sess.Dirs().ProfileLib()
}
