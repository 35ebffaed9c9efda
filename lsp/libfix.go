package lsp

import (
	"io/fs"
	"os"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/resources"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// Quick fixes for profile-lib-missing (an import of a profile-lib.nix that
// does not exist, session/libcheck.go): vendor the library into the
// project's .insomnia/lib/ and import it from there (a CreateFile edit, when
// the client applies resource operations), or import the installed
// runtime's library from its resource dir (contract §3.1).

// noteClientCaps records what the client's workspace edits can do.
func (s *Server) noteClientCaps(p *protocol.InitializeParams) {
	create := false
	if ws := p.Capabilities.Workspace; ws != nil && ws.WorkspaceEdit != nil {
		for _, op := range ws.WorkspaceEdit.ResourceOperations {
			create = create || op == protocol.ResourceOperationKindCreate
		}
	}
	s.mu.Lock()
	s.createFiles = create
	s.mu.Unlock()
}

func (s *Server) canCreateFiles() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createFiles
}

// libFixes are the code actions for the file's missing library imports
// that touch the requested range.
func (s *Server) libFixes(path string, p *protocol.CodeActionParams) []protocol.CommandOrCodeAction {
	var out []protocol.CommandOrCodeAction
	for _, m := range session.MissingLibs(path, s.nixTree(path)) {
		if !touches(m.Range, diagnostics.Range{Start: fromProtoPos(p.Range.Start), End: fromProtoPos(p.Range.End)}) {
			continue
		}
		if a := s.vendorLibAction(path, m); a != nil {
			out = append(out, a)
		}
		if a := s.installedLibAction(path, m); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// vendorLibAction creates <project>/.insomnia/lib/profile-lib.nix (when it
// does not exist yet) and points the import at it.
func (s *Server) vendorLibAction(path string, m session.MissingLib) *protocol.CodeAction {
	lib := filepath.Join(s.sess.ProjectDir(path), ".insomnia", "lib", session.ProfileLibName)
	_, err := os.Stat(lib)
	exists := err == nil
	if !exists && !s.canCreateFiles() {
		return nil
	}
	var changes []protocol.DocumentChange
	if !exists {
		text, err := fs.ReadFile(resources.FS, "nix/profile-lib.nix")
		if err != nil {
			return nil
		}
		changes = append(changes, &protocol.CreateFile{Kind: "create", URI: uri.File(lib)},
			textEdit(lib, nil, diagnostics.Range{}, string(text)))
	}
	changes = append(changes, textEdit(path, s.sess.Document(path), m.Range, importPath(path, lib)))
	title := "Vendor the profile library into " + s.rel(lib) + " and import it"
	if exists {
		title = "Import the project's vendored library " + s.rel(lib)
	}
	return quickFix(title, protocol.WorkspaceEdit{DocumentChanges: changes})
}

// installedLibAction imports the runtime's library by absolute path (not
// reproducible elsewhere, so the vendored copy is offered first).
func (s *Server) installedLibAction(path string, m session.MissingLib) *protocol.CodeAction {
	lib := s.sess.Dirs().ProfileLib()
	if lib == "" {
		return nil
	}
	if _, err := os.Stat(lib); err != nil {
		return nil
	}
	edit := protocol.WorkspaceEdit{DocumentChanges: []protocol.DocumentChange{
		textEdit(path, s.sess.Document(path), m.Range, lib)}}
	return quickFix("Import the installed runtime's library "+lib, edit)
}

// importPath is lib as a Nix path literal relative to the importing file.
func importPath(from, lib string) string {
	rel, err := filepath.Rel(filepath.Dir(from), lib)
	if err != nil {
		return lib
	}
	rel = filepath.ToSlash(rel)
	if rel[0] != '.' {
		rel = "./" + rel
	}
	return rel
}

// textEdit replaces r in file (versioned when the buffer is open).
func textEdit(file string, doc *session.Document, r diagnostics.Range, text string) *protocol.TextDocumentEdit {
	tde := &protocol.TextDocumentEdit{Edits: []protocol.TextDocumentEditElement{
		&protocol.TextEdit{Range: toProtoRange(r), NewText: text}}}
	tde.TextDocument.URI = uri.File(file)
	if doc != nil {
		v := doc.Version
		tde.TextDocument.Version = &v
	}
	return tde
}

func quickFix(title string, edit protocol.WorkspaceEdit) *protocol.CodeAction {
	kind := protocol.CodeActionKindQuickFix
	return &protocol.CodeAction{Title: title, Kind: &kind, Edit: &edit}
}

// rel names a file relative to the first workspace folder when inside it.
func (s *Server) rel(p string) string {
	if r, err := filepath.Rel(s.sess.Root(), p); err == nil && r != "" && r[0] != '.' {
		return r
	}
	return p
}

// touches: the ranges share a position (a cursor on the path counts).
func touches(a, b diagnostics.Range) bool {
	return !posLess(a.End, b.Start) && !posLess(b.End, a.Start)
}

func posLess(a, b diagnostics.Pos) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
}
