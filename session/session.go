package session

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
	"github.com/insomnia-lsp/insomnia-lsp/profile/watch"
)

// Options are fixed for a session's lifetime.
type Options struct {
	Logger *zap.Logger
	// Env looks up environment variables (tests give a fake one); nil = os.Getenv.
	Env func(string) string
	// Cwd is the directory discovery starts from when there is no workspace folder.
	Cwd string
	// Client receives the session's output; nil drops it.
	Client Client
	// Headless sessions (the CLI) watch no files and evaluate at once;
	// NoEval ones run no Nix at all (only the parser and static checks).
	Headless bool
	NoEval   bool
	// Timeout, when set, is the evaluation time limit whatever the settings
	// say (the CLI's own --timeout flag: the user's choice, not clamped).
	Timeout time.Duration
	// Readable are more folders restricted evaluation may read besides the
	// workspace folders and the resources (the CLI's projects).
	Readable []string
	// Lazy sessions analyse only what is added (AddFile, AddDiscovered),
	// not every discovered profile and registry at start.
	Lazy bool
}

// Session is the state of one editor connection (or one CLI run): the open
// documents and their trees, discovery, which files are profiles, their
// latest evaluation, what imports what, and the diagnostics of every file.
// Features read it through its methods; output goes to its Client.
type Session struct {
	log    *zap.Logger
	opts   Options
	client Client
	docs   *documents
	diags  *diagStore
	graph  *importGraph

	cfgMu    sync.Mutex // guards settings, roots, trust and trustIgnoredLogged
	settings Settings
	roots    []string // workspace folders (absolute paths)
	trust    Trust    // granted by initializationOptions only
	// trustIgnoredLogged: the "trust from workspace/configuration is
	// ignored" line was logged (once per session).
	trustIgnoredLogged bool

	mu        sync.Mutex // guards every field below
	started   bool
	closed    bool
	dirs      registry.Dirs
	reg       *registry.Registry // the first folder's project; nil until the first discovery
	projects  []project          // every project and folder (projects.go); first folder first
	secretIDs []string           // nil when the store is unreadable
	profiles  map[string]*ProfileState
	sched     *eval.Scheduler
	watcher   *watch.Watcher
	parsed    map[string]*nixsyntax.File // latest parse of each open .nix buffer
	pending   map[string]bool            // profiles submitted and not yet delivered
	idle      *sync.Cond                 // broadcast when pending empties (on mu)
	// nixMissing: the user was told Nix cannot be run (Client.NixMissing),
	// since the start or the last settings change.
	nixMissing bool
}

// ProfileState is everything known about one profile file.
type ProfileState struct {
	Path       string
	Evaluating bool
	Latest     *check.Outcome // newest finished evaluation
	LastGood   *check.Outcome // newest successful evaluation
	diagFiles  []string       // files that got eval diagnostics from this profile
}

// New is a session that has not started: set its settings and roots, then Start.
func New(opts Options) *Session {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Client == nil {
		opts.Client = NopClient{}
	}
	w := &Session{log: opts.Logger, opts: opts, client: opts.Client, docs: newDocuments(),
		diags: newDiagStore(opts.Client), graph: newImportGraph(), settings: DefaultSettings(),
		profiles: map[string]*ProfileState{}, parsed: map[string]*nixsyntax.File{}, pending: map[string]bool{}}
	w.idle = sync.NewCond(&w.mu)
	return w
}

func (w *Session) env(name string) string {
	if w.opts.Env != nil {
		return w.opts.Env(name)
	}
	return os.Getenv(name)
}

// root is the launch directory: the first workspace folder, else the cwd.
func (w *Session) Root() string {
	w.cfgMu.Lock()
	defer w.cfgMu.Unlock()
	if len(w.roots) > 0 {
		return w.roots[0]
	}
	return w.opts.Cwd
}

