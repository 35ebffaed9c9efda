package registry

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
)

// Options configure one discovery.
type Options struct {
	// Env reads the environment (nil: the process environment).
	Env Env
	// Dirs, when set, skips ResolveDirs (the server resolves them once).
	Dirs *Dirs
	// Start is where the walk for .insomnia/profiles.toml begins: the
	// runtime uses its cwd; the editor passes the workspace folder or the
	// folder of the file being edited. Empty: the process cwd.
	Start string
	// Workspace is the base for builtin entries' relative paths (insomnia's
	// workspace base: the launch cwd). Empty: Start.
	Workspace string
	// ReadFile reads registry files (nil: a bounded read of regular files
	// only, see internal/safefile). The server may pass
	// one that sees unsaved editor buffers.
	ReadFile func(path string) ([]byte, error)
}

// Registry is the result of discovery: what insomnia-pod would see when
// launched from Start.
type Registry struct {
	Dirs        Dirs
	Start       string // canonicalized when possible, as upstream
	Workspace   string
	BuiltinDir  string
	UserFile    string // <config_dir>/profiles.toml ("" when unknown); may not exist
	ProjectFile string // nearest .insomnia/profiles.toml; "" when none
	Entries     []Entry
	// Default is the effective default reference (declared by the last
	// registry that sets one, else builtin:default when it resolves); nil
	// when none. It may still fail to resolve: see DefaultEntry.
	Default *DefaultRef
	// Err is set when insomnia's own discovery would fail (a registry that
	// cannot be read or parsed). Entries then still holds what could be
	// read, for the editor; Select fails closed, like the runtime.
	Err error
	// Warnings are upstream quirks that bite in this setup (contract §7),
	// as diagnostics placed in the registry file they concern.
	Warnings []diagnostics.Diagnostic

	texts map[string][]byte
	docs  map[string]*regDoc

	// pathIndex maps every key of every entry's path (cleaned absolute,
	// symlinks resolved) to its entries, built on first use: ByPath is on
	// the editor's keystroke path and must not resolve symlinks per entry.
	pathOnce  sync.Once
	pathIndex map[string][]int
	// queried holds the keys of the paths ByPath was asked about, resolved
	// once like the entries' (a registry lives until the next discovery):
	// every hover, completion and keystroke asks about the same open files,
	// and resolving symlinks costs an lstat per path component.
	queriedMu sync.Mutex // guards queried
	queried   map[string][]string
}

// Discover runs discovery. The error is Registry.Err (non-nil when the
// runtime's discovery would fail); the Registry is never nil.
func Discover(opts Options) (*Registry, error) {
	env := opts.Env
	if env == nil {
		env = EnvFromOS
	}
	reg := &Registry{texts: map[string][]byte{}, docs: map[string]*regDoc{}}
	if opts.Dirs != nil {
		reg.Dirs = *opts.Dirs
	} else {
		d, err := ResolveDirs(env, BundledResources)
		reg.Dirs = d
		if err != nil {
			reg.Warnings = append(reg.Warnings, fileWarning("", "resources-unavailable", err.Error()))
		}
	}
	reg.Start = canonicalStart(opts.Start)
	reg.Workspace = physicalDir(opts.Workspace)
	if reg.Workspace == "" {
		reg.Workspace = reg.Start
	}
	read := opts.ReadFile
	if read == nil {
		read = safefile.Reader(safefile.MaxRegistryBytes)
	}
	reg.BuiltinDir = reg.Dirs.BuiltinDir()
	reg.UserFile = reg.Dirs.UserRegistry()
	reg.ProjectFile = findProjectRegistry(reg.Start)

	reg.fail(reg.scanBuiltin())
	if reg.UserFile != "" {
		reg.fail(reg.loadFile(User, reg.UserFile, read))
	}
	if reg.ProjectFile != "" {
		reg.fail(reg.loadFile(Project, reg.ProjectFile, read))
	}
	reg.finishDefault()
	reg.addWarnings(env)
	return reg, reg.Err
}

// fail keeps the first error: upstream stops at it.
func (r *Registry) fail(err error) {
	if err != nil && r.Err == nil {
		r.Err = err
	}
}

func canonicalStart(start string) string {
	if start == "" {
		start, _ = os.Getwd()
	}
	if abs, err := filepath.Abs(start); err == nil {
		start = abs
	}
	if real, err := filepath.EvalSymlinks(start); err == nil {
		return real
	}
	return start
}

