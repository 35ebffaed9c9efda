package session

import (
	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
)

// parse parses a .nix buffer and keeps the tree for the editor features.
// A keystroke's text is reparsed from the buffer's last tree: only the
// bindings the edit touches are parsed again (the tree is Parse's).
func (w *Session) parse(doc *Document) *nixsyntax.File {
	f := nixsyntax.Reparse(w.parsedTree(doc.Path), doc.Text)
	w.mu.Lock()
	w.parsed[doc.Path] = f
	w.mu.Unlock()
	return f
}

// parsedTree is the latest parse of an open buffer, or nil.
func (w *Session) parsedTree(path string) *nixsyntax.File {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.parsed[path]
}

// parsed returns the tree of an open buffer (parsing the file on disk when
// it is not open), or nil.
func (w *Session) Tree(path string) *nixsyntax.File {
	w.mu.Lock()
	f := w.parsed[path]
	w.mu.Unlock()
	if f != nil {
		return f
	}
	if t := w.Text(path); t != nil && !tooLarge(t) {
		return nixsyntax.Parse(t)
	}
	return nil
}

// publishStatic sends what needs no Nix, at once on every change: syntax,
// scope, and the secret checks on literals and secrets.ref call sites. A
// file that is not ours gets nothing (its old diagnostics are cleared).
func (w *Session) publishStatic(doc *Document, f *nixsyntax.File, ours bool) {
	w.queueSyntax(doc.Path, doc.Text, func() []diagnostics.Diagnostic {
		if !ours {
			return nil
		}
		static := w.staticOf(doc.Path, f)
		lib := libDiagnostics(doc.Path, f) // always anew: it looks at the disk
		return append(append(make([]diagnostics.Diagnostic, 0, len(static)+len(lib)), static...), lib...)
	})
}

// queueSyntax replaces path's syntax layer (computed on text; nil: no
// current text) with what layer computes: in the server on the syntax
// queue (in order, off the read loop), in a headless run at once (the CLI
// reads the layers right after).
func (w *Session) queueSyntax(path string, text []byte, layer func() []diagnostics.Diagnostic) {
	if w.opts.Headless {
		w.diags.setSyntax(path, text, layer())
		return
	}
	w.syntax.add(func() { w.diags.setSyntax(path, text, layer()) })
}

// staticMemo is the check.Static result of one tree with one set of
// secret ids (compared by identity: the session replaces the slice).
type staticMemo struct {
	tree  *nixsyntax.File
	ids   []string
	diags []diagnostics.Diagnostic // shared: never handed out, only copied
}

// staticOf is check.Static of f, computed once per tree and secret ids: a
// save of the text the last change parsed, and a refresh of the files a
// profile imports, publish the same tree again.
func (w *Session) staticOf(path string, f *nixsyntax.File) []diagnostics.Diagnostic {
	w.mu.Lock()
	ids, m := w.secretIDs, w.static[path]
	w.mu.Unlock()
	if m.tree == f && sameSlice(m.ids, ids) {
		return m.diags
	}
	diags := check.Static(path, f, ids)
	w.mu.Lock()
	if w.parsed[path] == f { // kept for the trees the session keeps (open buffers)
		if w.static == nil {
			w.static = map[string]staticMemo{}
		}
		w.static[path] = staticMemo{tree: f, ids: ids, diags: diags}
	}
	w.mu.Unlock()
	return diags
}

// sameSlice: a and b are the same slice (not only equal elements; nil, an
// unreadable store, differs from empty).
func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (a == nil) == (b == nil) && (len(a) == 0 || &a[0] == &b[0])
}

// publishSyntax sends only the parser's syntax and scope checks: for a
// file named on the command line that is not ours (check --no-eval a.nix).
func (w *Session) publishSyntax(doc *Document, f *nixsyntax.File) {
	w.queueSyntax(doc.Path, doc.Text, func() []diagnostics.Diagnostic { return check.Syntax(doc.Path, f) })
}
