package lsp

import (
	"context"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// Definition leads to bindings, imported files, library functions and
// registry entries' files (ide.DefinitionAt).
func (s *Server) Definition(ctx context.Context, p *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	if s.notOurs(p.TextDocument.URI) {
		return nil, nil
	}
	loc, ok := ide.DefinitionAt(s.sess, uriPath(p.TextDocument.URI), fromProtoPos(p.Position))
	if !ok {
		return nil, nil
	}
	return &protocol.Location{URI: uri.File(loc.File), Range: toProtoRange(loc.Range)}, nil
}
