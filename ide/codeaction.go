package ide

import (
	"slices"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// Fix is a quick fix: replace Range (in the diagnostic's file) by NewText.
// Preferred marks the first fix of a diagnostic (the one to apply
// blindly), unless that one asks for review (diagnostics.Fix.Review).
type Fix struct {
	Title      string
	NewText    string
	Range      diagnostics.Range
	Preferred  bool
	Diagnostic diagnostics.Diagnostic
	review     bool
}

// QuickFixes turns the file's current diagnostics into edits: the fix a
// diagnostic carries, and those its code implies on the syntax tree
// (treeFixes), for the diagnostics the editor sent (sent says which) and
// those touching the requested range. One mistake found twice (the static
// and evaluation layers) offers its fix once.
func QuickFixes(src Source, path string, requested diagnostics.Range, sent func(diagnostics.Diagnostic) bool) []Fix {
	var out []Fix
	tree := nixTree(src, path)
	literals := literalRanges(tree)
	done := map[fixKey]bool{}
	for _, d := range src.Diagnostics(path) {
		if !sent(d) && !overlaps(widened(d.Range), requested) {
			continue
		}
		for i, f := range fixesOf(src, path, tree, literals, d) {
			key := fixKey{f.Range, f.Title, f.NewText}
			if done[key] {
				continue
			}
			done[key] = true
			f.Preferred = i == 0 && !f.review
			out = append(out, f)
		}
	}
	return out
}

// fixesOf is every fix of one diagnostic, the carried one first.
func fixesOf(src Source, path string, tree *nixsyntax.File, literals func(diagnostics.Range) bool, d diagnostics.Diagnostic) []Fix {
	var out []Fix
	if d.Fix != nil && carriedApplies(tree, literals, d) {
		out = append(out, fixOf(src, path, tree, d))
	}
	return append(out, treeFixes(tree, d)...)
}

// carriedApplies: a secrets.ref replaces a string literal (a diagnostic
// placed elsewhere, a key when Nix gave no value position, gets none); a
// fix naming the text it replaces applies only where that text is.
func carriedApplies(tree *nixsyntax.File, literals func(diagnostics.Range) bool, d diagnostics.Diagnostic) bool {
	switch {
	case strings.HasPrefix(d.Fix.NewText, "secrets.ref "):
		return literals(d.Range)
	case d.Fix.Replaces != "":
		return tree != nil && textOf(tree, d.Range) == d.Fix.Replaces
	}
	return true
}

// textOf is the source text of r in the tree's file (its line index, not
// a new one per diagnostic).
func textOf(f *nixsyntax.File, r diagnostics.Range) string {
	start, end := f.Lines.Offset(r.Start), f.Lines.Offset(r.End)
	if start > end || end > len(f.Src) {
		return ""
	}
	return string(f.Src[start:end])
}

// fixKey is what makes two fixes the same edit.
type fixKey struct {
	r              diagnostics.Range
	title, newText string
}

// literalRanges says whether a range is a string literal of the file. The
// literals are listed on the first question: editors ask for code actions
// on every cursor move, and only a secrets.ref fix needs them.
func literalRanges(f *nixsyntax.File) func(diagnostics.Range) bool {
	var set map[diagnostics.Range]bool
	return func(r diagnostics.Range) bool {
		if f == nil {
			return false
		}
		if set == nil {
			set = map[diagnostics.Range]bool{}
			for _, lit := range nixsyntax.Strings(f) {
				set[lit.Range] = true
			}
		}
		return set[r]
	}
}

func fixOf(src Source, path string, tree *nixsyntax.File, d diagnostics.Diagnostic) Fix {
	newText, title := inScope(tree, d.Range, d.Fix.NewText), d.Fix.Title
	if prefix := strings.TrimSuffix(newText, d.Fix.NewText); prefix != "" {
		title = strings.Replace(title, "secrets.ref", prefix+"secrets.ref", 1)
	}
	return Fix{Title: title, NewText: newText, Range: d.Range, Diagnostic: d, review: d.Fix.Review}
}

// widened makes an empty range (a missing ';' sits between two
// characters) cover the character on each side, so a cursor next to it
// finds its fix; editors draw such a diagnostic over a character too.
func widened(r diagnostics.Range) diagnostics.Range {
	if r.Start == r.End {
		r.Start.Col = max(r.Start.Col-1, 0)
		r.End.Col++
	}
	return r
}

func overlaps(a, b diagnostics.Range) bool {
	le := func(x, y diagnostics.Pos) bool {
		return x.Line < y.Line || x.Line == y.Line && x.Col <= y.Col
	}
	return le(a.Start, b.End) && le(b.Start, a.End)
}

// inScope makes a `secrets.ref "id"` replacement resolve where it lands:
// when bare `secrets` would be undefined there (checked by reparsing the
// edited text from the tree: only the edited binding is parsed again), it goes through the variable the profile reaches the
// library by (`lib.secrets.ref "id"`). tree is the file's current parse.
func inScope(tree *nixsyntax.File, r diagnostics.Range, newText string) string {
	if tree == nil || !strings.HasPrefix(newText, "secrets.ref ") {
		return newText
	}
	if !undefinedAt(tree, r, newText) {
		return newText
	}
	for _, lib := range libraryNames(tree) {
		if q := lib + "." + newText; !undefinedAt(tree, r, q) {
			return q
		}
	}
	return newText
}

// libraryNames are the expressions a profile reaches the profile library
// through: what it calls mkProfile, mkManifest or a preset on (a role
// built by a helper, `common.mkRole "x" { … lib.semanticPresets… }`,
// calls no mkProfile itself), then the conventional `lib`.
func libraryNames(f *nixsyntax.File) []string {
	var out []string
	for _, fn := range []string{"mkProfile", "mkManifest", "semanticPresets"} {
		if lib, ok := nixsyntax.CalleeOf(f, fn); ok && !slices.Contains(out, lib) {
			out = append(out, lib)
		}
	}
	if !slices.Contains(out, "lib") {
		out = append(out, "lib")
	}
	return out
}

// undefinedAt says whether replacing r by newText leaves an undefined
// variable at the start of the replacement.
func undefinedAt(tree *nixsyntax.File, r diagnostics.Range, newText string) bool {
	text := tree.Src
	start, end := tree.Lines.Offset(r.Start), tree.Lines.Offset(r.End)
	edited := append(append(append([]byte(nil), text[:start]...), newText...), text[end:]...)
	for _, d := range nixsyntax.Reparse(tree, edited).Diagnostics("") {
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