// start runs once the client is initialized: directories, discovery, the
// evaluation scheduler, the watcher, then every discovered profile.
func (w *Session) Start() {
	dirs, err := registry.ResolveDirs(w.env, registry.BundledResources)
	if err != nil {
		w.log.Warn("resolving insomnia directories", zap.Error(err))
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.dirs = dirs
	if !w.opts.NoEval {
		w.sched = w.newScheduler()
	}
	w.started = true
	w.mu.Unlock()
	w.startWatcher()
	w.loadSecrets()
	w.Rediscover()
	if !w.opts.Lazy {
		w.EvaluateAll()
	}
	// Documents opened before discovery finished.
	for _, doc := range w.docs.all() {
		w.Changed(doc, false)
	}
}

// startWatcher watches the files discovery names (not in a headless session).
func (w *Session) startWatcher() {
	if w.opts.Headless {
		return
	}
	if wt, err := watch.New(w.onFilesChanged); err == nil {
		w.mu.Lock()
		w.watcher = wt
		w.mu.Unlock()
	} else {
		w.log.Warn("file watching unavailable", zap.Error(err))
	}
}

func (w *Session) newScheduler() *eval.Scheduler {
	set := w.Settings()
	program := ""
	if w.WorkspaceTrusted() {
		program = set.NixPath // a setting naming a program: trusted workspaces only
	}
	opts := eval.Options{
		Program: program,
		Timeout: w.timeout(set),
		// Per request, files outside the trusted roots still run
		// restricted (Request.Restricted, see Schedule).
		Trusted:       w.trustAny(),
		Roots:         append(w.Roots(), w.opts.Readable...),
		Debounce:      set.debounce(),
		MaxConcurrent: set.Evaluation.MaxConcurrent,
		Env:           set.EnvPolicy(),
		OnStart:       w.onEvalStart,
		// Pre-started Nix processes (killed with this scheduler: a settings
		// or trust change replaces it, Close ends it).
		Prestart: set.prestart(),
		// Readable in untrusted mode too: the builtin profiles and the library.
		ResourcesDir: w.dirs.Resource,
	}
	return eval.NewScheduler(opts, w.onEvalResult)
}

// restartScheduler applies changed settings: new limits for new evaluations.
func (w *Session) RestartScheduler() {
	w.mu.Lock()
	if !w.started || w.closed {
		w.mu.Unlock()
		return
	}
	old := w.sched
	w.sched = w.newScheduler()
	w.mu.Unlock()
	go old.Close()
	w.EvaluateAll()
}

func (w *Session) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	sched, wt := w.sched, w.watcher
	w.idle.Broadcast()
	w.mu.Unlock()
	if wt != nil {
		_ = wt.Close()
	}
	if sched != nil {
		sched.Close() // kills and reaps every Nix process
		st, ps := sched.Stats(), sched.Evaluator().PoolStats()
		// The benchmark reads this line: MaxRunning is counted where the
		// concurrency limit is enforced, so it is the authoritative count
		// of Nix processes evaluating at once (idle pre-started ones apart).
		w.log.Info("evaluation totals", zap.Int("started", st.Started), zap.Int("maxRunning", st.MaxRunning),
			zap.Int("joined", st.Joined), zap.Int("cacheHits", st.CacheHits), zap.Int("prestartedHits", ps.Hits),
			zap.Int("prestartedMisses", ps.Misses), zap.Int("prestartedStale", ps.Stale), zap.Int("prestartedSpawned", ps.Spawned))
	}
}

// loadSecrets reads the secret store's ids (never its values); see
// secrets.CheckableIDs for why a missing store means "do not check".
func (w *Session) loadSecrets() {
	w.mu.Lock()
	data := w.dirs.Data
	w.mu.Unlock()
	ids := secrets.CheckableIDs(data)
	w.mu.Lock()
	w.secretIDs = ids
	w.mu.Unlock()
}

// Rediscover rescans the workspace folders for projects, reruns discovery
// for each (projects.go) and updates the watch set.
func (w *Session) Rediscover() {
	roots := w.Roots()
	if len(roots) == 0 {
		roots = []string{w.Root()}
	}
	ps := w.discoverProjects(roots)
	if len(ps) == 0 {
		return
	}
	w.mu.Lock()
	w.projects = ps
	w.reg = ps[0].reg
	w.mu.Unlock()
	w.updateWatches()
	if !w.opts.Lazy {
		w.publishRegistryFiles()
	}
	w.client.RefreshLenses() // names and the default may have changed
}

