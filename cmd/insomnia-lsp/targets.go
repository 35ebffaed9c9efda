package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
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
	if text, err := safefile.Read(path, safefile.MaxSourceBytes); err == nil {
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

// rawEntryPath is an entry's file as the runtime records it: joined to the
// launch directory when relative, not cleaned (as Registry.Select).
func rawEntryPath(reg *registry.Registry, e registry.Entry) string {
	if filepath.IsAbs(e.Path) {
		return e.Path
	}
	return reg.Start + string(filepath.Separator) + e.Path
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
