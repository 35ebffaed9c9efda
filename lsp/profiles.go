package lsp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/pathkey"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// Profile commands for editor pickers and lenses (issue 6): listing, set
// as default and add to the project registry. Edits go through
// workspace/applyEdit so the editor owns the buffer, its undo and its save.

// profileRow is one row of insomnia.listProfiles.
type profileRow struct {
	QualifiedName string `json:"qualifiedName"`
	Source        string `json:"source"`
	Name          string `json:"name"`
	Path          string `json:"path"`
	Description   string `json:"description"`
	IsDefault     bool   `json:"isDefault"`
	Status        string `json:"status"`
}

// editResult is the answer of the commands that edit a profiles.toml.
type editResult struct {
	OK      bool   `json:"ok"`
	File    string `json:"file"`
	Message string `json:"message"`
}

// cmdListProfiles lists the profiles of one project: the one of the file
// {uri} names (the active editor), else the first workspace folder's.
func (s *Server) cmdListProfiles(ctx context.Context, arg uriArg) (any, error) {
	reg := s.sess.Registry()
	if arg.URI != "" {
		reg = s.sess.RegistryFor(argPath(arg.URI))
	}
	rows := []profileRow{}
	if reg == nil {
		return rows, nil // discovery has not run yet: nothing to pick
	}
	for _, e := range reg.Entries {
		st, _ := s.sess.Profile(filepath.Clean(e.Path))
		// A key typed into profiles.toml must not reach a picker.
		rows = append(rows, profileRow{QualifiedName: secrets.Redact(e.QualifiedName()), Source: string(e.Source), Name: secrets.Redact(e.Name),
			Path: e.Path, Description: secrets.Redact(e.Description), IsDefault: e.IsDefault, Status: st.Status()})
	}
	return rows, nil
}

// setDefaultArg is {selector}, {uri} (that profile file) or {selector, uri}
// (the selector in the project of the file at uri).
type setDefaultArg struct {
	Selector string `json:"selector"`
	URI      string `json:"uri"`
}

func (s *Server) cmdSetDefault(ctx context.Context, arg setDefaultArg) (any, error) {
	reg, e, err := s.entryFor(arg)
	if err != nil {
		return nil, err
	}
	if e.IsDefault {
		return editResult{OK: true, File: "", Message: e.QualifiedName() + " is already the default"}, nil
	}
	rd := newBufferReader(s)
	ed, err := registry.SetDefaultEdit(reg, e, rd.read)
	if err != nil {
		return nil, fmt.Errorf("cannot make %s the default: %v", e.QualifiedName(), err)
	}
	return s.applyFileEdit(ctx, rd, ed, "Set "+e.QualifiedName()+" as default profile",
		func() string { return e.QualifiedName() + " is now the default profile" })
}

// entryFor finds the registry entry a setDefault argument names, and the
// registry (the project) whose default it becomes.
func (s *Server) entryFor(arg setDefaultArg) (*registry.Registry, registry.Entry, error) {
	if arg.URI != "" && arg.Selector == "" {
		path := argPath(arg.URI)
		reg := s.sess.RegistryFor(path)
		if reg == nil {
			return nil, registry.Entry{}, session.ErrNotDiscovered
		}
		if es := reg.ByPath(path); len(es) > 0 {
			return reg, es[0], nil
		}
		return nil, registry.Entry{}, fmt.Errorf("%s is not listed in any profiles.toml; add it to the project profiles first", path)
	}
	if arg.Selector == "" {
		return nil, registry.Entry{}, errors.New("setDefaultProfile needs a selector (e.g. project:coder) or a uri")
	}
	ctxPath := ""
	if arg.URI != "" {
		ctxPath = argPath(arg.URI)
	}
	reg, sel, err := s.sess.Select(arg.Selector, ctxPath)
	if errors.Is(err, session.ErrNotDiscovered) {
		return nil, registry.Entry{}, err
	}
	if err != nil {
		return nil, registry.Entry{}, fmt.Errorf("cannot select %q: %v", arg.Selector, err)
	}
	if sel.Entry == nil {
		return nil, registry.Entry{}, fmt.Errorf("%q is a path, not a registry name: only a listed profile can be the default", arg.Selector)
	}
	return reg, *sel.Entry, nil
}

func (s *Server) cmdAddToProject(ctx context.Context, arg uriArg) (any, error) {
	if arg.URI == "" {
		return nil, errors.New("addToProjectProfiles needs the uri of a profile file")
	}
	path, err := s.workspaceFile(argPath(arg.URI))
	if err != nil {
		return nil, err
	}
	reg := s.sess.RegistryFor(path) // the file's own project
	if reg == nil {
		return nil, session.ErrNotDiscovered
	}
	if err := inProject(reg, path); err != nil {
		return nil, err
	}
	for _, e := range reg.ByPath(path) {
		if e.Source == registry.Project {
			return editResult{OK: true, File: reg.ProjectFile, Message: path + " is already listed as " + e.QualifiedName()}, nil
		}
	}
	rd := newBufferReader(s)
	ed, err := registry.AddToProjectEdit(reg, path, rd.read)
	if err != nil {
		return nil, err
	}
	return s.applyFileEdit(ctx, rd, ed, "Add "+filepath.Base(path)+" to the project profiles",
		func() string { return path + " is now listed as " + s.sess.QualifiedName(path) })
}

