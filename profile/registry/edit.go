package registry

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
)

// TextEdit replaces Range of the old text with NewText.
type TextEdit struct {
	Range   diagnostics.Range `json:"range"`
	NewText string            `json:"newText"`
}

// FileEdit is a change to one profiles.toml: apply Edits to OldText (or, when
// Create is set, create the file and its folder with NewText).
type FileEdit struct {
	File    string     `json:"file"`
	Create  bool       `json:"create"`
	Edits   []TextEdit `json:"edits"`
	OldText []byte     `json:"-"`
	NewText []byte     `json:"-"`
	// Note explains a choice the user may not expect (shown by the client).
	Note string `json:"note,omitempty"`
}

// ReadFunc reads a file as the editor sees it (unsaved buffers included);
// a missing file returns an error satisfying errors.Is(err, fs.ErrNotExist).
type ReadFunc func(path string) ([]byte, error)

func readOrEmpty(read ReadFunc, path string) ([]byte, bool, error) {
	if read == nil {
		read = safefile.Reader(safefile.MaxRegistryBytes)
	}
	text, err := read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, true, nil
	}
	return text, false, err
}

// SetDefaultEdit makes e the default: a project entry is written into the
// project registry, any other into the user registry, except when the
// project registry declares its own default, which would override the user
// one: then the project registry gets the qualified name (see DECISIONS.md).
// Only the `default = …` value changes (or one line is inserted before the
// first table); comments and formatting stay.
func SetDefaultEdit(reg *Registry, e Entry, read ReadFunc) (FileEdit, error) {
	target, src, note, err := defaultTarget(reg, e, read)
	if err != nil {
		return FileEdit{}, err
	}
	text, create, err := readOrEmpty(read, target)
	if err != nil {
		return FileEdit{}, err
	}
	value := refFor(e, src)
	ed, err := setDefaultText(text, value)
	if err != nil {
		return FileEdit{}, fmt.Errorf("cannot set the default in %s: %w", target, err)
	}
	ed.File, ed.Create, ed.Note = target, create, note
	return ed, nil
}

func defaultTarget(reg *Registry, e Entry, read ReadFunc) (string, Source, string, error) {
	if e.Source == Project {
		if reg.ProjectFile == "" {
			return "", "", "", errors.New("no project registry (.insomnia/profiles.toml) was found")
		}
		return reg.ProjectFile, Project, "", nil
	}
	if reg.ProjectFile != "" {
		if text, _, err := readOrEmpty(read, reg.ProjectFile); err == nil {
			if d := parseRegistry(text); d.HasDefault {
				return reg.ProjectFile, Project, fmt.Sprintf(
					"written to the project registry: its default %q would override the user registry here", d.Default), nil
			}
		}
	}
	if reg.UserFile == "" {
		return "", "", "", errors.New("the user registry has no location: set HOME, XDG_CONFIG_HOME or INSOMNIA_CONFIG_DIR")
	}
	return reg.UserFile, User, "", nil
}

// setDefaultText rewrites (or inserts) the top-level default.
func setDefaultText(text []byte, value string) (FileEdit, error) {
	if d := parseRegistry(text); d.SyntaxErr != nil {
		return FileEdit{}, fmt.Errorf("the file has a TOML syntax error (%s); fix it first", d.SyntaxErr.Message)
	}
	quoted := tomlQuote(value)
	var start, end int
	var insert string
	if s, ok := topLevelDefault(text); ok {
		start, end, insert = s.Start, s.End, quoted
	} else {
		start = defaultInsertPoint(text)
		end = start
		insert = "default = " + quoted + "\n"
		if start < len(text) && text[start] != '\n' {
			insert += "\n" // keep a blank line before the table or its comment
		}
		if start > 0 && text[start-1] != '\n' {
			insert = "\n" + insert
		}
	}
	ed := makeEdit(text, start, end, insert)
	if d := parseRegistry(ed.NewText); d.fatal() != nil || !d.HasDefault || d.Default != value {
		return FileEdit{}, errors.New("the edited file would not set the default; edit it by hand")
	}
	return ed, nil
}

func makeEdit(text []byte, start, end int, insert string) FileEdit {
	l := diagnostics.NewLines(text)
	nt := make([]byte, 0, len(text)+len(insert))
	nt = append(append(append(nt, text[:start]...), insert...), text[end:]...)
	return FileEdit{OldText: text, NewText: nt, Edits: []TextEdit{{
		Range: diagnostics.Range{Start: l.Pos(start), End: l.Pos(end)}, NewText: insert}}}
}

// topLevelDefault finds the value of `default` before the first table.
func topLevelDefault(text []byte) (span, bool) {
	p := unstable.Parser{}
	p.Reset(text)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			return span{}, false
		case unstable.KeyValue:
			parts, _ := keyParts(e.Key())
			if len(parts) == 1 && parts[0] == "default" {
				return rangeSpan(e.Value().Raw), true
			}
		}
	}
	return span{}, false
}

// defaultInsertPoint is the start of the first table header's line, moved
// above the comment lines directly on top of it unless they open the file.
func defaultInsertPoint(text []byte) int {
	off, ok := firstTableOffset(text)
	if !ok {
		return len(text)
	}
	lineStart := strings.LastIndexByte(string(text[:off]), '\n') + 1
	for cand := lineStart; cand > 0; {
		prev := strings.LastIndexByte(string(text[:cand-1]), '\n') + 1
		if !strings.HasPrefix(strings.TrimSpace(string(text[prev:cand-1])), "#") {
			return cand
		}
		if prev == 0 {
			return lineStart // the comments are the file's header
		}
		cand = prev
	}
	return lineStart
}

