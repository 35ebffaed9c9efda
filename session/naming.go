package session

import "github.com/insomnia-lsp/insomnia-lsp/profile/registry"

// Name is how editors and the runtime name one profile file: its registry
// entry's qualified name when it is listed, else `path:<file>`.
type Name struct {
	Qualified string // project:coder, or path:/abs/file.nix
	Selector  string // what insomnia-pod --profile takes: the qualified name or the path
	Default   bool   // some entry naming this file is the default
	Listed    bool   // the file has a registry entry
}

// Label is `project:coder (default)` for lenses and status items.
func (n Name) Label() string {
	if n.Default {
		return n.Qualified + " (default)"
	}
	return n.Qualified
}

// NameIn names path by reg (nil before discovery: unlisted). The first
// entry names the file when several point at it; ByPath resolves symlinks.
func NameIn(reg *registry.Registry, path string) Name {
	n := Name{Qualified: "path:" + path, Selector: path}
	if reg == nil {
		return n
	}
	es := reg.ByPath(path)
	if len(es) == 0 {
		return n
	}
	n.Qualified, n.Selector, n.Listed = es[0].QualifiedName(), es[0].QualifiedName(), true
	for _, e := range es {
		n.Default = n.Default || e.IsDefault
	}
	return n
}

// Name names a profile file by its own project's registry.
func (w *Session) Name(path string) Name { return NameIn(w.RegistryFor(path), path) }

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
