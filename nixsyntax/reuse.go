package nixsyntax

import (
	"cmp"
	"slices"
	"sort"
	"sync/atomic"
)

// memo holds what was computed on one tree that the trees spliced from it
// (Reparse) take over for their unchanged subtrees. It is its own
// allocation and refers to no File, so a spliced tree keeps its
// predecessor's results alive, never the chain of trees before it.
type memo struct {
	// Set once, when computed (File.scopes, KeptStrings); read by the next
	// tree's computations, which may run before or after: absent means
	// computing everything.
	scope atomic.Pointer[scopeInfo]
	kept  atomic.Pointer[keptMemo]
}

// origin is what a spliced tree knows of the tree it was spliced from:
// which of its nodes are copies of old ones, and where those were.
type origin struct {
	prev *memo
	// New ids [lo, newHi) are the reparsed region's; an id at or past newHi
	// is old id + dn; one below lo is the same id.
	lo, newHi, dn NodeID
	// The region is new bytes [start, newEnd); the old bytes after it moved
	// by delta.
	start, newEnd, delta int
}

// unchanged is the old id of node id when the node and all below it are a
// copy of the old tree's (outside the reparsed region and around none of
// it), with how far its ids and offsets moved.
func (o *origin) unchanged(f *File, id NodeID) (old, idShift NodeID, offShift int, ok bool) {
	switch {
	case id < o.lo:
		old = id
	case id >= o.newHi:
		old, idShift, offShift = id-o.dn, o.dn, o.delta
	default:
		return 0, 0, 0, false
	}
	if n := &f.Nodes[id]; int(n.Start) < o.newEnd && int(n.End) > o.start {
		return 0, 0, 0, false // it encloses the region: its content changed
	}
	return old, idShift, offShift, true
}

// record is what a tree keeps of one subtree for the next tree (subRec,
// emptyRec), looked up by the subtree's node id.
type record interface{ subtree() NodeID }

func (r subRec) subtree() NodeID   { return r.node }
func (r emptyRec) subtree() NodeID { return r.node }

// recordOf finds the record in prev (in node order) of the old copy of
// subtree id, with how far the subtree's ids and offsets moved.
func recordOf[R record](o *origin, f *File, id NodeID, prev []R) (i int, idShift NodeID, offShift int, ok bool) {
	if o == nil || len(prev) == 0 {
		return 0, 0, 0, false
	}
	old, idShift, offShift, ok := o.unchanged(f, id)
	if !ok {
		return 0, 0, 0, false
	}
	i = sort.Search(len(prev), func(i int) bool { return prev[i].subtree() >= old })
	if i == len(prev) || prev[i].subtree() != old {
		return 0, 0, 0, false
	}
	return i, idShift, offShift, true
}

// inNodeOrder says whether records can be looked up by id (a walk records
// subtrees as they end, which is their id order in the trees Parse builds).
func inNodeOrder[R record](rs []R) bool {
	return slices.IsSortedFunc(rs, func(a, b R) int { return cmp.Compare(a.subtree(), b.subtree()) })
}