// readFile sees unsaved editor buffers, so discovery follows what the user
// typed; on disk only a bounded regular file is read.
func (w *Session) readFile(path string) ([]byte, error) {
	if t := w.docs.text(path); t != nil {
		return t, nil
	}
	return ReadRegistryFile(path)
}

// Registry is the first workspace folder's project: for requests about no
// file (RegistryFor is the one for a file).
func (w *Session) Registry() *registry.Registry {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reg
}

// evaluateAll queues every discovered profile (debounced, under the
// scheduler's concurrency limit), so lenses and pickers know their status.
func (w *Session) EvaluateAll() {
	seen := map[string]bool{}
	for _, reg := range w.registries() {
		for _, e := range reg.Entries {
			// A folder entry is its default.nix, as `nix eval --file` reads it.
			p := filepath.Clean(registry.NixFile(e.Path))
			if seen[p] {
				continue
			}
			seen[p] = true
			if text := w.Text(p); text != nil {
				w.graph.setImports(p, importsOf(p, nixsyntax.Parse(text)))
				w.Schedule(p, false)
			}
		}
	}
}

// diskText reads a file as saved (nil when unreadable).
func (w *Session) DiskText(path string) []byte {
	b, err := ReadSource(path)
	if err != nil {
		return nil
	}
	return b
}

// text is the editor's buffer when open, else the file on disk.
func (w *Session) Text(path string) []byte {
	if t := w.docs.text(path); t != nil {
		return t
	}
	return w.DiskText(path)
}

// changed is called for every open, edit and save of a document. Files
// that are not ours (Ours) get nothing: no diagnostics, no evaluation.
func (w *Session) Changed(doc *Document, saved bool) {
	switch {
	case filepath.Base(doc.Path) == "profiles.toml":
		w.changedRegistry(doc, saved)
	case filepath.Ext(doc.Path) == ".nix" && tooLarge(doc.Text):
		w.refuseLarge(doc)
	case filepath.Ext(doc.Path) == ".nix":
		// A save of the text the last change already parsed (the usual
		// didChange, didSave pair) keeps that tree and its imports; the
		// static checks run again, since some look at the disk (a missing
		// profile library the user just created).
		f := w.parsedTree(doc.Path)
		if !saved || f == nil || !bytes.Equal(f.Src, doc.Text) {
			f = w.parse(doc)
			w.graph.setImports(doc.Path, importsOf(doc.Path, f))
		}
		w.publishStatic(doc, f, w.Ours(doc.Path))
		if !w.isStarted() {
			return
		}
		if w.IsProfile(doc.Path, doc.Text) {
			w.Schedule(doc.Path, saved)
			w.refreshImported(doc.Path)
		}
		for _, p := range w.graph.dependents(doc.Path) {
			if p != doc.Path && w.IsProfile(p, w.Text(p)) {
				w.Schedule(p, saved)
			}
		}
	}
}

// changedRegistry: a saved .insomnia/profiles.toml may be a new project
// (rescan); a registry's edits are checked as typed. Other TOML is not ours.
func (w *Session) changedRegistry(doc *Document, saved bool) {
	switch {
	case w.isRegistryFile(doc.Path):
		w.Rediscover()
	case !isProjectRegistryName(doc.Path):
		w.diags.set(doc.Path, LayerRegistry, nil)
	case saved:
		w.Rediscover() // a new project
		w.publishRegistryFile(doc.Path)
	default:
		w.publishRegistryFile(doc.Path)
	}
}

// isProjectRegistryName: path is named .insomnia/profiles.toml.
func isProjectRegistryName(path string) bool {
	return filepath.Base(path) == "profiles.toml" && filepath.Base(filepath.Dir(path)) == ".insomnia"
}

// refreshImported re-runs the static checks of the open files a profile
// imports: they just became ours.
func (w *Session) refreshImported(profile string) {
	for _, p := range w.graph.closure(profile) {
		if doc := w.docs.get(p); doc != nil && filepath.Ext(p) == ".nix" {
			w.publishStatic(doc, w.Tree(p), true)
		}
	}
}

func (w *Session) isStarted() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.started && !w.closed
}

func (w *Session) ClosedDoc(path string) {
	w.mu.Lock()
	delete(w.parsed, path)
	w.mu.Unlock()
	// Syntax diagnostics of a closed file go away; evaluation results stay
	// because other profiles may import it.
	w.diags.setSyntax(path, nil, nil) // no current text: evaluation findings stay as computed
}

