package registry

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/markdown"
)

// Completion is one proposal; InsertText replaces Range (the part of the
// string typed so far).
type Completion struct {
	Label      string            `json:"label"`
	Kind       string            `json:"kind"` // "profile" or "file"
	Detail     string            `json:"detail,omitempty"`
	Doc        string            `json:"documentation,omitempty"`
	InsertText string            `json:"insertText"`
	Range      diagnostics.Range `json:"range"`
}

var (
	reHeader     = regexp.MustCompile(`^\s*\[\s*([^\]]*?)\s*\]`)
	reDefaultVal = regexp.MustCompile(`^\s*default\s*=\s*["']([^"']*)$`)
	reStringVal  = regexp.MustCompile(`^\s*([A-Za-z0-9_.\-"' ]+?)\s*=\s*["']([^"']*)$`)
	rePathInline = regexp.MustCompile(`\bpath\s*=\s*["']([^"']*)$`)
)

// Completions proposes profile names inside `default = "…"` (bare for this
// file's source, qualified for the others) and .nix files (relative to the
// registry's folder) inside an entry's path string. It works on text that
// does not parse yet.
func Completions(path string, text []byte, offset int, reg *Registry) []Completion {
	if offset < 0 || offset > len(text) {
		return nil
	}
	lineStart := strings.LastIndexByte(string(text[:offset]), '\n') + 1
	line := string(text[lineStart:offset])
	lines := diagnostics.NewLines(text)
	repl := func(typed string) diagnostics.Range {
		return diagnostics.Range{Start: lines.Pos(offset - len(typed)), End: lines.Pos(offset)}
	}
	if m := reDefaultVal.FindStringSubmatch(line); m != nil && currentTable(text[:lineStart]) == "" {
		return defaultCompletions(newView(path, text, reg), repl(m[1]))
	}
	if typed, ok := pathContext(line, currentTable(text[:lineStart])); ok {
		return fileCompletions(rustParent(path), repl(typed))
	}
	return nil
}

// currentTable is the last [header] before the line ("" at top level).
func currentTable(before []byte) string {
	cur := ""
	for _, l := range strings.Split(string(before), "\n") {
		if m := reHeader.FindStringSubmatch(l); m != nil {
			cur = strings.ReplaceAll(m[1], " ", "")
		}
	}
	return cur
}

// pathContext: a string-form entry under [profile]/[entries], `path = "…"`
// under [profile.x], an inline `{ path = "…"`, or a dotted `profile.x = "…"`.
func pathContext(line, table string) (string, bool) {
	if m := rePathInline.FindStringSubmatch(line); m != nil {
		return m[1], true
	}
	m := reStringVal.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	key := strings.ReplaceAll(m[1], " ", "")
	switch {
	case table == "profile" || table == "entries":
		return m[2], true
	case table == "" && (strings.HasPrefix(key, "profile.") || strings.HasPrefix(key, "entries.")):
		return m[2], true
	case (strings.HasPrefix(table, "profile.") || strings.HasPrefix(table, "entries.")) && key == "path":
		return m[2], true
	}
	return "", false
}

func defaultCompletions(v *fileView, r diagnostics.Range) []Completion {
	var out []Completion
	seen := map[string]bool{}
	for _, e := range v.entries {
		label := refFor(e, v.src)
		if seen[label] {
			continue
		}
		seen[label] = true
		detail := e.Path
		if v.isDefault(e) {
			detail = "(current default) " + detail
		}
		out = append(out, Completion{Label: label, Kind: "profile", Detail: detail, Doc: e.Description, InsertText: label, Range: r})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// fileCompletions lists .nix files under base, at most 3 levels deep and
// 200 files, skipping hidden folders other than .insomnia and big trees.
func fileCompletions(base string, r diagnostics.Range) []Completion {
	var out []Completion
	root := base
	if root == "" {
		root = "."
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || len(out) >= 200 {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel != "." && (strings.Count(rel, string(filepath.Separator)) >= 3 || skipDir(d.Name())) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), ".nix") {
			out = append(out, Completion{Label: filepath.ToSlash(rel), Kind: "file", Detail: p, InsertText: filepath.ToSlash(rel), Range: r})
		}
		return nil
	})
	return out
}

func skipDir(name string) bool {
	switch name {
	case "node_modules", ".git", "result", "target":
		return true
	}
	return strings.HasPrefix(name, ".") && name != ".insomnia"
}

// DefinitionAt: on an entry's key or path, the profile file; on the
// default, the file of the entry it resolves to (when exactly one).
func DefinitionAt(path string, text []byte, offset int, reg *Registry) (diagnostics.Location, bool) {
	v := newView(path, text, reg)
	de, onDefault := v.at(offset)
	switch {
	case de != nil:
		return diagnostics.Location{File: joinIfRelative(v.base, de.Path)}, true
	case onDefault:
		src, name := parseRef(v.doc.Default, v.src)
		if m := v.match(src, name); len(m) == 1 {
			return diagnostics.Location{File: m[0].Path}, true
		}
	}
	return diagnostics.Location{}, false
}

// Hover is what to show over an entry or the default; the server adds the
// last evaluation status of Path.
type Hover struct {
	Range         diagnostics.Range `json:"range"`
	QualifiedName string            `json:"qualified_name"`
	Path          string            `json:"path"`
	Description   string            `json:"description,omitempty"`
	IsDefault     bool              `json:"is_default"`
	Exists        bool              `json:"exists"`
	// Problem is set over a default that does not resolve.
	Problem string `json:"problem,omitempty"`
}

// HoverAt returns hover data for the entry or default under offset.
func HoverAt(path string, text []byte, offset int, reg *Registry) (Hover, bool) {
	v := newView(path, text, reg)
	de, onDefault := v.at(offset)
	if de != nil {
		e := Entry{Source: v.src, Name: de.Name, Path: joinIfRelative(v.base, de.Path), Description: de.Description}
		return v.hover(e, v.rng(span{de.Key.Start, de.Key.End})), true
	}
	if !onDefault {
		return Hover{}, false
	}
	r := v.rng(v.doc.DefaultSpan)
	src, name := parseRef(v.doc.Default, v.src)
	m := v.match(src, name)
	if len(m) != 1 {
		_, err := (&Registry{Entries: m}).selectNamed(src, name)
		return Hover{Range: r, QualifiedName: string(src) + ":" + name, Problem: err.Error()}, true
	}
	return v.hover(m[0], r), true
}

func (v *fileView) hover(e Entry, r diagnostics.Range) Hover {
	_, err := os.Stat(e.Path)
	return Hover{Range: r, QualifiedName: e.QualifiedName(), Path: e.Path, Description: e.Description,
		IsDefault: v.isDefault(e), Exists: err == nil}
}

// Markdown renders the hover for editors.
func (h Hover) Markdown() string {
	// Every part is the repository's text: escaped (a description could
	// embed a remote image) and redacted (by the markdown helpers).
	var b strings.Builder
	b.WriteString("**" + markdown.Text(h.QualifiedName) + "**")
	if h.IsDefault {
		b.WriteString(" (default)")
	}
	if h.Description != "" {
		b.WriteString(" — " + markdown.Text(h.Description))
	}
	if h.Path != "" {
		b.WriteString("\n\n" + markdown.Code(h.Path))
		if !h.Exists {
			b.WriteString(" (missing)")
		}
	}
	if h.Problem != "" {
		b.WriteString("\n\n" + markdown.Text(h.Problem))
	}
	return b.String()
}
