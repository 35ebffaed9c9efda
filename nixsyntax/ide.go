package nixsyntax

import (
	"sort"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// FindAttr returns the range of the key that defines path in the file's
// result (the attribute set reached through the same expressions as
// CursorAt). For `model.scheme = ...` and path ["model"], it is the range
// of `model`. Useful to place a diagnostic when Nix gives no position.
func FindAttr(f *File, path []string) (diagnostics.Range, bool) {
	if len(path) == 0 {
		return diagnostics.Range{}, false
	}
	if id, ok := f.findIn(f.Root, path, 0); ok {
		return f.NodeRange(id), true
	}
	return diagnostics.Range{}, false
}

// findIn looks for path in the sets that make up the value of id.
func (f *File) findIn(id NodeID, path []string, depth int) (NodeID, bool) {
	if depth > maxDepth {
		return NoNode, false
	}
	n := f.Node(id)
	switch n.Kind {
	case NAttrSet, NLetLegacy:
		return f.findInSet(id, path, depth)
	case NBinary:
		if n.Op != TUpdate {
			return NoNode, false
		}
		kids := f.Kids(id)
		for i := len(kids) - 1; i >= 0; i-- { // the right side of // wins
			if r, ok := f.findIn(kids[i], path, depth+1); ok {
				return r, true
			}
		}
		return NoNode, false
	}
	for _, k := range f.Kids(id) {
		if f.passesSet(id, k) {
			if r, ok := f.findIn(k, path, depth+1); ok {
				return r, true
			}
		}
	}
	return NoNode, false
}

func (f *File) findInSet(set NodeID, path []string, depth int) (NodeID, bool) {
	for _, b := range f.Kids(set) {
		kids := f.Kids(b)
		if f.Nodes[b].Kind == NInherit {
			for _, k := range kids {
				if name, ok := f.AttrName(k); ok && len(path) == 1 && name == path[0] && f.Nodes[k].Kind != NParen {
					return k, true
				}
			}
			continue
		}
		if len(kids) != 2 {
			continue
		}
		keys := f.Kids(kids[0])
		i := 0
		for ; i < len(keys) && i < len(path); i++ {
			if name, ok := f.AttrName(keys[i]); !ok || name != path[i] {
				break
			}
		}
		switch {
		case i == len(path):
			return keys[i-1], true
		case i == len(keys):
			if r, ok := f.findIn(kids[1], path[i:], depth+1); ok {
				return r, true
			}
		}
	}
	return NoNode, false
}

// SymbolKind values match LSP's SymbolKind numbers.
type SymbolKind int

// Symbol kinds used by Symbols.
const (
	SymbolFunction SymbolKind = 12
	SymbolVariable SymbolKind = 13
	SymbolString   SymbolKind = 15
	SymbolNumber   SymbolKind = 16
	SymbolBoolean  SymbolKind = 17
	SymbolArray    SymbolKind = 18
	SymbolObject   SymbolKind = 19
	SymbolNull     SymbolKind = 21
	SymbolField    SymbolKind = 8
)

// Symbol is one binding in the document outline.
type Symbol struct {
	Name      string // the key as written: "model.scheme"
	Kind      SymbolKind
	Range     diagnostics.Range // the whole binding
	Selection diagnostics.Range // the key
	Children  []Symbol
}

// Symbols returns the nested outline of attribute set and let bindings.
// Sets found anywhere inside a value (function arguments, let bodies, ...)
// appear under the nearest enclosing binding.
func Symbols(f *File) []Symbol { return f.symbolsIn(f.Root, 0) }

func (f *File) symbolsIn(id NodeID, depth int) []Symbol {
	if depth > maxDepth {
		return nil
	}
	var out []Symbol
	for _, k := range f.Kids(id) {
		switch f.Nodes[k].Kind {
		case NBinding:
			bk := f.Kids(k)
			if len(bk) != 2 {
				continue
			}
			out = append(out, Symbol{Name: f.Text(bk[0]), Kind: f.symbolKind(bk[1]),
				Range: f.NodeRange(k), Selection: f.NodeRange(bk[0]), Children: f.symbolsIn(bk[1], depth+1)})
		case NInherit:
			for _, name := range f.Kids(k) {
				if kind := f.Nodes[name].Kind; kind == NAttrName || kind == NString {
					r := f.NodeRange(name)
					out = append(out, Symbol{Name: f.Text(name), Kind: SymbolField, Range: r, Selection: r})
				}
			}
		default:
			out = append(out, f.symbolsIn(k, depth+1)...)
		}
	}
	return out
}

func (f *File) symbolKind(value NodeID) SymbolKind {
	value = f.unparen(value)
	switch f.Nodes[value].Kind {
	case NAttrSet, NLetLegacy:
		return SymbolObject
	case NLambda:
		return SymbolFunction
	case NString, NIndString:
		return SymbolString
	case NInt, NFloat:
		return SymbolNumber
	case NList:
		return SymbolArray
	case NIdent:
		switch f.Text(value) {
		case "true", "false":
			return SymbolBoolean
		case "null":
			return SymbolNull
		}
	}
	return SymbolVariable
}

// FoldingRange spans lines StartLine..EndLine (0-based, inclusive).
type FoldingRange struct {
	StartLine, EndLine int
	Kind               string // "comment" or "" (region)
}

// FoldingRanges returns foldable multi-line constructs and comment blocks.
// A range ends on the line before its closing bracket, so the bracket stays
// visible.
func FoldingRanges(f *File) []FoldingRange {
	var out []FoldingRange
	for id := range f.Nodes {
		n := &f.Nodes[id]
		switch n.Kind {
		case NAttrSet, NLetLegacy, NList, NParen, NFormals, NLet, NIndString, NString:
		default:
			continue
		}
		// keep the closing line visible; for let, fold the bindings only
		start, end := f.Lines.Pos(int(n.Start)).Line, f.Lines.Pos(int(n.End)).Line-1
		if n.Kind == NLet {
			end = start
			if kids := f.Kids(NodeID(id)); len(kids) > 1 {
				end = f.Lines.Pos(int(f.Nodes[kids[len(kids)-2]].End)).Line
			}
		}
		if end > start {
			out = append(out, FoldingRange{StartLine: start, EndLine: end})
		}
	}
	out = append(out, f.commentFolds()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartLine < out[j].StartLine })
	return out
}

