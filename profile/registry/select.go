package registry

import (
	"path/filepath"
	"strings"
)

// SelectorKind is the form a --profile argument takes (contract §3.4).
type SelectorKind string

const (
	SelDefault SelectorKind = "default"
	SelPath    SelectorKind = "path"
	SelNamed   SelectorKind = "named"
)

// Selector is a parsed --profile argument (upstream ProfileSelector). JSON
// matches upstream's serde form: {"kind":"path","path"}, {"kind":"named",
// "source"?,"name"}, {"kind":"default"}.
type Selector struct {
	Kind   SelectorKind `json:"kind"`
	Source Source       `json:"source,omitempty"`
	Name   string       `json:"name,omitempty"`
	Path   string       `json:"path,omitempty"`
}

// ParseSelector applies upstream's parse_cli rules in order: exactly
// "default"; "path:<p>"; "<builtin|user|project>:<name>" (split at the
// first colon); path-like (contains "/", starts with ".", ends with ".nix");
// otherwise a bare name.
func ParseSelector(raw string) Selector {
	if raw == "default" {
		return Selector{Kind: SelDefault}
	}
	if p, ok := strings.CutPrefix(raw, "path:"); ok {
		return Selector{Kind: SelPath, Path: p}
	}
	if i := strings.IndexByte(raw, ':'); i >= 0 {
		if s, ok := parseSource(raw[:i]); ok {
			return Selector{Kind: SelNamed, Source: s, Name: raw[i+1:]}
		}
	}
	if strings.Contains(raw, "/") || strings.HasPrefix(raw, ".") || strings.HasSuffix(raw, ".nix") {
		return Selector{Kind: SelPath, Path: raw}
	}
	return Selector{Kind: SelNamed, Name: raw}
}

// Label is upstream's display_label: the path as written, "src:name", the
// bare name, or "default".
func (s Selector) Label() string {
	switch s.Kind {
	case SelDefault:
		return "default"
	case SelPath:
		return s.Path
	}
	if s.Source != "" {
		return string(s.Source) + ":" + s.Name
	}
	return s.Name
}

// Selection is a resolved selector: a registry entry, or an explicit path.
type Selection struct {
	Selector Selector `json:"selector"`
	// Entry is set for named and default selectors.
	Entry *Entry `json:"entry,omitempty"`
	// Path is the absolute profile file: the entry's path, or the path
	// selector joined to Start (not cleaned, symlinks kept, as upstream).
	Path string `json:"path"`
	// Base is the directory relative manifest paths are joined to.
	Base string `json:"base"`
}

// ProfileSource is upstream's provenance record ({"kind":"path","path"} or
// {"kind":"registry","source","name","path"}), as written in snapshots.
type ProfileSource struct {
	Kind   string `json:"kind"`
	Source Source `json:"source,omitempty"`
	Name   string `json:"name,omitempty"`
	Path   string `json:"path"`
}

// ProfileSource returns the provenance a pod launched with this selection
// records.
func (s Selection) ProfileSource() ProfileSource {
	if s.Entry == nil {
		return ProfileSource{Kind: "path", Path: s.Path}
	}
	return ProfileSource{Kind: "registry", Source: s.Entry.Source, Name: s.Entry.Name, Path: s.Path}
}

// Select resolves a --profile argument the way insomnia-pod does. Path
// selectors never need discovery; named and default selectors fail with
// Registry.Err when discovery failed (fail closed).
func (r *Registry) Select(raw string) (Selection, error) {
	sel := ParseSelector(raw)
	if sel.Kind == SelPath {
		p := sel.Path
		if !filepath.IsAbs(p) {
			p = joinIfRelative(r.Start, p)
		}
		return Selection{Selector: sel, Path: p, Base: rustParent(p)}, nil
	}
	if r.Err != nil {
		return Selection{Selector: sel}, r.Err
	}
	var e Entry
	var err error
	if sel.Kind == SelDefault {
		e, err = r.DefaultEntry()
	} else {
		e, err = r.selectNamed(sel.Source, sel.Name)
	}
	if err != nil {
		return Selection{Selector: sel}, err
	}
	p := e.Path
	if !filepath.IsAbs(p) {
		p = joinIfRelative(r.Start, p)
	}
	return Selection{Selector: sel, Entry: &e, Path: p, Base: r.Base(e)}, nil
}

// DefaultEntry resolves the default: NoDefaultProfile when none is
// configured, else the named lookup of the declared reference (which can be
// ProfileNotFound or AmbiguousProfileName; there is no builtin fallback).
func (r *Registry) DefaultEntry() (Entry, error) {
	if r.Default == nil {
		return Entry{}, &Error{Kind: NoDefaultProfile}
	}
	return r.selectNamed(r.Default.Source, r.Default.Name)
}

func (r *Registry) selectNamed(src Source, name string) (Entry, error) {
	m := r.match(src, name)
	switch len(m) {
	case 1:
		return r.Entries[m[0]], nil
	case 0:
		label := name
		if src != "" {
			label = string(src) + ":" + name
		}
		return Entry{}, &Error{Kind: ProfileNotFound, Selector: label}
	}
	q := make([]string, len(m))
	for i, idx := range m {
		q[i] = r.Entries[idx].QualifiedName()
	}
	return Entry{}, &Error{Kind: AmbiguousProfileName, Name: name, Matches: q}
}