// IsProfile says whether a .nix file evaluates to a profile: an entry of
// its project's registry, or a file whose top-level value the profile rule
// recognises (check.IsProfileTree, docs/profiles-rule.md; usable with a
// path: selector) and that is not merely imported by another file. The
// library itself is never a profile.
func (w *Session) IsProfile(path string, text []byte) bool {
	if filepath.Base(path) == "profile-lib.nix" {
		return false
	}
	if reg := w.RegistryFor(path); reg != nil && len(reg.ByPath(path)) > 0 {
		return true
	}
	if len(w.graph.dependents(path)) > 0 { // imported by some file
		return false
	}
	return check.IsProfileTree(w.treeOf(path, text))
}

// treeOf is the kept parse of path when it is of text, else a new parse.
func (w *Session) treeOf(path string, text []byte) *nixsyntax.File {
	w.mu.Lock()
	f := w.parsed[path]
	w.mu.Unlock()
	if f != nil && bytes.Equal(f.Src, text) {
		return f
	}
	return nixsyntax.Parse(text)
}

// Ours says whether the server acts on a file at all (docs/profiles-rule.md):
// a profile, a file a profile imports, any .nix file in a project's
// .insomnia folder, or a project or user profiles.toml. Other Nix and TOML
// files (NixOS, home-manager: nil and nixd own them) get no diagnostics,
// lenses, hovers, completions or code actions, and are never evaluated.
func (w *Session) Ours(path string) bool {
	path = filepath.Clean(path)
	switch {
	case filepath.Base(path) == "profiles.toml":
		return w.isRegistryFile(path) || isProjectRegistryName(path)
	case filepath.Ext(path) != ".nix":
		return false
	case inInsomniaDir(path) || w.IsProfile(path, w.Text(path)):
		return true
	}
	for _, d := range w.graph.dependents(path) {
		if w.IsProfile(d, w.Text(d)) {
			return true
		}
	}
	return false
}

func (w *Session) state(path string) *ProfileState {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.profiles[path]
	if st == nil {
		st = &ProfileState{Path: path}
		w.profiles[path] = st
	}
	return st
}

// snapshot returns a copy of a profile's state for readers (hover, lenses).
func (w *Session) Profile(path string) (ProfileState, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.profiles[path]
	if st == nil {
		return ProfileState{Path: path}, false
	}
	return *st, true
}

// SecretIDs are the secret store's ids (nil when the store is unreadable).
func (w *Session) SecretIDs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.secretIDs
}

// Dirs are the insomnia directories (config, data, runtime, resources).
func (w *Session) Dirs() registry.Dirs {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dirs
}

// Dependents are the files whose import closure contains path.
func (w *Session) Dependents(path string) []string { return w.graph.dependents(path) }

// Document is the open buffer of path, or nil.
func (w *Session) Document(path string) *Document { return w.docs.get(path) }

// Open, Change, Save and Close keep the documents and react to them.
func (w *Session) Open(doc *Document)   { w.docs.set(doc); w.Changed(doc, false) }
func (w *Session) Change(doc *Document) { w.docs.set(doc); w.Changed(doc, false) }

// Save takes the saved text when the editor sent it (nil: the buffer's).
func (w *Session) Save(path string, text []byte) {
	doc := w.docs.get(path)
	if doc == nil {
		return
	}
	if text != nil {
		doc = NewDocument(doc.URI, doc.Version, text)
		w.docs.set(doc)
	}
	w.Changed(doc, true)
}

func (w *Session) CloseDocument(path string) {
	w.docs.remove(path)
	w.ClosedDoc(path)
}

// Diagnostics are the merged diagnostics of a file, as last published.
func (w *Session) Diagnostics(file string) []diagnostics.Diagnostic { return w.diags.get(file) }

// DiagnosedFiles lists every file that has diagnostics.
func (w *Session) DiagnosedFiles() []string { return w.diags.files() }

// timeout is the evaluation time limit: the caller's, else the settings'.
func (w *Session) timeout(set Settings) time.Duration {
	if w.opts.Timeout > 0 {
		return w.opts.Timeout
	}
	return set.timeout()
}
