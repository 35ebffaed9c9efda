package session

import (
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/internal/pathkey"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// Name is how editors and the runtime name one profile file: its registry
// entry's qualified name when it is listed, else `path:<file>`.
type Name struct {
	Qualified string // project:coder, or path:/abs/file.nix
	Selector  string // what insomnia-pod --profile takes: the qualified name or the path
	Default   bool   // some entry naming this file is the default
	Listed    bool   // the file has a registry entry
	// Display is what people read: Qualified, except that an unlisted
	// file is named relative to its project folder (path:.insomnia/qa.nix),
	// since an absolute temporary path does not fit in a lens.
	Display string
}

// Label is `project:coder (default)` for lenses and status items.
func (n Name) Label() string {
	if n.Default {
		return n.Display + " (default)"
	}
	return n.Display
}

// NameIn names path by reg (nil before discovery: unlisted). The first
// entry names the file when several point at it; ByPath resolves symlinks.
func NameIn(reg *registry.Registry, path string) Name {
	return NameWithin(reg, "", path)
}

// NameWithin is NameIn with a fallback folder (the workspace root) that an
// unlisted file's display name is relative to when reg gives none.
func NameWithin(reg *registry.Registry, root, path string) Name {
	n := Name{Qualified: "path:" + path, Selector: path}
	n.Display = "path:" + displayPath(path, projectDirs(reg, root, path)...)
	if reg == nil {
		return n
	}
	es := reg.ByPath(path)
	if len(es) == 0 {
		return n
	}
	n.Qualified, n.Selector, n.Listed = es[0].QualifiedName(), es[0].QualifiedName(), true
	n.Display = n.Qualified
	for _, e := range es {
		n.Default = n.Default || e.IsDefault
	}
	return n
}

// projectDirs are the folders a display name may be relative to, nearest
// first: the project's folder as written (the parent of .insomnia/), as
// the runtime resolved it, then root; before discovery (no registry, and
// no root for the ide's features) the folder above a .insomnia/ the path
// lies in, so no lens ever shows an absolute path.
func projectDirs(reg *registry.Registry, root, path string) []string {
	var dirs []string
	if reg == nil {
		if dir, ok := aboveInsomnia(path); ok {
			dirs = append(dirs, dir)
		}
	}
	if reg != nil && reg.ProjectFile != "" {
		dirs = append(dirs, filepath.Dir(filepath.Dir(reg.ProjectFile)))
	}
	if reg != nil && reg.Workspace != "" {
		dirs = append(dirs, reg.Workspace)
	}
	if root != "" {
		dirs = append(dirs, root)
	}
	return dirs // never "": Real("") would be the process's folder
}

// aboveInsomnia is the folder holding the nearest .insomnia/ on path's
// way up (lexically: the file may not exist yet).
func aboveInsomnia(path string) (string, bool) {
	for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if filepath.Base(dir) == ".insomnia" {
			return filepath.Dir(dir), true
		}
	}
	return "", false
}

// displayPath is path relative to the first dir that holds it (lexically,
// then with symlinks resolved), else path itself.
func displayPath(path string, dirs ...string) string {
	if rel, ok := relativeTo(path, dirs); ok {
		return rel
	}
	real := make([]string, len(dirs))
	for i, d := range dirs {
		real[i] = pathkey.Real(d)
	}
	if rel, ok := relativeTo(pathkey.Real(path), real); ok {
		return rel
	}
	return path
}

func relativeTo(path string, dirs []string) (string, bool) {
	for _, d := range dirs {
		if !pathkey.Within(path, d) {
			continue
		}
		if rel, err := filepath.Rel(d, path); err == nil && rel != "." {
			return filepath.ToSlash(rel), true
		}
	}
	return "", false
}

// Name names a profile file by its own project's registry.
func (w *Session) Name(path string) Name { return NameWithin(w.RegistryFor(path), w.Root(), path) }

// Entry is the registry entry of a profile file (the first, when several
// names point at it).
func (w *Session) Entry(path string) (registry.Entry, bool) {
	reg := w.RegistryFor(path)
	if reg == nil {
		return registry.Entry{}, false
	}
	es := reg.ByPath(path)
	if len(es) == 0 {
		return registry.Entry{}, false
	}
	return es[0], true
}

// QualifiedName is the registry name of a profile, or path:<file>.
func (w *Session) QualifiedName(path string) string { return w.Name(path).Qualified }

// IsDefault says some entry of the file's own project naming path is the default.
func (w *Session) IsDefault(path string) bool { return w.Name(path).Default }

// Label is `project:coder (default)` for lenses and status items.
func (w *Session) Label(path string) string { return w.Name(path).Label() }
