package registry

import (
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/internal/pathkey"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// fileView is one profiles.toml text (possibly unsaved) seen together with
// the rest of the discovered registry: the editor features work on it.
type fileView struct {
	path    string
	text    []byte
	lines   *diagnostics.Lines
	doc     *regDoc
	src     Source
	base    string // entries' relative paths join here
	reg     *Registry
	entries []Entry // every source, with this file's entries from text
	byName  map[string][]Entry
}

func newView(path string, text []byte, reg *Registry) *fileView {
	v := &fileView{path: path, text: text, lines: diagnostics.NewLines(text),
		doc: parseRegistry(text), base: rustParent(path), reg: reg}
	v.src = reg.sourceOf(path)
	if reg != nil {
		for _, e := range reg.Entries {
			own := e.Source != Builtin && e.Origin.File == path
			if own && v.doc.SyntaxErr == nil {
				continue // replaced by the text's entries below
			}
			if !own && e.Source == v.src && e.Source != Builtin {
				continue // another file of the same source is not seen
			}
			v.entries = append(v.entries, e)
		}
	}
	for _, de := range v.doc.Entries {
		if !de.Bad {
			v.entries = append(v.entries, Entry{Source: v.src, Name: de.Name,
				Path: joinIfRelative(v.base, de.Path), Description: de.Description,
				Origin: Origin{File: path, Range: v.rng(de.Key)}})
		}
	}
	return v
}

// sourceOf tells whether a registry file is the user or a project registry.
func (r *Registry) sourceOf(path string) Source {
	if r != nil && r.UserFile != "" && pathkey.Same(path, r.UserFile) {
		return User
	}
	if r != nil && r.ProjectFile != "" && pathkey.Same(path, r.ProjectFile) {
		return Project
	}
	if filepath.Base(filepath.Dir(path)) == ".insomnia" {
		return Project
	}
	return User
}

func (v *fileView) rng(s span) diagnostics.Range {
	return spanRange(v.lines, s)
}

func (v *fileView) match(src Source, name string) []Entry {
	if v.byName == nil {
		v.byName = map[string][]Entry{}
		for _, e := range v.entries {
			v.byName[e.Name] = append(v.byName[e.Name], e)
		}
	}
	var out []Entry
	for _, e := range v.byName[name] {
		if src == "" || e.Source == src {
			out = append(out, e)
		}
	}
	return out
}

// docFor returns this text's document for its own path, else the one
// discovery read.
func (v *fileView) docFor(path string) *regDoc {
	if path == "" {
		return nil
	}
	if pathkey.Same(path, v.path) {
		return v.doc
	}
	if v.reg != nil {
		return v.reg.docs[path]
	}
	return nil
}

// effectiveDefault recomputes the default with this text in place: the
// last registry (user, then project) that declares one wins.
func (v *fileView) effectiveDefault() (Source, string, bool) {
	src, name, ok := Source(""), "", false
	if v.reg != nil {
		for _, f := range []struct {
			path string
			src  Source
		}{{v.reg.UserFile, User}, {v.reg.ProjectFile, Project}} {
			if d := v.docFor(f.path); d != nil && d.HasDefault && d.fatal() == nil {
				src, name = parseRef(d.Default, f.src)
				ok = true
			}
		}
	}
	if !ok && v.doc.HasDefault && v.doc.fatal() == nil {
		src, name = parseRef(v.doc.Default, v.src)
		ok = true
	}
	if !ok && len(v.match(Builtin, "default")) == 1 {
		return Builtin, "default", true
	}
	return src, name, ok
}

// isDefault tells whether e is the single entry the default resolves to.
func (v *fileView) isDefault(e Entry) bool {
	src, name, ok := v.effectiveDefault()
	if !ok {
		return false
	}
	m := v.match(src, name)
	return len(m) == 1 && m[0].Source == e.Source && m[0].Name == e.Name
}

// at finds what the offset points at: an entry (key or path) or the default.
func (v *fileView) at(offset int) (de *docEntry, onDefault bool) {
	in := func(s span) bool { return s.End > s.Start && offset >= s.Start && offset <= s.End }
	if v.doc.HasDefault && (in(v.doc.DefaultSpan) || in(v.doc.DefaultKey)) {
		return nil, true
	}
	for i := range v.doc.Entries {
		e := &v.doc.Entries[i]
		if !e.Bad && (in(e.Key) || in(e.PathSpan)) {
			return e, false
		}
	}
	return nil, false
}