func firstTableOffset(text []byte) (int, bool) {
	p := unstable.Parser{}
	p.Reset(text)
	for p.NextExpression() {
		if e := p.Expression(); e.Kind == unstable.Table || e.Kind == unstable.ArrayTable {
			it := e.Key()
			if it.Next() {
				return int(it.Node().Raw.Offset), true
			}
		}
	}
	return 0, false
}

// tomlQuote writes a TOML basic string.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func tomlKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return tomlQuote(k)
}

// AddToProjectEdit lists profilePath in the project registry (creating
// <workspace>/.insomnia/profiles.toml when there is none), under a name
// derived from the file (its folder's name for a profile.nix) made unique
// in that file, with a path relative to the registry's folder.
func AddToProjectEdit(reg *Registry, profilePath string, read ReadFunc) (FileEdit, error) {
	target := reg.ProjectFile
	if target == "" {
		target = filepath.Join(reg.Workspace, ".insomnia", "profiles.toml")
	}
	text, create, err := readOrEmpty(read, target)
	if err != nil {
		return FileEdit{}, err
	}
	doc := parseRegistry(text)
	if doc.fatal() != nil {
		return FileEdit{}, fmt.Errorf("cannot add to %s: fix its errors first (%s)", target, doc.fatal().Message)
	}
	name := uniqueName(doc, profileName(profilePath))
	rel := profilePath
	if r, err := filepath.Rel(filepath.Dir(target), profilePath); err == nil {
		rel = filepath.ToSlash(r)
	}
	for _, try := range addCandidates(text, doc, name, rel) {
		if d := parseRegistry(try.NewText); d.fatal() == nil && hasEntry(d, name, rel) {
			try.File, try.Create = target, create
			return try, nil
		}
	}
	return FileEdit{}, fmt.Errorf("cannot add %s to %s automatically; add `%s = %s` under [profile] by hand", profilePath, target, tomlKey(name), tomlQuote(rel))
}

func profileName(p string) string {
	base := filepath.Base(p)
	if base == "profile.nix" {
		return filepath.Base(filepath.Dir(p))
	}
	stem, _ := splitExt(base)
	return stem
}

func uniqueName(doc *regDoc, name string) string {
	taken := map[string]bool{}
	for _, e := range doc.Entries {
		taken[e.Name] = true
	}
	for i, n := 2, name; ; i++ {
		if !taken[n] {
			return n
		}
		n = fmt.Sprintf("%s-%d", name, i)
	}
}

func hasEntry(d *regDoc, name, rel string) bool {
	for _, e := range d.Entries {
		if e.Name == name && e.Path == rel {
			return true
		}
	}
	return false
}

// addCandidates proposes edits from the least to the most intrusive: a
// line at the end of the existing [profile] table, then a new table.
func addCandidates(text []byte, doc *regDoc, name, rel string) []FileEdit {
	line := tomlKey(name) + " = " + tomlQuote(rel)
	table := doc.TableKey
	if table == "" {
		table = "profile"
	}
	var out []FileEdit
	if off, ok := tableEnd(text, table); ok {
		out = append(out, makeEdit(text, off, off, "\n"+line))
	}
	sep := ""
	if len(text) > 0 {
		sep = "\n"
		if text[len(text)-1] != '\n' {
			sep = "\n\n"
		}
	}
	flat := makeEdit(text, len(text), len(text), sep+"["+table+"]\n"+line+"\n")
	sub := makeEdit(text, len(text), len(text), sep+"["+table+"."+tomlKey(name)+"]\npath = "+tomlQuote(rel)+"\n")
	// A file that lists its profiles only as [profile.x] tables gets one more
	// such table, not a [profile] table in a form it does not use.
	if onlySubtables(text, table) {
		return append(out, sub, flat)
	}
	return append(out, flat, sub)
}

// onlySubtables: the file has [table.x] headers and no [table] header.
func onlySubtables(text []byte, table string) bool {
	p := unstable.Parser{}
	p.Reset(text)
	sub := false
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table {
			continue
		}
		parts, _ := keyParts(e.Key())
		if len(parts) == 1 && parts[0] == table {
			return false
		}
		sub = sub || (len(parts) == 2 && parts[0] == table)
	}
	return sub
}

// tableEnd is the end of the last key/value line of the [table] section
// (or of its header when it has none).
func tableEnd(text []byte, table string) (int, bool) {
	p := unstable.Parser{}
	p.Reset(text)
	in, found, end := false, false, 0
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, last := keyParts(e.Key())
			in = e.Kind == unstable.Table && len(parts) == 1 && parts[0] == table
			if in {
				found, end = true, lineEnd(text, last.End)
			}
		case unstable.KeyValue:
			if in {
				end = lineEnd(text, rangeSpan(e.Raw).End)
			}
		}
	}
	return end, found
}

// lineEnd is the offset of the newline ending the line holding off (a
// trailing comment stays on its line).
func lineEnd(text []byte, off int) int {
	if i := strings.IndexByte(string(text[off:]), '\n'); i >= 0 {
		return off + i
	}
	return len(text)
}
