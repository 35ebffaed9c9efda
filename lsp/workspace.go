package lsp

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
	"github.com/insomnia-lsp/insomnia-lsp/profile/watch"
)

// workspace is the server's view of the profiles: discovery, which files are
// profiles, their latest evaluation, and what imports what.
type workspace struct {
	s *Server

	mu        sync.Mutex
	started   bool
	closed    bool
	dirs      registry.Dirs
	reg       *registry.Registry // nil until the first discovery
	secretIDs []string           // nil when the store is unreadable
	profiles  map[string]*profileState
	graph     *importGraph
	sched     *eval.Scheduler
	watcher   *watch.Watcher
	parsed    map[string]*nixsyntax.File // latest parse of each open .nix buffer
}

// profileState is everything known about one profile file.
type profileState struct {
	path       string
	evaluating bool
	latest     *evalOutcome // newest finished evaluation
	lastGood   *evalOutcome // newest successful evaluation
	diagFiles  []string     // files that got eval diagnostics from this profile
}

// evalOutcome is a finished evaluation (see profile/check).
type evalOutcome = check.Outcome

func newWorkspace(s *Server) *workspace {
	return &workspace{s: s, profiles: map[string]*profileState{}, graph: newImportGraph(),
		parsed: map[string]*nixsyntax.File{}}
}

func (w *workspace) env(name string) string {
	if w.s.opts.Env != nil {
		return w.s.opts.Env(name)
	}
	return os.Getenv(name)
}

// root is the launch directory: the first workspace folder, else the cwd.
func (w *workspace) root() string {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	if len(w.s.roots) > 0 {
		return w.s.roots[0]
	}
	return w.s.opts.Cwd
}

// start runs once the client is initialized: directories, discovery, the
// evaluation scheduler, the watcher, then every discovered profile.
func (w *workspace) start() {
	dirs, err := registry.ResolveDirs(w.env, registry.BundledResources)
	if err != nil {
		w.s.log.Warn("resolving insomnia directories", zap.Error(err))
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.dirs = dirs
	w.sched = w.newScheduler()
	w.started = true
	w.mu.Unlock()
	if wt, err := watch.New(w.onFilesChanged); err == nil {
		w.mu.Lock()
		w.watcher = wt
		w.mu.Unlock()
	} else {
		w.s.log.Warn("file watching unavailable", zap.Error(err))
	}
	w.loadSecrets()
	w.rediscover()
	w.evaluateAll()
	// Documents opened before discovery finished.
	for _, doc := range w.s.docs.all() {
		w.changed(doc, false)
	}
}

func (w *workspace) newScheduler() *eval.Scheduler {
	set := w.s.currentSettings()
	opts := eval.Options{
		Program:       set.NixPath,
		Timeout:       set.timeout(),
		Trusted:       set.trusted(),
		Roots:         w.s.rootsCopy(),
		Debounce:      set.debounce(),
		MaxConcurrent: set.Evaluation.MaxConcurrent,
		OnStart:       w.onEvalStart,
		// Readable in untrusted mode too: the builtin profiles and the library.
		ResourcesDir: w.dirs.Resource,
	}
	return eval.NewScheduler(opts, w.onEvalResult)
}

// restartScheduler applies changed settings: new limits for new evaluations.
func (w *workspace) restartScheduler() {
	w.mu.Lock()
	if !w.started || w.closed {
		w.mu.Unlock()
		return
	}
	old := w.sched
	w.sched = w.newScheduler()
	w.mu.Unlock()
	go old.Close()
	w.evaluateAll()
}

func (w *workspace) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	sched, wt := w.sched, w.watcher
	w.mu.Unlock()
	if wt != nil {
		_ = wt.Close()
	}
	if sched != nil {
		sched.Close() // kills and reaps every Nix process
	}
}

// loadSecrets reads the secret store's ids (never its values); see
// secrets.CheckableIDs for why a missing store means "do not check".
func (w *workspace) loadSecrets() {
	w.mu.Lock()
	data := w.dirs.Data
	w.mu.Unlock()
	ids := secrets.CheckableIDs(data)
	w.mu.Lock()
	w.secretIDs = ids
	w.mu.Unlock()
}

// rediscover reruns profile discovery from the workspace root and updates
// the watch set.
func (w *workspace) rediscover() {
	root := w.root()
	w.mu.Lock()
	dirs := w.dirs
	w.mu.Unlock()
	reg, err := registry.Discover(registry.Options{Env: w.env, Dirs: &dirs, Start: root, Workspace: root,
		ReadFile: w.readFile})
	if err != nil && reg == nil {
		w.s.log.Warn("discovery failed", zap.Error(err))
		return
	}
	w.mu.Lock()
	w.reg = reg
	w.mu.Unlock()
	w.updateWatches()
	w.publishRegistryFiles()
	w.s.refreshLenses() // names and the default may have changed
}

