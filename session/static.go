package session

import (
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
)

// parse parses a .nix buffer and keeps the tree for the editor features.
func (w *Session) parse(doc *Document) *nixsyntax.File {
	f := nixsyntax.Parse(doc.Text)
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
	if !ours {
		w.diags.setSyntax(doc.Path, doc.Text, nil)
		return
	}
	w.mu.Lock()
	ids := w.secretIDs
	w.mu.Unlock()
	w.diags.setSyntax(doc.Path, doc.Text, append(check.Static(doc.Path, f, ids), libDiagnostics(doc.Path, f)...))
}

// publishSyntax sends only the parser's syntax and scope checks: for a
// file named on the command line that is not ours (check --no-eval a.nix).
func (w *Session) publishSyntax(doc *Document, f *nixsyntax.File) {
	w.diags.setSyntax(doc.Path, doc.Text, check.Syntax(doc.Path, f))
}
