package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// cliEnv is what every subcommand shares: the launch directory, insomnia's
// directories, the secret ids and the registries discovered so far.
type cliEnv struct {
	cwd       string
	dirs      registry.Dirs
	secretIDs []string // nil: store unreadable, unknown ids not reported
	regs      map[string]*registry.Registry
	trees     map[string]*nixsyntax.File
	// trusted (--trusted) evaluates unrestricted; otherwise Nix may read
	// only roots and the resources (trust.go).
	trusted bool
	roots   []string
}

// newCLIEnv resolves the directories once; a problem there is a warning
// (discovery still finds project profiles).
func newCLIEnv(cwd string, stderr io.Writer) *cliEnv {
	dirs, err := registry.ResolveDirs(registry.EnvFromOS, registry.BundledResources)
	if err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp: warning:", err)
	}
	// The same rule as the server: no store file, no id check.
	ids := secrets.CheckableIDs(dirs.Data)
	return &cliEnv{cwd: cwd, dirs: dirs, secretIDs: ids,
		regs: map[string]*registry.Registry{}, trees: map[string]*nixsyntax.File{}}
}

// discover is what the runtime sees when launched from start (cached).
func (c *cliEnv) discover(start string) *registry.Registry {
	if reg, ok := c.regs[start]; ok {
		return reg
	}
	dirs := c.dirs
	reg, _ := registry.Discover(registry.Options{Dirs: &dirs, Start: start, Workspace: start})
	c.regs[start] = reg
	return reg
}

// parse parses a file once; nil when it cannot be read.
func (c *cliEnv) parse(path string) *nixsyntax.File {
	if f, ok := c.trees[path]; ok {
		return f
	}
	var f *nixsyntax.File
	if text, err := os.ReadFile(path); err == nil {
		f = nixsyntax.Parse(text)
	}
	c.trees[path] = f
	return f
}

// target is one profile to evaluate.
type target struct {
	path      string          // absolute, clean
	entry     *registry.Entry // nil: evaluated as a path: selector would
	reg       *registry.Registry
	workspace string // launch directory, for the scope check
	// sel, when set, is the runtime's selection of a path: selector (its
	// path as typed, joined but not cleaned, and its base).
	sel *registry.Selection
}

// source is the profile's provenance and base directory, as the runtime
// would record them (contract §1.3).
func (t target) source() (manifest.ProfileSource, string) {
	if t.entry == nil && t.sel != nil {
		return manifest.ProfileSource{Kind: "path", Path: t.sel.Path}, t.sel.Base
	}
	if t.entry == nil {
		return manifest.ProfileSource{Kind: "path", Path: t.path}, filepath.Dir(t.path)
	}
	e := *t.entry
	return manifest.ProfileSource{Kind: "registry", Source: string(e.Source), Name: e.Name, Path: rawEntryPath(t.reg, e)}, t.reg.Base(e)
}

type registryFile struct {
	path string
	reg  *registry.Registry
}

// plan is what one `check` run looks at.
type plan struct {
	profiles   []target
	files      []string // .nix files for the static checks: profiles and their imports
	registries []registryFile
	seen       map[string]bool
}

// plan turns the command's arguments into profiles, files and registries.
// No argument means the launch directory: the builtin profiles and those
// discovered from it.
func (c *cliEnv) plan(args []string) (*plan, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	p := &plan{seen: map[string]bool{}}
	for _, a := range args {
		abs := cleanAbs(a, c.cwd)
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: no such file or directory", a)
		case fi.IsDir():
			c.addDiscovered(p, abs)
		case filepath.Ext(abs) == ".nix":
			c.addNixFile(p, abs)
		case filepath.Base(abs) == "profiles.toml":
			c.addRegistryFile(p, abs)
		default:
			return nil, fmt.Errorf("%s: not a .nix file, a profiles.toml or a directory", a)
		}
	}
	for i := 0; i < len(p.files); i++ { // grows while imports are found
		c.addImports(p, p.files[i])
	}
	return p, nil
}

