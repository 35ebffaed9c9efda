// Package ide holds the editor features of insomnia-lsp on plain types, without the protocol.
package ide

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// MaxHintValue is how many characters of a resolved value a hint shows
// before it cuts with "…": enough for a model ref, short enough for a line.
const MaxHintValue = 40

// maxHintTooltip bounds the full value shown when hovering a hint.
const maxHintTooltip = 4000

// InlayHint is one resolved value shown after an attribute's value.
type InlayHint struct {
	Pos     diagnostics.Pos // the end of the value (before `;`)
	Label   string          // "= " and the compact value, cut at MaxHintValue
	Tooltip string          // the whole value, indented (bounded)
}

// Evaluated is what the hints are built from: the last good evaluation's
// display manifest (already redacted: secrets are references) and the
// profile text that evaluation ran on.
type Evaluated struct {
	Display json.RawMessage
	Text    []byte
}

// ResolvedHints shows, after every attribute of f whose value is not a
// literal (a reference, an inherit, a call, a merge...), what it resolved
// to in ev. toManifest maps an attribute path of f to a manifest path (nil:
// not a manifest attribute). A binding on a line that differs from the
// evaluated text gets no hint: its value may have changed since.
func ResolvedHints(f *nixsyntax.File, ev Evaluated, toManifest func([]string) []string) []InlayHint {
	if f == nil || ev.Display == nil {
		return nil
	}
	fresh := freshLines(ev.Text, f.Src)
	var out []InlayHint
	for _, site := range hintSites(f) {
		if !fresh(f.Lines.Pos(site.start).Line, f.Lines.Pos(site.end).Line) {
			continue
		}
		mpath := toManifest(site.path)
		if len(mpath) == 0 {
			continue
		}
		raw, ok := hintValueAt(ev.Display, mpath)
		if !ok {
			continue
		}
		out = append(out, InlayHint{Pos: f.Lines.Pos(site.end), Label: "= " + hintLabel(raw),
			Tooltip: hintTooltip(raw)})
	}
	return out
}

// hintSite is an attribute whose value is computed: its attribute path and
// the bytes [start, end) that must be unchanged for its hint to show.
type hintSite struct {
	path       []string
	start, end int
}

// hintSites lists the bindings and inherited names of attribute sets (not
// let bindings: they are not manifest attributes) with computed values.
func hintSites(f *nixsyntax.File) []hintSite {
	var out []hintSite
	for id := range f.Nodes {
		set := nixsyntax.NodeID(id)
		if k := f.Nodes[id].Kind; k != nixsyntax.NAttrSet && k != nixsyntax.NLetLegacy {
			continue
		}
		for _, b := range f.Kids(set) {
			switch f.Node(b).Kind {
			case nixsyntax.NBinding:
				out = appendBindingSite(f, out, b)
			case nixsyntax.NInherit:
				out = appendInheritSites(f, out, b)
			}
		}
	}
	return out
}

func appendBindingSite(f *nixsyntax.File, out []hintSite, b nixsyntax.NodeID) []hintSite {
	kids := f.Kids(b)
	if len(kids) != 2 || isLiteral(f, kids[1]) {
		return out
	}
	path, ok := bindingPath(f, kids[0])
	if !ok {
		return out
	}
	return append(out, hintSite{path: path, start: int(f.Node(b).Start), end: int(f.Node(kids[1]).End)})
}