// commentFolds folds block comments and runs of line comments.
func (f *File) commentFolds() []FoldingRange {
	var out []FoldingRange
	runStart, runEnd := -1, -1
	flush := func() {
		if runStart >= 0 && runEnd > runStart {
			out = append(out, FoldingRange{StartLine: runStart, EndLine: runEnd, Kind: "comment"})
		}
		runStart = -1
	}
	for _, t := range f.Tokens {
		switch t.Kind {
		case TBlockComment:
			flush()
			s, e := f.Lines.Pos(int(t.Start)).Line, f.Lines.Pos(int(t.End)).Line
			if e > s {
				out = append(out, FoldingRange{StartLine: s, EndLine: e, Kind: "comment"})
			}
		case TLineComment:
			line := f.Lines.Pos(int(t.Start)).Line
			if runStart < 0 || line != runEnd+1 {
				flush()
				runStart = line
			}
			runEnd = line
		case TWhitespace:
		default:
			flush()
		}
	}
	flush()
	return out
}

// SelectionRange is a range and the larger range that contains it.
type SelectionRange struct {
	Range  diagnostics.Range
	Parent *SelectionRange
}

// SelectionRanges returns, for each offset, the chain of enclosing syntax
// ranges (innermost first), for "expand selection".
func SelectionRanges(f *File, offsets []int) []SelectionRange {
	out := make([]SelectionRange, len(offsets))
	for i, off := range offsets {
		var cur *SelectionRange
		lastS, lastE := -1, -1
		for _, id := range f.chainAt(off) {
			n := f.Node(id)
			if int(n.Start) == lastS && int(n.End) == lastE {
				continue
			}
			lastS, lastE = int(n.Start), int(n.End)
			cur = &SelectionRange{Range: f.Range(lastS, lastE), Parent: cur}
		}
		// built root first, so cur is the innermost range and Parent points out
		if cur == nil {
			cur = &SelectionRange{Range: f.Range(off, off)}
		}
		out[i] = *cur
	}
	return out
}