// OutsideError refuses a file outside the workspace folders (or outside the
// project whose registry would list it): the registry is shared with
// every tool, and an entry must not point them at /etc/shadow.
type OutsideError struct {
	Path  string
	Where string // "the workspace folders" or the project folder
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("refused: %s is outside %s; only a profile inside it can be added to the project profiles", e.Path, e.Where)
}

// workspaceFile resolves a command's path (relative to the first folder)
// through symlinks and refuses it unless it lies inside a workspace folder.
func (s *Server) workspaceFile(path string) (string, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(s.sess.Root(), path)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("cannot add %s to the project profiles: %v", path, err)
	}
	roots := s.sess.Roots()
	if len(roots) == 0 {
		roots = []string{s.sess.Root()}
	}
	for _, r := range roots {
		if pathkey.Within(real, pathkey.Real(r)) {
			return filepath.Clean(path), nil
		}
	}
	return "", &OutsideError{Path: path, Where: "the workspace folders"}
}

// inProject refuses a profile outside the project the target registry
// belongs to (the folder holding its .insomnia): its entry would climb out
// with "..".
func inProject(reg *registry.Registry, path string) error {
	target := reg.ProjectFile
	if target == "" {
		target = filepath.Join(reg.Workspace, ".insomnia", "profiles.toml")
	}
	project := filepath.Dir(filepath.Dir(target))
	real, err := filepath.EvalSymlinks(path)
	if err != nil || !pathkey.Within(real, pathkey.Real(project)) {
		return &OutsideError{Path: path, Where: "the project " + project}
	}
	return nil
}

// bufferReader reads files as the editor sees them and remembers which
// buffer version each text came from, so the edit computed from that text
// carries the same version (a client rejects it if the buffer moved on).
type bufferReader struct {
	s    *Server
	mu   sync.Mutex // guards used
	used map[string]*session.Document
}

func newBufferReader(s *Server) *bufferReader {
	return &bufferReader{s: s, used: map[string]*session.Document{}}
}

func (b *bufferReader) read(path string) ([]byte, error) {
	path = filepath.Clean(path)
	if doc := b.s.sess.Document(path); doc != nil {
		b.mu.Lock()
		b.used[path] = doc
		b.mu.Unlock()
		return doc.Text, nil
	}
	return session.ReadRegistryFile(path)
}

func (b *bufferReader) doc(path string) *session.Document {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used[filepath.Clean(path)]
}

// applyFileEdit sends ed to the editor and, once applied, rediscovers so
// lenses and diagnostics follow. done says what changed (asked after the
// rediscovery, so it can name the new entry).
func (s *Server) applyFileEdit(ctx context.Context, rd *bufferReader, ed registry.FileEdit, label string, done func() string) (any, error) {
	res, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: workspaceEdit(rd, ed)})
	if err != nil {
		return nil, fmt.Errorf("the editor could not apply the edit to %s: %v", ed.File, err)
	}
	if res == nil || !res.Applied {
		reason := "no reason given"
		if res != nil && res.FailureReason != nil && *res.FailureReason != "" {
			reason = *res.FailureReason
		}
		return editResult{OK: false, File: ed.File, Message: "the editor did not apply the edit to " + ed.File + ": " + reason}, nil
	}
	if doc := rd.doc(ed.File); doc != nil {
		s.awaitNewVersion(ctx, doc)
	}
	s.sess.Rediscover()
	s.sess.EvaluateAll()
	s.refreshLenses()
	msg := done() + " (" + ed.File + ")"
	if ed.Note != "" {
		msg += "; " + ed.Note
		s.showMessage(protocol.MessageTypeInfo, msg)
	}
	return editResult{OK: true, File: ed.File, Message: msg}, nil
}

// bufferWait bounds how long we wait for the editor's didChange after it
// applied an edit to an open buffer.
const bufferWait = 2 * time.Second

// awaitNewVersion waits until the editor reports a newer version of doc:
// an editor may answer applyEdit before its didChange arrives, and
// discovery reads the buffer, not the (unsaved) file.
func (s *Server) awaitNewVersion(ctx context.Context, doc *session.Document) {
	stop := time.Now().Add(bufferWait)
	for time.Now().Before(stop) && ctx.Err() == nil {
		if cur := s.sess.Document(doc.Path); cur == nil || cur.Version != doc.Version {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// workspaceEdit turns a FileEdit into LSP form: a versioned edit of the open
// buffer, else an unversioned one, preceded by a CreateFile when the
// registry does not exist yet.
func workspaceEdit(rd *bufferReader, ed registry.FileEdit) protocol.WorkspaceEdit {
	u := uri.File(ed.File)
	var edits []protocol.TextDocumentEditElement
	for _, te := range ed.Edits {
		edits = append(edits, &protocol.TextEdit{Range: toProtoRange(te.Range), NewText: te.NewText})
	}
	tde := &protocol.TextDocumentEdit{Edits: edits}
	tde.TextDocument.URI = u
	if doc := rd.doc(ed.File); doc != nil {
		v := doc.Version
		tde.TextDocument.Version = &v
	}
	var changes []protocol.DocumentChange
	if ed.Create && rd.doc(ed.File) == nil {
		yes := true
		changes = append(changes, &protocol.CreateFile{Kind: "create", URI: u,
			Options: &protocol.CreateFileOptions{IgnoreIfExists: &yes}})
	}
	return protocol.WorkspaceEdit{DocumentChanges: append(changes, tde)}
}

// showMessage is a window/showMessage from a command handler.
func (s *Server) showMessage(kind protocol.MessageType, msg string) {
	_ = s.client.ShowMessage(s.ctx, &protocol.ShowMessageParams{Type: kind, Message: msg})
}