// bindingPath is the attribute path a binding defines in the file's
// result. CursorAt knows which sets make it up (function arguments, `//`
// operands...): on the first key it must see a key of such a set, not a
// value (a set inside a list or a let binding has no attribute path).
func bindingPath(f *nixsyntax.File, keys nixsyntax.NodeID) ([]string, bool) {
	names := []string{}
	for _, k := range f.Kids(keys) {
		name, ok := f.AttrName(k)
		if !ok {
			return nil, false // a dynamic key
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, false
	}
	c, ok := nixsyntax.CursorAt(f, int(f.Node(keys).Start))
	if !ok || c.InValue || c.Key != names[0] {
		return nil, false
	}
	return append(slices.Clone(c.Path), names...), true
}

func appendInheritSites(f *nixsyntax.File, out []hintSite, b nixsyntax.NodeID) []hintSite {
	for _, name := range f.Kids(b) {
		n := f.Node(name)
		if n.Kind != nixsyntax.NAttrName && n.Kind != nixsyntax.NString {
			continue // the (from) expression
		}
		c, ok := nixsyntax.CursorAt(f, int(n.Start))
		if !ok || c.InValue || c.Key == "" {
			continue
		}
		path := append(slices.Clone(c.Path), c.Key)
		out = append(out, hintSite{path: path, start: int(f.Node(b).Start), end: int(n.End)})
	}
	return out
}

// isLiteral says a value shows what it is already: a constant, or a list
// or an attribute set written out. A set's own attributes get hints, so
// only within a list (whose elements have no attribute path) must a set
// hold nothing but literals.
func isLiteral(f *nixsyntax.File, id nixsyntax.NodeID) bool {
	if f.Node(id).Kind == nixsyntax.NAttrSet {
		return true
	}
	return isConstant(f, id)
}

// isConstant says a value is written out in full, attribute sets included.
func isConstant(f *nixsyntax.File, id nixsyntax.NodeID) bool {
	n := f.Node(id)
	kids := f.Kids(id)
	switch n.Kind {
	case nixsyntax.NInt, nixsyntax.NFloat, nixsyntax.NURI:
		return true
	case nixsyntax.NString, nixsyntax.NIndString, nixsyntax.NPath:
		_, ok := f.StringValue(id)
		return ok || n.Kind == nixsyntax.NPath && len(kids) <= 1
	case nixsyntax.NIdent:
		t := f.Text(id)
		return t == "true" || t == "false" || t == "null"
	case nixsyntax.NParen:
		return len(kids) == 1 && isConstant(f, kids[0])
	case nixsyntax.NUnary:
		return n.Op == nixsyntax.TMinus && len(kids) == 1 && isConstant(f, kids[0])
	case nixsyntax.NList:
		return allConstant(f, kids)
	case nixsyntax.NAttrSet:
		if n.Flags&nixsyntax.FlagRec != 0 {
			return false // its values may refer to each other
		}
		for _, b := range kids {
			bk := f.Kids(b)
			if f.Node(b).Kind != nixsyntax.NBinding || len(bk) != 2 || !isConstant(f, bk[1]) {
				return false
			}
		}
		return true
	}
	return false
}

func allConstant(f *nixsyntax.File, ids []nixsyntax.NodeID) bool {
	for _, k := range ids {
		if !isConstant(f, k) {
			return false
		}
	}
	return true
}

// freshLines says whether the current lines first..last are unchanged since
// the evaluated text. Lines are matched through the common prefix and the
// common suffix of the two texts, so an insertion above a binding keeps its
// hint; everything between the first and the last changed line is stale.
func freshLines(evaluated, current []byte) func(first, last int) bool {
	if evaluated == nil {
		return func(int, int) bool { return false }
	}
	return diagnostics.CompareLines(evaluated, current).Unchanged
}

// hintValueAt is the raw JSON at path in a display manifest.
func hintValueAt(display json.RawMessage, path []string) (json.RawMessage, bool) {
	raw := display
	for _, k := range path {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil, false
		}
		next, ok := obj[k]
		if !ok {
			return nil, false
		}
		raw = next
	}
	return raw, true
}

// hintLabel is a value as compact JSON with secret references written
// `secret:<id>`, cut at MaxHintValue characters.
func hintLabel(raw json.RawMessage) string {
	var b strings.Builder
	writeCompact(&b, raw, 4*MaxHintValue)
	return truncateRunes(b.String(), MaxHintValue)
}

// writeCompact renders raw, keeping key order, and stops once b holds more
// than budget bytes (the label is cut anyway; a manifest can be large).
func writeCompact(b *strings.Builder, raw json.RawMessage, budget int) {
	if b.Len() > budget {
		return
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	switch raw[0] {
	case '{':
		writeObject(b, raw, budget)
	case '[':
		var elems []json.RawMessage
		_ = json.Unmarshal(raw, &elems)
		b.WriteByte('[')
		for i, e := range elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompact(b, e, budget)
		}
		b.WriteByte(']')
	default:
		var buf bytes.Buffer
		if json.Compact(&buf, raw) != nil {
			buf.Reset()
			buf.Write(raw)
		}
		b.Write(buf.Bytes())
	}
}

func writeObject(b *strings.Builder, raw json.RawMessage, budget int) {
	members := objectMembers(raw)
	if ref, ok := secretRef(members); ok {
		b.WriteString("secret:" + ref)
		return
	}
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(m.key)
		b.Write(key)
		b.WriteByte(':')
		writeCompact(b, m.value, budget)
	}
	b.WriteByte('}')
}

type member struct {
	key   string
	value json.RawMessage
}

// objectMembers decodes an object's members in source order.
func objectMembers(raw json.RawMessage) []member {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		var v json.RawMessage
		if err != nil || !isKey || dec.Decode(&v) != nil {
			return out
		}
		out = append(out, member{key, v})
	}
	return out
}

// secretRef recognises {"kind":"secret_ref","ref":id}.
func secretRef(ms []member) (string, bool) {
	kind, ref := "", ""
	for _, m := range ms {
		switch m.key {
		case "kind":
			_ = json.Unmarshal(m.value, &kind)
		case "ref":
			_ = json.Unmarshal(m.value, &ref)
		}
	}
	return ref, kind == "secret_ref" && ref != ""
}

func hintTooltip(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return ""
	}
	return truncateRunes(buf.String(), maxHintTooltip)
}

// truncateRunes cuts s to n characters, the last being "…" when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
