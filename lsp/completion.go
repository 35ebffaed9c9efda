package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// Completion proposes secret ids, profile-lib functions, manifest keys and
// values, and registry names (ide.Completions says where).
func (s *Server) Completion(ctx context.Context, p *protocol.CompletionParams) (protocol.CompletionResult, error) {
	if s.notOurs(p.TextDocument.URI) {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	cs := ide.Completions(s.sess, uriPath(p.TextDocument.URI), fromProtoPos(p.Position))
	items := make([]protocol.CompletionItem, 0, len(cs))
	for _, c := range cs {
		items = append(items, completionItem(c))
	}
	return &protocol.CompletionList{Items: items}, nil
}

func completionItem(c ide.Completion) protocol.CompletionItem {
	item := protocol.CompletionItem{
		Label:    c.Label,
		Kind:     protocol.CompletionItemKind(c.Kind),
		TextEdit: &protocol.TextEdit{Range: toProtoRange(c.Range), NewText: c.Insert},
	}
	if c.Detail != "" {
		item.Detail = protocol.NewOptional(c.Detail)
	}
	if c.Doc != "" {
		item.Documentation = &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: c.Doc}
	}
	return item
}