// physicalDir is the directory as the runtime's getcwd reports it when
// launched there: absolute, symlinks resolved (Rust's current_dir, unlike
// Go's os.Getwd, never returns $PWD). The builtin profiles' base is that
// directory (crates/manifest/src/profile.rs:385,392 at 6ecb5c4f). A folder
// that does not exist is kept as given.
func physicalDir(dir string) string {
	if dir == "" {
		return ""
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if abs, err := filepath.Abs(real); err == nil {
			return abs
		}
	}
	return dir
}

// findProjectRegistry walks up from start to / and returns the first
// .insomnia/profiles.toml that is a regular file (symlinks followed).
func findProjectRegistry(start string) string {
	for dir := start; ; {
		cand := filepath.Join(dir, ".insomnia", "profiles.toml")
		if fi, err := os.Stat(cand); err == nil && fi.Mode().IsRegular() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// scanBuiltin lists <resource>/nix/profiles non-recursively: each *.nix
// file by stem, each directory holding a profile.nix file by its name. The
// order is sorted by file name (upstream's is read_dir order; see
// DECISIONS.md).
func (r *Registry) scanBuiltin() error {
	dir := r.BuiltinDir
	if dir == "" {
		return nil
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil // a missing dir is an empty builtin registry
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return &Error{Kind: ConfigRead, Path: dir, Detail: ioDetail(err, dir)}
	}
	for _, de := range des {
		if e, ok := builtinEntry(dir, de.Name()); ok {
			r.Entries = append(r.Entries, e)
		}
	}
	return nil
}

func builtinEntry(dir, name string) (Entry, bool) {
	if !utf8.ValidString(name) {
		return Entry{}, false // upstream skips names that are not UTF-8
	}
	p := joinIfRelative(dir, name)
	fi, err := os.Stat(p)
	if err != nil {
		return Entry{}, false
	}
	if fi.Mode().IsRegular() {
		stem, ext := splitExt(name)
		if ext != "nix" {
			return Entry{}, false
		}
		return Entry{Source: Builtin, Name: stem, Path: p, Origin: Origin{File: p}}, true
	}
	if fi.IsDir() {
		prof := joinIfRelative(p, "profile.nix")
		if pf, err := os.Stat(prof); err == nil && pf.Mode().IsRegular() {
			return Entry{Source: Builtin, Name: name, Path: prof, Origin: Origin{File: prof}}, true
		}
	}
	return Entry{}, false
}

// splitExt is Rust's file_stem/extension: a leading dot alone is not an
// extension (".nix" has none).
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}

// loadFile reads one profiles.toml. A missing file is skipped (upstream's
// exists() is false on any stat error); any other failure is an Error.
func (r *Registry) loadFile(src Source, path string, read func(string) ([]byte, error)) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	text, err := read(path)
	if err != nil {
		return &Error{Kind: ConfigRead, Path: path, Detail: ioDetail(err, path)}
	}
	doc := parseRegistry(text)
	r.texts[path], r.docs[path] = text, doc
	lines := diagnostics.NewLines(text)
	base := rustParent(path)
	for _, de := range doc.Entries {
		if de.Bad {
			continue
		}
		r.Entries = append(r.Entries, Entry{Source: src, Name: de.Name,
			Path: joinIfRelative(base, de.Path), Description: de.Description,
			Origin: Origin{File: path, Range: spanRange(lines, de.Key)}})
	}
	if p := doc.fatal(); p != nil {
		return &Error{Kind: ConfigParse, Path: path, Detail: p.Message}
	}
	if doc.HasDefault {
		s, n := parseRef(doc.Default, src)
		r.Default = &DefaultRef{Source: s, Name: n, Raw: doc.Default, Declared: true,
			Origin: Origin{File: path, Range: spanRange(lines, doc.DefaultSpan)}}
	}
	return nil
}

// parseRef reads a default: "<src>:<name>" when the prefix is a source,
// otherwise a name in the declaring file's source.
func parseRef(raw string, declaring Source) (Source, string) {
	if i := strings.IndexByte(raw, ':'); i >= 0 {
		if s, ok := parseSource(raw[:i]); ok {
			return s, raw[i+1:]
		}
	}
	return declaring, raw
}

