package session

import (
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Document is one open editor buffer. Its fields are replaced, never
// mutated, so a reader holding a *Document sees a consistent version.
type Document struct {
	URI     uri.URI
	Path    string
	Version int32
	Text    []byte
	Lines   *diagnostics.Lines
}

// NewDocument is a buffer at one version.
func NewDocument(u uri.URI, version int32, text []byte) *Document {
	// Own the URI: decoded strings may alias a message buffer the
	// connection reuses once an inline handler returns.
	u = uri.URI(strings.Clone(string(u)))
	return &Document{URI: u, Path: URIPath(u), Version: version, Text: text, Lines: diagnostics.NewLines(text)}
}

// URIPath is the cleaned absolute file path of a file:// URI.
func URIPath(u uri.URI) string { return filepath.Clean(u.FsPath()) }

// documents are the open buffers by absolute path.
type documents struct {
	mu   sync.RWMutex         // guards open
	open map[string]*Document // by absolute path
}

func newDocuments() *documents { return &documents{open: map[string]*Document{}} }

func (d *documents) get(path string) *Document {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.open[path]
}

func (d *documents) set(doc *Document) {
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

func (d *documents) all() []*Document {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]*Document, 0, len(d.open))
	for _, doc := range d.open {
		out = append(out, doc)
	}
	return out
}
