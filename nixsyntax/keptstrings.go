package nixsyntax

// StringFilter picks string literals by their value and attribute path
// (as in StringLit). Name keys what a tree keeps for the trees spliced
// from it: a Name must always come with the same Keep.
type StringFilter struct {
	Name string
	Keep func(path []string, value string) bool
}

// keptMemo is what KeptStrings keeps of one tree: the binding values and
// list elements (walk order, so by id) that held no kept string.
type keptMemo struct {
	name   string
	empty  []emptyRec
	walked int // the nodes the walk visited
}

// emptyRec is one such subtree; the records of those inside it are
// empty[inner0:] up to it.
type emptyRec struct {
	node   NodeID
	inner0 int32
}

// KeptStrings is the literals of Strings(f) that filter keeps, in the same
// order. On a tree Reparse spliced, a subtree copied unchanged that held
// none is not walked again: a keystroke looks at the bindings it touched.
func KeptStrings(f *File, filter StringFilter) []StringLit {
	w := keptWalk{f: f, filter: filter, cur: posCursor{f: f}}
	if o := f.origin; o != nil {
		if m := o.prev.kept.Load(); m != nil && m.name == filter.Name {
			w.origin, w.prev = o, m.empty
		}
	}
	w.walk(f.Root, nil)
	if f.results != nil && inNodeOrder(w.empty) {
		f.results.kept.Store(&keptMemo{name: filter.Name, empty: w.empty, walked: w.walked})
	}
	return w.out
}

// keptWalk is one KeptStrings walk (Strings' walk, filtered).
type keptWalk struct {
	f      *File
	filter StringFilter
	out    []StringLit
	cur    posCursor
	paths  slab[string]
	depth  int
	walked int
	empty  []emptyRec
	origin *origin
	prev   []emptyRec // the old tree's
}

func (w *keptWalk) walk(id NodeID, path []string) {
	if w.depth > 4*maxDepth { // see checker.walk
		return
	}
	w.depth++
	w.walked++
	defer func() { w.depth-- }()
	f := w.f
	switch n := f.Node(id); n.Kind {
	case NString, NIndString:
		if v, ok := f.StringValue(id); ok && w.filter.Keep(path, v) {
			w.out = append(w.out, StringLit{Value: v, Literal: true, Range: w.cur.nodeRange(id), Path: path})
		}
	case NAttrSet, NLetLegacy, NLet:
		w.bindings(id, n.Kind == NLet, path)
	case NAttrPath:
	case NList:
		kids := f.Kids(id)
		for _, k := range kids {
			switch {
			case len(kids) == 1:
				w.walk(k, path) // see checker.walk
			case !w.reuse(k):
				w.sub(k, path)
			}
		}
	default:
		for _, k := range f.Kids(id) {
			w.walk(k, path)
		}
	}
}

// bindings walks a set's or let's values, each with its binding's path
// (a let's start afresh), and a let's body.
func (w *keptWalk) bindings(id NodeID, let bool, path []string) {
	f := w.f
	for _, k := range f.Kids(id) {
		switch f.Nodes[k].Kind {
		case NBinding:
		case NInherit:
			continue
		default:
			w.walk(k, path) // the body of a let
			continue
		}
		bk := f.Kids(k)
		if len(bk) != 2 || w.reuse(bk[1]) {
			continue
		}
		base := path
		if let {
			base = nil
		}
		// One exact-size slice per binding; its strings share it.
		p := append(w.paths.take(len(base)+len(f.Kids(bk[0]))), base...)
		w.sub(bk[1], f.appendKeyTexts(p, bk[0]))
	}
}

// sub walks a binding's value or a list element and records it when it
// held no kept string.
func (w *keptWalk) sub(id NodeID, path []string) {
	r, n := emptyRec{node: id, inner0: int32(len(w.empty))}, len(w.out)
	w.walk(id, path)
	// The walk skips keys and a string's parts: the subtree's size says
	// what a record saves.
	if len(w.out) == n && id-firstNode(w.f, id) >= minReused {
		w.empty = append(w.empty, r)
	}
}

// reuse reports whether subtree id is a copy of an old one that held no
// kept string (its path, made of its ancestors' keys, is the same), and
// then records it and those inside it for the next tree.
func (w *keptWalk) reuse(id NodeID) bool {
	i, dID, _, ok := recordOf(w.origin, w.f, id, w.prev)
	if !ok {
		return false
	}
	rs, at := w.prev[w.prev[i].inner0:i+1], int32(len(w.empty))
	for _, r := range rs {
		w.empty = append(w.empty, emptyRec{node: r.node + dID, inner0: r.inner0 - rs[len(rs)-1].inner0 + at})
	}
	return true
}