// readFile sees unsaved editor buffers, so discovery follows what the user typed.
func (w *workspace) readFile(path string) ([]byte, error) {
	if t := w.s.docs.text(path); t != nil {
		return t, nil
	}
	return readRegular(path)
}

// readRegular reads a regular file only: a FIFO or device where a profile or
// registry is expected would block the reader forever.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return os.ReadFile(path)
}

func (w *workspace) registry() *registry.Registry {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reg
}

// evaluateAll queues every discovered profile (debounced, under the
// scheduler's concurrency limit), so lenses and pickers know their status.
func (w *workspace) evaluateAll() {
	reg := w.registry()
	if reg == nil {
		return
	}
	seen := map[string]bool{}
	for _, e := range reg.Entries {
		p := filepath.Clean(e.Path)
		if seen[p] {
			continue
		}
		seen[p] = true
		if text := w.text(p); text != nil {
			w.graph.setImports(p, importsOf(p, nixsyntax.Parse(text)))
			w.schedule(p, false)
		}
	}
}

// diskText reads a file as saved (nil when unreadable).
func (w *workspace) diskText(path string) []byte {
	b, err := readRegular(path)
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
	switch {
	case filepath.Base(doc.Path) == "profiles.toml":
		if saved || w.isRegistryFile(doc.Path) {
			w.rediscover()
		} else {
			w.publishRegistryFile(doc.Path)
		}
	case filepath.Ext(doc.Path) == ".nix" && tooLarge(doc.Text):
		w.refuseLarge(doc)
	case filepath.Ext(doc.Path) == ".nix":
		f := w.parse(doc)
		w.publishStatic(doc, f)
		w.graph.setImports(doc.Path, importsOf(doc.Path, f))
		if !w.isStarted() {
			return
		}
		if w.isProfile(doc.Path, doc.Text) {
			w.schedule(doc.Path, saved)
		}
		for _, p := range w.graph.dependents(doc.Path) {
			if p != doc.Path && w.isProfile(p, w.text(p)) {
				w.schedule(p, saved)
			}
		}
	}
}

func (w *workspace) isStarted() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.started && !w.closed
}

func (w *workspace) closedDoc(path string) {
	w.mu.Lock()
	delete(w.parsed, path)
	w.mu.Unlock()
	// Syntax diagnostics of a closed file go away; evaluation results stay
	// because other profiles may import it.
	w.s.pub.set(path, layerSyntax, nil)
}

// isProfile says whether a .nix file evaluates to a profile: a discovered
// registry entry, or a file that builds one (mkProfile, mkManifest or a
// `manifest` attribute; usable with a path: selector) and is not merely
// imported by another profile. The library itself is never a profile.
func (w *workspace) isProfile(path string, text []byte) bool {
	if filepath.Base(path) == "profile-lib.nix" {
		return false
	}
	if reg := w.registry(); reg != nil && len(reg.ByPath(path)) > 0 {
		return true
	}
	if len(w.graph.dependents(path)) > 0 { // imported by some profile
		return false
	}
	return looksLikeProfile(text)
}

var profileMarkers = [][]byte{[]byte("mkProfile"), []byte("mkManifest"), []byte("manifest ="), []byte("manifest.")}

func looksLikeProfile(text []byte) bool {
	for _, m := range profileMarkers {
		if bytes.Contains(text, m) {
			return true
		}
	}
	return false
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
		return profileState{path: path}, false
	}
	return *st, true
}

// status is one word for editors: evaluating, ok, error or unknown.
func (st profileState) status() string {
	switch {
	case st.evaluating:
		return "evaluating"
	case st.latest == nil:
		return "unknown"
	case st.latest.Failed():
		return "error"
	}
	return "ok"
}

// entry is the registry entry of a profile file (the first, when several
// names point at it).
func (w *workspace) entry(path string) (registry.Entry, bool) {
	reg := w.registry()
	if reg == nil {
		return registry.Entry{}, false
	}
	es := reg.ByPath(path)
	if len(es) == 0 {
		return registry.Entry{}, false
	}
	return es[0], true
}

// qualifiedName is the registry name of a profile, or path:<file>.
func (w *workspace) qualifiedName(path string) string {
	if e, ok := w.entry(path); ok {
		return e.QualifiedName()
	}
	return "path:" + path
}

func (w *workspace) isDefault(path string) bool {
	reg := w.registry()
	if reg == nil {
		return false
	}
	for _, e := range reg.ByPath(path) {
		if e.IsDefault {
			return true
		}
	}
	return false
}

// label is `project:coder (default)` for lenses and status items.
func (w *workspace) label(path string) string {
	l := w.qualifiedName(path)
	if w.isDefault(path) {
		l += " (default)"
	}
	return l
}
