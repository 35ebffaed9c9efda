package registry

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// listJSON is the `insomnia-lsp profiles --json` document.
type listJSON struct {
	Default     *defaultJSON  `json:"default"`
	Entries     []entryJSON   `json:"entries"`
	UserFile    string        `json:"user_registry"`
	ProjectFile string        `json:"project_registry,omitempty"`
	BuiltinDir  string        `json:"builtin_dir"`
	Error       string        `json:"error,omitempty"`
	Warnings    []warningJSON `json:"warnings,omitempty"`
}

type defaultJSON struct {
	Selector string `json:"selector"`
	Declared string `json:"declared_in,omitempty"`
	Resolved string `json:"resolved,omitempty"` // qualified name when it resolves
	Error    string `json:"error,omitempty"`
}

type entryJSON struct {
	QualifiedName string `json:"qualified_name"`
	Source        Source `json:"source"`
	Name          string `json:"name"`
	Path          string `json:"path"`
	Description   string `json:"description,omitempty"`
	IsDefault     bool   `json:"is_default"`
}

type warningJSON struct {
	Code    string `json:"code"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"` // 1-based; 0 when unknown
	Message string `json:"message"`
}

func (r *Registry) listDoc() listJSON {
	doc := listJSON{Entries: []entryJSON{}, UserFile: r.UserFile, ProjectFile: r.ProjectFile, BuiltinDir: r.BuiltinDir}
	for _, e := range r.Entries {
		doc.Entries = append(doc.Entries, entryJSON{e.QualifiedName(), e.Source, e.Name, e.Path, e.Description, e.IsDefault})
	}
	if r.Err != nil {
		doc.Error = r.Err.Error()
	}
	if r.Default != nil {
		d := &defaultJSON{Selector: r.Default.Selector()}
		if r.Default.Declared {
			d.Declared = r.Default.Origin.File
		}
		if e, err := r.DefaultEntry(); err != nil {
			d.Error = err.Error()
		} else {
			d.Resolved = e.QualifiedName()
		}
		doc.Default = d
	}
	for _, w := range r.Warnings {
		line := 0
		if w.File != "" {
			line = w.Range.Start.Line + 1
		}
		doc.Warnings = append(doc.Warnings, warningJSON{w.Code, w.File, line, w.Message})
	}
	return doc
}

// FormatList renders `insomnia-lsp profiles` (text or --json): the default,
// every entry as the TUI labels it with its path, discovery errors and
// warnings.
func FormatList(r *Registry, asJSON bool) string {
	return redactOutput(formatList(r, asJSON), asJSON)
}

// redactOutput masks keys typed into a registry (a description, an entry
// path) in CLI output: JSON string by string, text line by line.
func redactOutput(out string, asJSON bool) string {
	if asJSON {
		return string(secrets.RedactJSON([]byte(out)))
	}
	return secrets.Redact(out)
}

func formatList(r *Registry, asJSON bool) string {
	doc := r.listDoc()
	if asJSON {
		b, _ := json.MarshalIndent(doc, "", "  ")
		return string(b) + "\n"
	}
	// Names, paths and messages come from files anyone can write: escaped,
	// so none can forge a line (a CI log command) or a terminal sequence.
	esc := textsafe.Escape
	var b strings.Builder
	switch {
	case doc.Default == nil:
		b.WriteString("default: none (" + (&Error{Kind: NoDefaultProfile}).Error() + ")\n")
	case doc.Default.Error != "":
		fmt.Fprintf(&b, "default: %s (does not resolve: %s)\n", esc(doc.Default.Selector), esc(doc.Default.Error))
	default:
		fmt.Fprintf(&b, "default: %s\n", esc(doc.Default.Resolved))
	}
	if doc.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", esc(doc.Error))
	}
	for _, e := range r.Entries {
		fmt.Fprintf(&b, "%s\n    %s\n", esc(e.Label()), esc(e.Path))
	}
	if len(r.Entries) == 0 {
		b.WriteString("(no profiles)\n")
	}
	for _, w := range doc.Warnings {
		loc := esc(w.File)
		if w.Line > 0 {
			loc = fmt.Sprintf("%s:%d", esc(w.File), w.Line)
		}
		if loc != "" {
			loc += ": "
		}
		fmt.Fprintf(&b, "warning: %s%s [%s]\n", loc, esc(w.Message), esc(w.Code))
	}
	return b.String()
}

// FormatSelection renders `insomnia-lsp profiles --select SELECTOR`. On
// failure it returns the runtime's message ("failed to resolve profile
// <label>: <inner>") and ok=false; the CLI prints it after "error: " and
// exits 1.
func FormatSelection(r *Registry, raw string, asJSON bool) (string, bool) {
	out, ok := formatSelection(r, raw, asJSON)
	return redactOutput(out, asJSON), ok
}

func formatSelection(r *Registry, raw string, asJSON bool) (string, bool) {
	sel, err := r.Select(raw)
	if err != nil {
		msg := Wrapped(sel.Selector.Label(), err)
		if asJSON {
			b, _ := json.MarshalIndent(map[string]any{"selector": sel.Selector, "error": msg}, "", "  ")
			return string(b) + "\n", false
		}
		return msg, false
	}
	if asJSON {
		b, _ := json.MarshalIndent(map[string]any{"selector": sel.Selector, "source": sel.ProfileSource(), "base": sel.Base}, "", "  ")
		return string(b) + "\n", true
	}
	esc := textsafe.Escape
	if sel.Entry == nil {
		return fmt.Sprintf("path:%s\n    base %s\n", esc(sel.Path), esc(sel.Base)), true
	}
	return fmt.Sprintf("%s\n    %s\n    base %s\n", esc(sel.Entry.Label()), esc(sel.Path), esc(sel.Base)), true
}
