package session

import (
	"bytes"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// One diagnostic per mistake (issue 17 point 1): a file's layers are merged
// by meaning, not just concatenated.
//
//   - Nix's syntax error is dropped while our parser reports one in the
//     same file: both describe the same broken text, ours is where the user
//     typed and carries the fix. So is Nix's "undefined variable 'x'" when
//     our scope check reports x.
//   - A static and an evaluated finding of the same problem (same code, on
//     the same line or overlapping) become one: the static one, with the
//     evaluated range when that lies inside it (more precise); the static
//     one carries the quick fix the user knows.
//   - An evaluation's findings were computed on an older text: on lines the
//     user has edited since they are dropped, below an insertion or deletion
//     they move with it, until the next result replaces them.

// evalLayer says whether a layer name is an evaluation layer (eval@owner).
func evalLayer(name string) bool { return strings.HasPrefix(name, LayerEval) }

// mergeLayers merges one file's layers, in the order of names (layer
// names sorted, as published before). cur is the file's current text and
// bases the text each layer was computed on (either may be nil: no shift).
func mergeLayers(names []string, layers map[string][]diagnostics.Diagnostic, cur []byte, bases map[string][]byte) []diagnostics.Diagnostic {
	static := append([]diagnostics.Diagnostic(nil), layers[LayerSyntax]...) // narrowed in place
	oursSyntax := hasCode(static, diagnostics.CodeSyntax)
	kept := map[string][]diagnostics.Diagnostic{}
	seen := map[string]bool{}
	lines := &lineCache{cur: cur}
	for _, n := range names {
		if n == LayerSyntax || !evalLayer(n) {
			continue
		}
		for _, d := range lines.shiftStale(layers[n], bases[n]) {
			if oursSyntax && nixSyntaxError(d) || nixUndefined(static, d) || seen[sameKey(d)] || sameAsStatic(static, d) {
				continue
			}
			seen[sameKey(d)] = true
			kept[n] = append(kept[n], d)
		}
	}
	var all []diagnostics.Diagnostic
	for _, n := range names {
		switch {
		case n == LayerSyntax:
			all = append(all, static...)
		case evalLayer(n):
			all = append(all, kept[n]...)
		default:
			all = append(all, layers[n]...)
		}
	}
	return all
}

func hasCode(ds []diagnostics.Diagnostic, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

// nixSyntaxError is Nix's own parse failure (a nix-error whose headline is
// Nix's "syntax error, ..."), as opposed to an evaluation error.
func nixSyntaxError(d diagnostics.Diagnostic) bool {
	return d.Code == diagnostics.CodeNixError && strings.HasPrefix(d.Message, "syntax error")
}

// nixUndefined is Nix's "undefined variable 'x'" for a name our scope
// check already reports in the file (with its position where the name is
// written; Nix stops at the first one).
func nixUndefined(static []diagnostics.Diagnostic, d diagnostics.Diagnostic) bool {
	if d.Code != diagnostics.CodeNixError || !strings.HasPrefix(d.Message, "undefined variable '") {
		return false
	}
	for _, s := range static {
		if s.Code == diagnostics.CodeUndefined && s.File == d.File && strings.HasPrefix(d.Message, s.Message) {
			return true
		}
	}
	return false
}

// sameKey identifies a finding two profiles importing one file both report.
func sameKey(d diagnostics.Diagnostic) string {
	return d.Code + "\x00" + d.Message + "\x00" + fingerprint([]diagnostics.Diagnostic{{Range: d.Range}})
}

// sameAsStatic says whether e repeats a static finding; that one stays,
// taking e's range when it lies inside its own (more precise; a key next
// to the literal is not: the static fix replaces the literal).
func sameAsStatic(static []diagnostics.Diagnostic, e diagnostics.Diagnostic) bool {
	i := sameProblem(static, e)
	if i < 0 {
		return false
	}
	if within(e.Range, static[i].Range) && size(e.Range) < size(static[i].Range) {
		static[i].Range = e.Range
	}
	return true
}

// sameProblem is the index of the static finding e repeats, or -1. Only
// codes both layers compute count (secrets checked before and after
// evaluation); a syntax or scope code never comes from Nix.
func sameProblem(static []diagnostics.Diagnostic, e diagnostics.Diagnostic) int {
	for i, s := range static {
		if s.Code == e.Code && s.File == e.File && (s.Range.Start.Line == e.Range.Start.Line || overlap(s.Range, e.Range)) {
			return i
		}
	}
	return -1
}

func overlap(a, b diagnostics.Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

// within says a lies inside b.
func within(a, b diagnostics.Range) bool {
	return !before(a.Start, b.Start) && !before(b.End, a.End)
}

func before(a, b diagnostics.Pos) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
}

// size orders ranges by extent: lines first, then columns.
func size(r diagnostics.Range) int {
	return (r.End.Line-r.Start.Line)*1_000_000 + r.End.Col - r.Start.Col
}

// lineCache compares evaluated texts with the current one, once per
// distinct text: a file many profiles import has one evaluation layer per
// profile, mostly computed on the same text.
type lineCache struct {
	cur  []byte
	base []byte
	lc   diagnostics.LineChange
}

// shiftStale moves ds, computed on base, onto the current text: findings
// on the common head stay, those on the common tail move by the change in
// line count, those on the lines in between (edited since) are dropped.
func (c *lineCache) shiftStale(ds []diagnostics.Diagnostic, base []byte) []diagnostics.Diagnostic {
	if base == nil || c.cur == nil || bytes.Equal(base, c.cur) {
		return ds
	}
	if c.base == nil || !bytes.Equal(base, c.base) {
		c.base, c.lc = base, diagnostics.CompareLines(base, c.cur)
	}
	out := make([]diagnostics.Diagnostic, 0, len(ds))
	for _, d := range ds {
		if shift, ok := c.lc.Moved(d.Range.Start.Line, d.Range.End.Line); ok {
			d.Range.Start.Line += shift
			d.Range.End.Line += shift
			out = append(out, d)
		}
	}
	return out
}
