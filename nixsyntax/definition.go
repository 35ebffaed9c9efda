package nixsyntax

import (
	"sort"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Target is where Definition leads: a range in this file, or (when Path is
// set) another file, given as written in the source (resolve it with
// ResolveImport against this file's directory).
type Target struct {
	Range diagnostics.Range
	Path  string
}

// Definition finds the definition of what is at offset: a variable bound by
// let, rec, a lambda formal or argument, or inherit; or the file a literal
// path (such as `import ./file.nix`) points to.
func Definition(f *File, offset int) (Target, bool) {
	chain := f.chainAt(offset)
	if len(chain) == 0 {
		return Target{}, false
	}
	info := f.scopes()
	for i := len(chain) - 1; i >= 0; i-- {
		id := chain[i]
		if d, ok := info.use(id); ok {
			return Target{Range: f.NodeRange(info.defs[d].node)}, true
		}
		if d, ok := f.defAt(id); ok {
			return Target{Range: f.NodeRange(info.defs[d].node)}, true
		}
		if p, ok := f.literalPath(id); ok {
			return Target{Range: f.NodeRange(id), Path: p}, true
		}
	}
	return Target{}, false
}

// defAt finds the definition whose binding name is node id.
func (f *File) defAt(id NodeID) (int32, bool) {
	info := f.scopes()
	info.defOfOnce.Do(func() {
		info.defOf = make(map[NodeID]int32, len(info.defs))
		for i, d := range info.defs {
			info.defOf[d.node] = int32(i)
		}
	})
	d, ok := info.defOf[id]
	return d, ok
}

// Highlight is one occurrence of a binding: its definition (Write) or a use.
type Highlight struct {
	Range diagnostics.Range
	Write bool
}

// Highlights returns the binding at offset (where it is defined or used)
// and all its uses in this file.
func Highlights(f *File, offset int) []Highlight {
	chain := f.chainAt(offset)
	info := f.scopes()
	def := int32(-1)
	for i := len(chain) - 1; i >= 0 && def < 0; i-- {
		if d, ok := f.defAt(chain[i]); ok {
			def = d
		} else if d, ok := info.use(chain[i]); ok {
			def = d
		}
	}
	if def < 0 {
		return nil
	}
	out := []Highlight{{Range: f.NodeRange(info.defs[def].node), Write: true}}
	for _, u := range info.uses {
		if u.def == def {
			out = append(out, Highlight{Range: f.NodeRange(u.node)})
		}
	}
	sortHighlights(out[1:])
	return out
}

func sortHighlights(h []Highlight) {
	sort.Slice(h, func(i, j int) bool {
		a, b := h[i].Range.Start, h[j].Range.Start
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
}
