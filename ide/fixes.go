package ide

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// treeFixes are the fixes a diagnostic's code implies on the syntax tree,
// for the codes whose producer does not carry one: an unused binding is
// removed or prefixed with _, an alias set next to its field is removed,
// a missing pod.name is inserted into the manifest.
func treeFixes(f *nixsyntax.File, d diagnostics.Diagnostic) []Fix {
	if f == nil {
		return nil
	}
	switch d.Code {
	case diagnostics.CodeUnusedBinding:
		return unusedFixes(f, d)
	case diagnostics.CodeAliasConflict:
		if r, ok := nixsyntax.RemovableBinding(f, f.Lines.Offset(d.Range.Start)); ok {
			return []Fix{{Title: "Remove " + textOf(f, d.Range), Range: r, Diagnostic: d}}
		}
	case diagnostics.CodeMissingRequired:
		if strings.HasSuffix(d.Message, ": pod.name") {
			return podNameFix(f, d)
		}
	}
	return nil
}

// unusedFixes: remove the binding (preferred), or prefix its name with _
// (the scope check's way of saying "unused on purpose"), unless the name
// is a pasted key: that one is only removed, never kept under another name.
func unusedFixes(f *nixsyntax.File, d diagnostics.Diagnostic) []Fix {
	name := textOf(f, d.Range)
	var out []Fix
	if r, ok := nixsyntax.RemovableBinding(f, f.Lines.Offset(d.Range.Start)); ok {
		out = append(out, Fix{Title: "Remove the unused binding " + name, Range: r, Diagnostic: d})
	}
	if name != "" && !strings.HasPrefix(name, "_") && !secrets.LooksSecret(name) {
		out = append(out, Fix{Title: "Rename to _" + name, NewText: "_" + name, Range: d.Range, Diagnostic: d})
	}
	return out
}

// podNameFix inserts `pod.name = "<name>";` first in the manifest's set,
// named after the profile's name (else its file). A pod.name written as
// null has its value replaced instead: a second one would be defined twice.
func podNameFix(f *nixsyntax.File, d diagnostics.Diagnostic) []Fix {
	off, ok := nixsyntax.SetOpenAt(f, []string{"manifest"})
	if !ok {
		return nil
	}
	name := fmt.Sprintf("%q", podName(f, d.File))
	if w, ok := nixsyntax.WrittenAt(f, []string{"manifest", "pod", "name"}); ok {
		if !w.HasValue || w.Partial || textOf(f, w.Value) != "null" {
			return nil // written some other way: no edit is known to be right
		}
		return []Fix{{Title: "Replace with " + name, NewText: name, Range: w.Value, Diagnostic: d}}
	}
	at := f.Lines.Pos(off)
	text := " pod.name = " + name + ";"
	return []Fix{{Title: "Insert" + text, NewText: text, Range: diagnostics.Range{Start: at, End: at}, Diagnostic: d}}
}

// podName is the profile's own plain string name, else its file's.
func podName(f *nixsyntax.File, file string) string {
	name := strings.TrimSuffix(filepath.Base(file), ".nix")
	if w, ok := nixsyntax.WrittenAt(f, []string{"name"}); ok && w.HasValue {
		if v := textOf(f, w.Value); len(v) > 2 && v[0] == '"' && !strings.ContainsAny(v[1:len(v)-1], `"\$`) {
			name = v[1 : len(v)-1]
		}
	}
	return name
}
