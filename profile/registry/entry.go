package registry

import (
	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/rustpath"
)

// Source is where a registry entry came from.
type Source string

const (
	Builtin Source = "builtin"
	User    Source = "user"
	Project Source = "project"
)

// parseSource accepts exactly the three prefixes upstream knows.
func parseSource(s string) (Source, bool) {
	switch Source(s) {
	case Builtin, User, Project:
		return Source(s), true
	}
	return "", false
}

// Origin is where an entry (or a default) is written: the registry file and
// the range of its key, for diagnostics and go-to-definition. Builtin entries
// have no registry file; their Origin.File is the profile itself.
type Origin struct {
	File  string            `json:"file"`
	Range diagnostics.Range `json:"range"`
}

// Entry is one discovered profile (upstream ProfileRegistryEntry).
type Entry struct {
	Source      Source `json:"source"`
	Name        string `json:"name"`
	Path        string `json:"path"` // joined to the registry dir, not cleaned
	Description string `json:"description,omitempty"`
	IsDefault   bool   `json:"is_default"`
	Origin      Origin `json:"origin"`
}

// QualifiedName is "<source>:<name>", what the runtime accepts as --profile.
func (e Entry) QualifiedName() string { return string(e.Source) + ":" + e.Name }

// Label is the picker row of upstream's TUI: qualified name, " (default)"
// when marked, " — description" when present.
func (e Entry) Label() string {
	s := e.QualifiedName()
	if e.IsDefault {
		s += " (default)"
	}
	if e.Description != "" {
		s += " — " + e.Description
	}
	return s
}

// hasSourcePrefix tells whether a name would be read as "<src>:<rest>".
func hasSourcePrefix(name string) bool {
	i := strings.IndexByte(name, ':')
	if i < 0 {
		return false
	}
	_, ok := parseSource(name[:i])
	return ok
}

// refFor is how a registry of source declaring writes a reference to e in
// its default: the bare name when it means the same, else qualified.
func refFor(e Entry, declaring Source) string {
	if e.Source == declaring && !hasSourcePrefix(e.Name) {
		return e.Name
	}
	return e.QualifiedName()
}

// DefaultRef is the default as declared (or implied): source and name, and
// where it was written. Declared is false for the implicit builtin:default.
type DefaultRef struct {
	Source   Source `json:"source"`
	Name     string `json:"name"`
	Raw      string `json:"raw"` // the string as written in the file
	Declared bool   `json:"declared"`
	Origin   Origin `json:"origin"`
}

// Selector is the label of the reference, as upstream prints it.
func (d DefaultRef) Selector() string { return string(d.Source) + ":" + d.Name }

// joinIfRelative is upstream's join_if_relative (Rust's Path::join): never
// cleaned.
func joinIfRelative(base, p string) string { return rustpath.Join(base, p) }

// rustParent is Path::parent: lexical, "" for a bare file name (so a
// relative registry joins to bare entry paths, as upstream) and for a root.
// It drops the "." right before the last component ("/w/./x.nix" -> "/w").
func rustParent(p string) string {
	parent, _ := rustpath.Parent(p)
	return parent
}

// rustDebugList prints a []String the way Rust's {:?} does, because the
// contract's ambiguity message embeds that form.
func rustDebugList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = rustDebugString(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func rustDebugString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case 0:
			b.WriteString(`\0`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
