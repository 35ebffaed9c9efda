package lsp

import (
	"context"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// uriPath is the cleaned absolute file path of a file:// URI.
func uriPath(u uri.URI) string { return session.URIPath(u) }

func (s *Server) DidOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) error {
	s.sess.Open(session.NewDocument(p.TextDocument.URI, p.TextDocument.Version, []byte(p.TextDocument.Text)))
	return nil
}

func (s *Server) DidChange(ctx context.Context, p *protocol.DidChangeTextDocumentParams) error {
	path := uriPath(p.TextDocument.URI)
	old := s.sess.Document(path)
	if old == nil {
		old = session.NewDocument(p.TextDocument.URI, 0, s.sess.DiskText(path))
	}
	text := old.Text
	for _, ch := range p.ContentChanges {
		text = applyChange(text, ch)
	}
	s.sess.Change(session.NewDocument(p.TextDocument.URI, p.TextDocument.Version, text))
	return nil
}

func (s *Server) DidSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) error {
	var text []byte
	if p.Text != nil {
		text = []byte(*p.Text)
	}
	s.sess.Save(uriPath(p.TextDocument.URI), text)
	return nil
}

func (s *Server) DidClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.sess.CloseDocument(uriPath(p.TextDocument.URI))
	return nil
}

// applyChange applies one incremental or whole-document change.
func applyChange(text []byte, ch protocol.TextDocumentContentChangeEvent) []byte {
	switch c := ch.(type) {
	case *protocol.TextDocumentContentChangeWholeDocument:
		return []byte(c.Text)
	case *protocol.TextDocumentContentChangePartial:
		lines := diagnostics.NewLines(text)
		start := lines.Offset(fromProtoPos(c.Range.Start))
		end := lines.Offset(fromProtoPos(c.Range.End))
		if end < start {
			start, end = end, start
		}
		out := make([]byte, 0, len(text)-(end-start)+len(c.Text))
		out = append(out, text[:start]...)
		out = append(out, c.Text...)
		return append(out, text[end:]...)
	}
	return text
}
