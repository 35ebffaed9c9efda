package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// Hover never waits for Nix (ide.HoverAt says what it shows).
func (s *Server) Hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	if s.notOurs(p.TextDocument.URI) {
		return nil, nil
	}
	h, ok := ide.HoverAt(s.sess, uriPath(p.TextDocument.URI), fromProtoPos(p.Position))
	if !ok {
		return nil, nil
	}
	out := &protocol.Hover{Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: h.Markdown}}
	if h.Range != nil {
		r := toProtoRange(*h.Range)
		out.Range = &r
	}
	return out, nil
}
