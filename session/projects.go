package session

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// Projects, as gopls has modules: every folder holding
// .insomnia/profiles.toml under a workspace folder is a project, and a file
// belongs to the nearest project at or above it. That project's folder is
// the file's launch directory (discovery, the default profile, scope checks,
// spawn's working directory, the names shown). A file in no project uses the
// workspace folder's own discovery, as the runtime launched there would.

// Scan bounds (README "Projects"): a workspace folder is searched this deep
// (folders below it) and no further, for at most this many projects,
// visiting at most MaxScanDirs folders, so opening a home directory or a
// monorepo stays fast.
const (
	MaxProjectDepth = 6
	MaxProjects     = 200
	MaxScanDirs     = 20000
)

// skipScan are folders never searched: version control, dependencies,
// build output and caches, where a profiles.toml is not the user's project.
// Names starting with "result" (Nix build links) are skipped too, and
// symlinked folders are never followed.
var skipScan = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".direnv": true, ".cache": true,
	"node_modules": true, "target": true, "dist": true, "build": true, "_build": true,
	"vendor": true, ".insomnia": true,
}

func skipDir(name string) bool { return skipScan[name] || strings.HasPrefix(name, "result") }

// ScanProjects lists the project folders under root (root included when it
// is one), sorted, within the bounds above.
func ScanProjects(root string) []string {
	root = filepath.Clean(root)
	var out []string
	level := []string{root}
	visited := 0
	for depth := 0; depth <= MaxProjectDepth && len(level) > 0; depth++ {
		var next []string
		for _, dir := range level {
			if visited++; visited > MaxScanDirs || len(out) >= MaxProjects {
				sort.Strings(out)
				return out
			}
			if isRegularFile(filepath.Join(dir, ".insomnia", "profiles.toml")) {
				out = append(out, dir)
			}
			next = append(next, subdirs(dir)...)
		}
		level = next
	}
	sort.Strings(out)
	return out
}

// subdirs are the folders directly in dir that the scan enters: real
// directories (no symlinks), not skipped, in name order.
func subdirs(dir string) []string {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, de := range des {
		if de.Type()&os.ModeSymlink == 0 && de.IsDir() && !skipDir(de.Name()) {
			out = append(out, filepath.Join(dir, de.Name()))
		}
	}
	return out
}

func isRegularFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// project is one launch directory and what the runtime sees from it.
type project struct {
	dir string // absolute, clean, as the client spells it (no symlink resolution)
	reg *registry.Registry
	// folder: a workspace folder with no project at or above it (its files
	// are in no project; its own discovery serves them).
	folder bool
}

// discoverProjects runs discovery for every workspace folder and every
// project under one. The first result is the first folder's (Registry()).
func (w *Session) discoverProjects(roots []string) []project {
	var out []project
	seen := map[string]bool{}
	add := func(dir string, folder bool) {
		dir = filepath.Clean(dir)
		if seen[dir] {
			return
		}
		seen[dir] = true
		if reg := w.discoverAt(dir); reg != nil {
			out = append(out, project{dir: dir, reg: reg, folder: folder})
		}
	}
	for _, root := range roots {
		add(w.launchDirOf(root))
		for _, p := range ScanProjects(root) {
			add(p, false)
		}
	}
	return out
}

// launchDirOf is a workspace folder's launch directory: the project at or
// above it (a folder opened inside a project), else the folder itself.
func (w *Session) launchDirOf(root string) (string, bool) {
	for dir := filepath.Clean(root); ; {
		if isRegularFile(filepath.Join(dir, ".insomnia", "profiles.toml")) {
			return dir, false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Clean(root), true
		}
		dir = parent
	}
}

// discoverAt is what the runtime sees launched from dir.
func (w *Session) discoverAt(dir string) *registry.Registry {
	w.mu.Lock()
	dirs := w.dirs
	w.mu.Unlock()
	reg, err := registry.Discover(registry.Options{Env: w.env, Dirs: &dirs, Start: dir, Workspace: dir,
		ReadFile: w.readFile})
	if err != nil && reg == nil {
		w.log.Warn("discovery failed", zap.String("dir", dir), zap.Error(err))
	}
	return reg
}

