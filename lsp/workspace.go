package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// workspace is the server's view of the profiles: which files are profiles,
// their latest evaluation, and what depends on what.
type workspace struct {
	s        *Server
	mu       sync.Mutex
	profiles map[string]*profileState // by absolute path
	closing  bool
}

// profileState is everything known about one profile file.
type profileState struct {
	path       string
	evaluating bool
	latest     *evalOutcome // newest finished evaluation
	lastGood   *evalOutcome // newest successful evaluation
	diagFiles  []string     // files that got eval diagnostics from this profile
}

// evalOutcome is a finished evaluation as hover, lenses and commands read it.
type evalOutcome struct {
	Artifact json.RawMessage // raw Nix output (never shown as is: may hold plaintext)
	Display  json.RawMessage // resolved manifest for display, secrets as references
	Hash     string          // sha256 of the canonical resolved snapshot
	Failed   bool
	Message  string // short status line
	Finished time.Time
	Duration time.Duration
}

func newWorkspace(s *Server) *workspace {
	return &workspace{s: s, profiles: map[string]*profileState{}}
}

// start runs once the client is initialized.
func (w *workspace) start() {}

func (w *workspace) close() {
	w.mu.Lock()
	w.closing = true
	w.mu.Unlock()
}

// diskText reads a file as saved (nil when unreadable).
func (w *workspace) diskText(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return b
}

// text is the editor's buffer when open, else the file on disk.
func (w *workspace) text(path string) []byte {
	if t := w.s.docs.text(path); t != nil {
		return t
	}
	return w.diskText(path)
}

// changed is called for every open, edit and save of a document.
func (w *workspace) changed(doc *document, saved bool) {
	if filepath.Ext(doc.Path) != ".nix" {
		return
	}
	w.publishStatic(doc)
	if w.isProfile(doc.Path, doc.Text) {
		w.schedule(doc.Path, saved)
	}
}

func (w *workspace) closed(path string) {
	// Syntax diagnostics of a closed file go away; evaluation results stay
	// because other open profiles may import it.
	w.s.pub.set(path, layerSyntax, nil)
}

// isProfile says whether a .nix file evaluates to a profile: a registry
// entry, or a file that builds one with mkProfile (a path: profile). The
// library itself and files only imported by profiles are not profiles.
func (w *workspace) isProfile(path string, text []byte) bool {
	if filepath.Base(path) == "profile-lib.nix" {
		return false
	}
	return strings.Contains(string(text), "mkProfile")
}

func (w *workspace) state(path string) *profileState {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.profiles[path]
	if st == nil {
		st = &profileState{path: path}
		w.profiles[path] = st
	}
	return st
}

// snapshot returns a copy of a profile's state for readers (hover, lenses).
func (w *workspace) snapshot(path string) (profileState, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.profiles[path]
	if st == nil {
		return profileState{}, false
	}
	return *st, true
}

func (w *workspace) publishStatic(doc *document) {
	var diags []diagnostics.Diagnostic
	w.s.pub.set(doc.Path, layerSyntax, diags)
}

// status is one word for editors: evaluating, ok, error or unknown.
func (st profileState) status() string {
	switch {
	case st.evaluating:
		return "evaluating"
	case st.latest == nil:
		return "unknown"
	case st.latest.Failed:
		return "error"
	}
	return "ok"
}

// qualifiedName is the registry name of a profile, or path:<file>.
func (w *workspace) qualifiedName(path string) string { return "path:" + path }

func (w *workspace) isDefault(path string) bool { return false }
