package lsp

import (
	"context"
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// document is one open editor buffer. Its fields are replaced, never mutated,
// so a reader holding a *document sees a consistent version.
type document struct {
	URI     uri.URI
	Path    string
	Version int32
	Text    []byte
	Lines   *diagnostics.Lines
}

type documents struct {
	mu   sync.RWMutex
	open map[string]*document // by absolute path
}

func newDocuments() *documents { return &documents{open: map[string]*document{}} }

func (d *documents) get(path string) *document {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.open[path]
}

func (d *documents) set(doc *document) {
	d.mu.Lock()
	d.open[doc.Path] = doc
	d.mu.Unlock()
}

func (d *documents) remove(path string) {
	d.mu.Lock()
	delete(d.open, path)
	d.mu.Unlock()
}

// text is the editor's text for path when open, else nil.
func (d *documents) text(path string) []byte {
	if doc := d.get(path); doc != nil {
		return doc.Text
	}
	return nil
}

func newDocument(u uri.URI, version int32, text []byte) *document {
	// Own the URI: decoded strings may alias a message buffer the
	// connection reuses once an inline handler returns.
	u = uri.URI(strings.Clone(string(u)))
	return &document{URI: u, Path: uriPath(u), Version: version, Text: text, Lines: diagnostics.NewLines(text)}
}

// uriPath is the cleaned absolute file path of a file:// URI.
func uriPath(u uri.URI) string { return filepath.Clean(u.FsPath()) }

func (s *Server) DidOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) error {
	doc := newDocument(p.TextDocument.URI, p.TextDocument.Version, []byte(p.TextDocument.Text))
	s.docs.set(doc)
	s.ws.changed(doc, false)
	return nil
}

func (s *Server) DidChange(ctx context.Context, p *protocol.DidChangeTextDocumentParams) error {
	path := uriPath(p.TextDocument.URI)
	old := s.docs.get(path)
	if old == nil {
		old = newDocument(p.TextDocument.URI, 0, s.ws.diskText(path))
	}
	text := old.Text
	for _, ch := range p.ContentChanges {
		text = applyChange(text, ch)
	}
	doc := newDocument(p.TextDocument.URI, p.TextDocument.Version, text)
	s.docs.set(doc)
	s.ws.changed(doc, false)
	return nil
}

func (s *Server) DidSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) error {
	path := uriPath(p.TextDocument.URI)
	doc := s.docs.get(path)
	if doc == nil {
		return nil
	}
	if p.Text != nil {
		doc = newDocument(doc.URI, doc.Version, []byte(*p.Text))
		s.docs.set(doc)
	}
	s.ws.changed(doc, true)
	return nil
}

func (s *Server) DidClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) error {
	path := uriPath(p.TextDocument.URI)
	s.docs.remove(path)
	s.ws.closedDoc(path)
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

func (d *documents) all() []*document {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]*document, 0, len(d.open))
	for _, doc := range d.open {
		out = append(out, doc)
	}
	return out
}
