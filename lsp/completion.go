package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// Completion proposes secret ids, profile-lib functions, manifest keys and
// values, registry names, and a whole profile in an empty file of
// .insomnia/ (ide.Completions says where).
func (s *Server) Completion(ctx context.Context, p *protocol.CompletionParams) (protocol.CompletionResult, error) {
	if s.notOurs(p.TextDocument.URI) {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	cs := ide.Completions(s.sess, uriPath(p.TextDocument.URI), fromProtoPos(p.Position))
	items := make([]protocol.CompletionItem, 0, len(cs))
	snippets := s.snippets.Load()
	for _, c := range cs {
		items = append(items, completionItem(c, snippets))
	}
	return &protocol.CompletionList{Items: items}, nil
}

// snippetSupported reads textDocument.completion.completionItem.snippetSupport.
func snippetSupported(c protocol.ClientCapabilities) bool {
	td := c.TextDocument
	if td == nil || td.Completion == nil || td.Completion.CompletionItem == nil || td.Completion.CompletionItem.SnippetSupport == nil {
		return false
	}
	return *td.Completion.CompletionItem.SnippetSupport
}

// completionItem converts; a snippet goes out only to an editor that reads
// snippets (others would insert the "${1:…}" literally).
func completionItem(c ide.Completion, snippets bool) protocol.CompletionItem {
	item := protocol.CompletionItem{
		Label:    c.Label,
		Kind:     protocol.CompletionItemKind(c.Kind),
		TextEdit: &protocol.TextEdit{Range: toProtoRange(c.Range), NewText: c.Insert},
	}
	if c.Snippet != "" && snippets {
		item.TextEdit = &protocol.TextEdit{Range: toProtoRange(c.Range), NewText: c.Snippet}
		item.InsertTextFormat = protocol.InsertTextFormatSnippet
	}
	if c.Detail != "" {
		item.Detail = protocol.NewOptional(c.Detail)
	}
	if c.Doc != "" {
		item.Documentation = &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: c.Doc}
	}
	return item
}