// projectOf is the project a file belongs to: the nearest project at or
// above it, else the workspace folder holding it, else the first folder's.
// ok is false before the first discovery.
func (w *Session) projectOf(path string) (project, bool) {
	w.mu.Lock()
	ps := w.projects
	w.mu.Unlock()
	path = filepath.Clean(path)
	best := -1
	for i, p := range ps {
		if withinLexical(path, p.dir) && (best < 0 || len(p.dir) > len(ps[best].dir)) {
			best = i
		}
	}
	if best < 0 {
		if len(ps) == 0 {
			return project{}, false
		}
		best = 0
	}
	return ps[best], true
}

// withinLexical: path is dir or below it, comparing cleaned names (the
// keystroke path must not resolve symlinks; the client names files and
// folders the same way).
func withinLexical(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator)) || dir == "/"
}

// RegistryFor is the registry of a file's project (what the runtime sees
// launched from the project's folder); nil before the first discovery.
// A file that no registry of its own project lists but another project's
// does (an entry pointing outside its project) gets that project's.
func (w *Session) RegistryFor(path string) *registry.Registry {
	p, ok := w.projectOf(path)
	if !ok {
		return nil
	}
	if len(p.reg.ByPath(path)) > 0 {
		return p.reg
	}
	for _, q := range w.allProjects() {
		if len(q.reg.ByPath(path)) > 0 {
			return q.reg
		}
	}
	return p.reg
}

// ProjectDir is a file's launch directory: its project's folder, or the
// workspace folder of a file in no project.
func (w *Session) ProjectDir(path string) string {
	if p, ok := w.projectOf(path); ok {
		return p.dir
	}
	return w.Root()
}

func (w *Session) allProjects() []project {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.projects
}

// registries are the distinct registries of every project, first folder first.
func (w *Session) registries() []*registry.Registry {
	ps := w.allProjects()
	out := make([]*registry.Registry, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.reg)
	}
	return out
}

// ProjectFiles are the project registries (.insomnia/profiles.toml) known.
func (w *Session) ProjectFiles() []string {
	var out []string
	for _, r := range w.registries() {
		if r.ProjectFile != "" && !contains(out, r.ProjectFile) {
			out = append(out, r.ProjectFile)
		}
	}
	return out
}

// inInsomniaDir says whether path is inside a project's .insomnia folder:
// a `.insomnia` folder, among its parents, that holds profiles.toml. It
// asks the disk, not discovery, so a file opened before discovery finishes
// (or in a project just created) is ours at once.
func inInsomniaDir(path string) bool {
	sep := string(filepath.Separator)
	marker := sep + ".insomnia" + sep
	for rest := filepath.Clean(path); ; {
		i := strings.LastIndex(rest, marker)
		if i < 0 {
			return false
		}
		if isRegularFile(rest[:i+len(marker)] + "profiles.toml") {
			return true
		}
		rest = rest[:i]
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Select resolves a selector for a command: in the project of the file
// ctxPath when given, else in the first folder's project and then in each
// other project in order (a `project:coder` asked from a repository root
// finds the project that has it). The registry returned is the one that
// selected it; when none does, the error is the first registry's.
func (w *Session) Select(selector, ctxPath string) (*registry.Registry, registry.Selection, error) {
	if ctxPath != "" {
		reg := w.RegistryFor(ctxPath)
		if reg == nil {
			return nil, registry.Selection{}, ErrNotDiscovered
		}
		sel, err := reg.Select(selector)
		return reg, sel, err
	}
	regs := w.registries()
	if len(regs) == 0 {
		return nil, registry.Selection{}, ErrNotDiscovered
	}
	first, firstErr := regs[0].Select(selector)
	if firstErr == nil || registry.ParseSelector(selector).Kind == registry.SelPath {
		return regs[0], first, firstErr
	}
	for _, reg := range regs[1:] {
		if sel, err := reg.Select(selector); err == nil {
			return reg, sel, nil
		}
	}
	return regs[0], first, firstErr
}

// ErrNotDiscovered: a command came before the first discovery.
var ErrNotDiscovered = notDiscoveredError{}

type notDiscoveredError struct{}

func (notDiscoveredError) Error() string {
	return "profiles are not discovered yet; try again in a moment"
}

// FoldersChanged rescans after workspace folders changed (or a project
// registry appeared or went away): discovery for every project, then a new
// scheduler, since restricted evaluation may read the folders, which
// re-evaluates every profile.
func (w *Session) FoldersChanged() {
	if !w.isStarted() {
		return // Start discovers the folders set by then
	}
	w.Rediscover()
	w.RestartScheduler()
	for _, doc := range w.docs.all() { // a file may have become ours (or stopped being)
		w.Changed(doc, false)
	}
}