// addDiscovered adds every profile the runtime would see from dir.
func (c *cliEnv) addDiscovered(p *plan, dir string) {
	reg := c.discover(dir)
	for i := range reg.Entries {
		e := reg.Entries[i]
		path := entryPath(reg, e)
		if p.seen["profile:"+path] || !isFile(path) {
			continue // a missing file is the registry's diagnostic
		}
		p.seen["profile:"+path] = true
		p.profiles = append(p.profiles, target{path: path, entry: &e, reg: reg, workspace: reg.Workspace})
		p.addFile(path)
	}
	for _, f := range []string{reg.ProjectFile, reg.UserFile} {
		p.addRegistry(f, reg)
	}
}

// addNixFile adds one file: a profile when a registry lists it (from the
// launch directory first, then from the file's own folder) or when it builds
// one with mkProfile; otherwise only its static checks run.
func (c *cliEnv) addNixFile(p *plan, path string) {
	p.addFile(path)
	if p.seen["profile:"+path] {
		return
	}
	for _, start := range []string{c.cwd, filepath.Dir(path)} {
		reg := c.discover(start)
		if es := reg.ByPath(path); len(es) > 0 {
			p.seen["profile:"+path] = true
			p.profiles = append(p.profiles, target{path: path, entry: &es[0], reg: reg, workspace: c.cwd})
			return
		}
	}
	if text, err := os.ReadFile(path); err == nil && buildsProfile(path, text) {
		p.seen["profile:"+path] = true
		p.profiles = append(p.profiles, target{path: path, workspace: c.cwd})
	}
}

// buildsProfile mirrors the server: a file calling mkProfile is a profile
// usable with a path: selector; the library itself is not.
func buildsProfile(path string, text []byte) bool {
	return filepath.Base(path) != "profile-lib.nix" && bytes.Contains(text, []byte("mkProfile"))
}

// addRegistryFile checks a profiles.toml named on the command line against
// what is discovered from the folder it serves.
func (c *cliEnv) addRegistryFile(p *plan, path string) {
	start := c.cwd
	if dir := filepath.Dir(path); filepath.Base(dir) == ".insomnia" {
		start = filepath.Dir(dir)
	}
	p.addRegistry(path, c.discover(start))
}

// addImports adds the .nix files a file imports (literal paths), so their
// syntax is checked too.
func (c *cliEnv) addImports(p *plan, file string) {
	tree := c.parse(file)
	if tree == nil {
		return
	}
	for _, imp := range nixsyntax.Imports(tree) {
		dep := nixsyntax.ResolveImport(filepath.Dir(file), imp)
		if isFile(dep) && filepath.Ext(dep) == ".nix" {
			p.addFile(dep)
		}
	}
}

func (p *plan) addFile(path string) {
	if !p.seen["file:"+path] {
		p.seen["file:"+path] = true
		p.files = append(p.files, path)
	}
}

func (p *plan) addRegistry(path string, reg *registry.Registry) {
	if path == "" || p.seen["registry:"+path] {
		return
	}
	p.seen["registry:"+path] = true
	p.registries = append(p.registries, registryFile{path: path, reg: reg})
}

// rawEntryPath is an entry's file as the runtime records it: joined to the
// launch directory when relative, not cleaned (as Registry.Select).
func rawEntryPath(reg *registry.Registry, e registry.Entry) string {
	if filepath.IsAbs(e.Path) {
		return e.Path
	}
	return reg.Start + string(filepath.Separator) + e.Path
}

// entryPath is an entry's file as an absolute, clean path.
func entryPath(reg *registry.Registry, e registry.Entry) string {
	return filepath.Clean(rawEntryPath(reg, e))
}

func sameFile(a, b string) bool { return a != "" && filepath.Clean(a) == filepath.Clean(b) }

// cleanAbs is p joined to dir when relative, cleaned.
func cleanAbs(p, dir string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
