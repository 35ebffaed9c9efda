package ide

import (
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// Fix is a quick fix: replace the diagnostic's range by NewText.
type Fix struct {
	Title      string
	NewText    string
	Diagnostic diagnostics.Diagnostic
}

// QuickFixes turns the file's current diagnostics that carry a Fix into
// edits: those the editor sent (sent says which) and those touching the
// requested range.
func QuickFixes(src Source, path string, requested diagnostics.Range, sent func(diagnostics.Diagnostic) bool) []Fix {
	var out []Fix
	literals := stringLiterals(nixTree(src, path))
	done := map[diagnostics.Range]bool{}
	for _, d := range src.Diagnostics(path) {
		// A fix replaces a string literal; a diagnostic placed elsewhere (a
		// key, when Nix gave no value position) or one already offered (the
		// static and evaluation layers both find a plaintext key) is skipped.
		if d.Fix == nil || !literals[d.Range] || done[d.Range] {
			continue
		}
		done[d.Range] = true
		if !sent(d) && !overlaps(d.Range, requested) {
			continue
		}
		out = append(out, fixOf(src, path, d))
	}
	return out
}

// stringLiterals is the set of ranges of the string literals in a file.
func stringLiterals(f *nixsyntax.File) map[diagnostics.Range]bool {
	out := map[diagnostics.Range]bool{}
	if f == nil {
		return out
	}
	for _, lit := range nixsyntax.Strings(f) {
		out[lit.Range] = true
	}
	return out
}

func fixOf(src Source, path string, d diagnostics.Diagnostic) Fix {
	newText, title := inScope(src, path, d.Range, d.Fix.NewText), d.Fix.Title
	if prefix := strings.TrimSuffix(newText, d.Fix.NewText); prefix != "" {
		title = strings.Replace(title, "secrets.ref", prefix+"secrets.ref", 1)
	}
	return Fix{Title: title, NewText: newText, Diagnostic: d}
}

func overlaps(a, b diagnostics.Range) bool {
	le := func(x, y diagnostics.Pos) bool {
		return x.Line < y.Line || x.Line == y.Line && x.Col <= y.Col
	}
	return le(a.Start, b.End) && le(b.Start, a.End)
}

// inScope makes a `secrets.ref "id"` replacement resolve where it lands:
// when bare `secrets` would be undefined there (checked by reparsing the
// edited text), it goes through the variable the profile calls mkProfile
// on (`lib.secrets.ref "id"`).
func inScope(src Source, path string, r diagnostics.Range, newText string) string {
	text := src.Text(path)
	if text == nil || !strings.HasPrefix(newText, "secrets.ref ") || !undefinedAt(text, r, newText) {
		return newText
	}
	if lib, ok := nixsyntax.CalleeOf(nixsyntax.Parse(text), "mkProfile"); ok {
		if q := lib + "." + newText; !undefinedAt(text, r, q) {
			return q
		}
	}
	return newText
}

// undefinedAt says whether replacing r by newText leaves an undefined
// variable at the start of the replacement.
func undefinedAt(text []byte, r diagnostics.Range, newText string) bool {
	lines := diagnostics.NewLines(text)
	start, end := lines.Offset(r.Start), lines.Offset(r.End)
	edited := append(append(append([]byte(nil), text[:start]...), newText...), text[end:]...)
	for _, d := range nixsyntax.Parse(edited).Diagnostics("") {
		if d.Code == diagnostics.CodeUndefined && d.Range.Start == r.Start {
			return true
		}
	}
	return false
}

// Action is a source action on a whole profile file.
type Action struct {
	Title   string
	Command Command
}

// ProfileActions are the registry actions for a profile file: add it to
// the project's profiles, or make it the default.
func ProfileActions(src Source, path string) []Action {
	text := src.Text(path)
	if text == nil || !src.IsProfile(path, text) {
		return nil
	}
	arg := URIArg{URI: uriOf(path)}
	switch n := name(src, path); {
	case !n.Listed:
		return []Action{{"Add to project profiles", Command{CmdAddToProject, arg}}}
	case !n.Default:
		return []Action{{"Set as default profile", Command{CmdSetDefaultProfile, arg}}}
	}
	return nil
}