func spanRange(l *diagnostics.Lines, s span) diagnostics.Range {
	return diagnostics.Range{Start: l.Pos(s.Start), End: l.Pos(s.End)}
}

// finishDefault applies the builtin fallback (only when no file declared a
// default) and marks is_default on the single entry the default resolves to.
func (r *Registry) finishDefault() {
	if r.Default == nil {
		if m := r.match(Builtin, "default"); len(m) == 1 {
			r.Default = &DefaultRef{Source: Builtin, Name: "default", Origin: r.Entries[m[0]].Origin}
		}
	}
	if r.Default == nil {
		return
	}
	if m := r.match(r.Default.Source, r.Default.Name); len(m) == 1 {
		r.Entries[m[0]].IsDefault = true
	}
}

// match returns the indexes of entries with this name (and source, if set).
func (r *Registry) match(src Source, name string) []int { return matchIn(r.Entries, src, name) }

func matchIn(entries []Entry, src Source, name string) []int {
	var out []int
	for i, e := range entries {
		if e.Name == name && (src == "" || e.Source == src) {
			out = append(out, i)
		}
	}
	return out
}

// ByPath returns the entries whose file is path (compared cleaned, and with
// symlinks resolved when both exist).
func (r *Registry) ByPath(path string) []Entry {
	r.pathOnce.Do(func() {
		r.pathIndex = map[string][]int{}
		for i, e := range r.Entries {
			// A folder entry is also found by the default.nix Nix reads.
			keys := samePathKeys(e.Path)
			if f := NixFile(e.Path); f != e.Path {
				keys = append(keys, samePathKeys(f)...)
			}
			for _, k := range keys {
				if n := len(r.pathIndex[k]); n == 0 || r.pathIndex[k][n-1] != i {
					r.pathIndex[k] = append(r.pathIndex[k], i)
				}
			}
		}
	})
	seen := map[int]bool{}
	var idx []int
	for _, k := range r.queryKeys(path) {
		for _, i := range r.pathIndex[k] {
			if !seen[i] {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	sort.Ints(idx) // entry order, as before
	out := make([]Entry, 0, len(idx))
	for _, i := range idx {
		out = append(out, r.Entries[i])
	}
	return out
}

// maxQueried bounds the queried cache: a workspace scan asks about every
// .nix file it reads, and a registry can live as long as the session.
const maxQueried = 4096

// queryKeys is samePathKeys of a path ByPath is asked about, kept.
func (r *Registry) queryKeys(path string) []string {
	r.queriedMu.Lock()
	keys, ok := r.queried[path]
	r.queriedMu.Unlock()
	if ok {
		return keys
	}
	keys = samePathKeys(path)
	r.queriedMu.Lock()
	if r.queried == nil || len(r.queried) >= maxQueried {
		r.queried = map[string][]string{} // start over: the open files are asked again soon
	}
	r.queried[path] = keys
	r.queriedMu.Unlock()
	return keys
}

func samePathKeys(p string) []string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	keys := []string{filepath.Clean(p)}
	if real, err := filepath.EvalSymlinks(p); err == nil && real != keys[0] {
		keys = append(keys, real)
	}
	return keys
}

// Base is the directory relative manifest paths are joined to for an
// entry: the workspace base for builtins, the profile's folder otherwise.
func (r *Registry) Base(e Entry) string {
	if e.Source == Builtin {
		return r.Workspace
	}
	// Upstream: absolutize(entry.path) is cwd.join(path), then parent():
	// lexical, so "./coder.nix" has the registry's folder as its base.
	return rustParent(joinIfRelative(r.Start, e.Path))
}

// NixFile is the file `nix eval --file path` reads: path itself, or its
// default.nix when path is a directory (Nix's resolveExprPath; symlinks
// followed). A directory selector ("sub/") or a registry entry naming a
// folder evaluates that file, while the provenance keeps path as written.
func NixFile(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return joinIfRelative(path, "default.nix")
	}
	return path
}

// Text returns a registry file's text as discovery read it.
func (r *Registry) Text(path string) ([]byte, bool) {
	t, ok := r.texts[path]
	return t, ok
}

// SortedNames lists distinct entry names, for completion.
func (r *Registry) SortedNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range r.Entries {
		if !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, e.Name)
		}
	}
	sort.Strings(out)
	return out
}
