package nixsyntax

import (
	"bytes"
	"sort"
	"unsafe"
)

// Reparse is Parse(src) for src, a new text of the buffer old was parsed
// from. When the edit lies among the bindings of one attribute set or let
// of a tree without syntax errors, only those bindings are lexed and
// parsed again and the rest of old is copied with shifted offsets and ids:
// a keystroke in a 1,000-line profile reparses a line, not the file. The
// result is the tree Parse(src) builds, node for node (TestReparse and
// FuzzReparse compare them); whenever that cannot be shown from old, it is
// Parse(src). old is only read: readers may hold it.
func Reparse(old *File, src []byte) *File {
	if old != nil {
		if f := splice(old, src); f != nil {
			return f
		}
	}
	return Parse(src)
}

// edit is where two texts differ: old bytes [at, oldEnd) became new bytes
// [at, oldEnd+delta).
type edit struct{ at, oldEnd, delta int }

// diffOf is the edit between a and b (false when they are equal).
func diffOf(a, b []byte) (edit, bool) {
	n := min(len(a), len(b))
	pre := 0
	for pre+64 <= n && bytes.Equal(a[pre:pre+64], b[pre:pre+64]) { // a block at a time: memeq is vectorised
		pre += 64
	}
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	if pre == len(a) && pre == len(b) {
		return edit{}, false
	}
	suf := 0
	for suf+64 <= n-pre && bytes.Equal(a[len(a)-suf-64:len(a)-suf], b[len(b)-suf-64:len(b)-suf]) {
		suf += 64
	}
	for suf < n-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return edit{at: pre, oldEnd: len(a) - suf, delta: len(b) - len(a)}, true
}

// listScope is a binding list the edit lies in: an attribute set, a let or
// a legacy let, with how many nodes enclose it.
type listScope struct {
	id        NodeID
	ancestors int
}

// splice is Reparse's incremental path, or nil.
func splice(old *File, src []byte) *File {
	if len(old.errs) > 0 {
		return nil // error recovery looks further than a binding: parse it all
	}
	e, ok := diffOf(old.Src, src)
	if !ok {
		return nil
	}
	lists := listsAround(old, e)
	for i := len(lists) - 1; i >= 0; i-- { // innermost first: the smallest region
		if f := spliceList(old, src, e, lists[i]); f != nil {
			return f
		}
	}
	return nil
}

// listsAround are the binding lists whose node contains the edit,
// outermost first.
func listsAround(f *File, e edit) []listScope {
	var out []listScope
	cur, depth := f.Root, 0
	for cur != NoNode {
		n := &f.Nodes[cur]
		if n.Kind == NAttrSet || n.Kind == NLet || n.Kind == NLetLegacy {
			out = append(out, listScope{id: cur, ancestors: depth})
		}
		next := NoNode
		for _, k := range f.Kids(cur) {
			if kn := &f.Nodes[k]; int(kn.Start) <= e.at && e.oldEnd <= int(kn.End) {
				next = k
				break
			}
		}
		cur, depth = next, depth+1
	}
	return out
}

// region is the part of a binding list a splice replaces: the affected
// bindings bs[first:last+1] (none when last < first) and the bytes between
// their unaffected neighbours, [start, end) in the old text.
type region struct {
	bs          []NodeID
	first, last int
	start, end  int
}

// regionOf finds the bindings of list x the edit touches (a binding that
// merely ends where the edit starts counts: what follows its ';' changes).
func regionOf(f *File, x NodeID, e edit) (region, bool) {
	bs := f.Kids(x)
	if f.Nodes[x].Kind == NLet {
		bs = bs[:len(bs)-1] // the body
	}
	r := region{bs: bs}
	r.first = sort.Search(len(bs), func(i int) bool { return int(f.Nodes[bs[i]].End) >= e.at })
	r.last = sort.Search(len(bs), func(i int) bool { return int(f.Nodes[bs[i]].Start) > e.oldEnd }) - 1
	open, close, ok := listBounds(f, x, bs)
	if !ok {
		return r, false
	}
	r.start, r.end = open, close
	if r.first > 0 {
		r.start = int(f.Nodes[bs[r.first-1]].End)
	}
	if r.last+1 < len(bs) {
		r.end = int(f.Nodes[bs[r.last+1]].Start)
	}
	// Unchanged bytes on both sides of the edit keep the tokens around the
	// region as they were (a name typed right after `let` or right before
	// the next binding's name would join it).
	return r, r.start < e.at && e.oldEnd < r.end
}

// listBounds are the end of a list's opening token (`{`, `let`) and the
// start of its closing one (`}`, `in`).
func listBounds(f *File, x NodeID, bs []NodeID) (open, close int, ok bool) {
	n := &f.Nodes[x]
	i := tokenAt(f, int(n.Start))
	if n.Kind != NLet {
		for i < len(f.Tokens) && f.Tokens[i].Kind != TLBrace {
			i++
		}
		last := tokenAt(f, int(n.End)-1)
		if i == len(f.Tokens) || last == len(f.Tokens) || f.Tokens[last].Kind != TRBrace {
			return 0, 0, false
		}
		return int(f.Tokens[i].End), int(f.Tokens[last].Start), true
	}
	open = int(f.Tokens[i].End) // `let`
	from := open
	if len(bs) > 0 {
		from = int(f.Nodes[bs[len(bs)-1]].End)
	}
	j := tokenAt(f, from)
	for j < len(f.Tokens) && f.Tokens[j].Kind.Trivia() {
		j++
	}
	if j == len(f.Tokens) || f.Tokens[j].Kind != TIn {
		return 0, 0, false
	}
	return open, int(f.Tokens[j].Start), true
}

// tokenAt is the index of the first token starting at or after off.
func tokenAt(f *File, off int) int {
	return sort.Search(len(f.Tokens), func(i int) bool { return int(f.Tokens[i].Start) >= off })
}

// spliceList reparses region r of list x, or returns nil.
func spliceList(old *File, src []byte, e edit, x listScope) *File {
	r, ok := regionOf(old, x.id, e)
	if !ok || 2*(r.end-r.start+e.delta) > len(src) {
		return nil // a region of half the file is no cheaper than the file
	}
	sub, binds := parseRegion(src, r.start, r.end+e.delta, x.ancestors)
	if sub == nil || r.first == 0 && len(binds) == 0 {
		// An emptied list can turn `{ }:` into a lambda: the parser looks
		// past the `{` to choose.
		return nil
	}
	return join(old, src, e, x.id, r, sub, binds)
}

// parseRegion lexes and parses src[start:end] as a binding list, with node
// offsets in src. It is nil unless that is certainly what Parse(src) does
// there: no lexing or syntax error, every string and brace closed, and a
// last token (';' or white space) that cannot run on into the next one.
func parseRegion(src []byte, start, end, ancestors int) (*File, []NodeID) {
	lx := lexAll(src[start:end])
	toks := lx.toks
	if len(lx.errors) > 0 || len(lx.modes) > 0 || len(toks) < 2 {
		return nil, nil
	}
	if k := toks[len(toks)-2].Kind; k != TSemi && k != TWhitespace {
		return nil, nil
	}
	for i := range toks {
		toks[i].Start += int32(start)
		toks[i].End += int32(start)
	}
	sub := &File{Src: src, text: unsafe.String(unsafe.SliceData(src), len(src)), Tokens: toks}
	n := nodeEstimate(toks)
	sub.Nodes, sub.kids = make([]Node, 0, n), make([]NodeID, 0, n)
	// depth: each open enter() (expr, binary, list, select's default)
	// returns an enclosing node, and at most two (expr and its binary)
	// return the same one, so Parse's depth at the list is at most
	// 2*(ancestors+1); starting above it, an overflow here only ever
	// falls back to Parse (TestReparseDepthLimit).
	p := &parser{f: sub, toks: toks, lastEnd: int32(start), depth: 2*ancestors + 8}
	p.skipTrivia()
	p.binds(TEOF)
	if p.peek() != TEOF || len(sub.errs) > 0 || p.aborted {
		return nil, nil
	}
	return sub, p.stack
}

// firstNode is the smallest id in id's subtree (nodes are numbered in the
// order they are finished, children first).
func firstNode(f *File, id NodeID) NodeID {
	for {
		ks := f.Kids(id)
		if len(ks) == 0 {
			return id
		}
		id = ks[0]
	}
}

// join builds the new tree: old's nodes and tokens before the region, the
// region's, and old's after it with offsets moved by the edit and ids by
// the change in node count. Children lists are laid out in node order, so
// those of the nodes after the region are old's from hi's on, renumbered,
// with x's own list rebuilt.
func join(old *File, src []byte, e edit, x NodeID, r region, sub *File, binds []NodeID) *File {
	lo := firstNode(old, x)
	if r.first > 0 {
		lo = r.bs[r.first-1] + 1
	}
	hi := lo
	if r.last >= r.first {
		if firstNode(old, r.bs[r.first]) != lo {
			return nil // not the contiguous numbering join relies on
		}
		hi = r.bs[r.last] + 1
	}
	dn := NodeID(len(sub.Nodes)) - (hi - lo)
	f := &File{Src: src, text: unsafe.String(unsafe.SliceData(src), len(src)), Lines: old.Lines.Edited(src, e.at, e.oldEnd, e.delta),
		results: new(memo)}
	if old.results != nil {
		f.origin = &origin{prev: old.results, lo: lo, newHi: lo + NodeID(len(sub.Nodes)), dn: dn,
			start: r.start, newEnd: r.end + e.delta, delta: e.delta}
	}
	k0, k1 := old.Nodes[lo].kids, old.Nodes[hi].kids
	xn := old.Nodes[x]
	f.kids = make([]NodeID, 0, len(old.kids)+len(sub.kids)+len(binds))
	f.kids = append(f.kids, old.kids[:k0]...)
	f.kids = appendMoved(f.kids, sub.kids, 0, lo)
	base := int32(len(f.kids)) - k1 // where old's lists from k1 on now start, less k1
	f.kids = appendMoved(f.kids, old.kids[k1:xn.kids], hi, dn)
	xKids := int32(len(f.kids))
	ks := old.kids[xn.kids : xn.kids+xn.nkids]
	f.kids = append(f.kids, ks[:r.first]...)
	f.kids = appendMoved(f.kids, binds, 0, lo)
	f.kids = appendMoved(f.kids, ks[r.last+1:], hi, dn)
	grown := int32(len(f.kids)) - xKids - xn.nkids // x's list is longer by this
	f.kids = appendMoved(f.kids, old.kids[xn.kids+xn.nkids:], hi, dn)
	f.Nodes = joinNodes(old, sub, lo, hi, x, k0, base, grown, r.end, e.delta)
	f.Root = appendMoved(nil, []NodeID{old.Root}, hi, dn)[0]
	f.Tokens = joinTokens(old, sub, r, e)
	return f
}

// joinNodes is old's nodes before the region (lo), the region's, and
// old's from hi on: offsets past the region's end moved by delta, children
// lists by base, and x's own list grown (the lists after it move again).
// Copied, then moved in place: a keystroke copies every node.
func joinNodes(old, sub *File, lo, hi, x NodeID, k0, base, grown int32, end, delta int) []Node {
	nodes := make([]Node, int(lo)+len(sub.Nodes)+len(old.Nodes)-int(hi))
	copy(nodes, old.Nodes[:lo])
	mid := nodes[lo : int(lo)+len(sub.Nodes)]
	copy(mid, sub.Nodes)
	for i := range mid {
		mid[i].kids += k0
	}
	tail := nodes[int(lo)+len(sub.Nodes):]
	copy(tail, old.Nodes[hi:])
	e, d := int32(end), int32(delta)
	for i := range tail {
		n := &tail[i]
		if n.Start >= e {
			n.Start += d
		}
		if n.End >= e {
			n.End += d
		}
		n.kids += base
	}
	xi := x - hi
	tail[xi].nkids += grown
	for i := range tail[xi+1:] {
		tail[int(xi)+1+i].kids += grown
	}
	return nodes
}

// appendMoved appends ids to dst, those at or after from moved by dn.
func appendMoved(dst, ids []NodeID, from, dn NodeID) []NodeID {
	n := len(dst)
	dst = append(dst, ids...)
	if dn == 0 {
		return dst
	}
	moved := dst[n:]
	for i, k := range moved {
		if k >= from {
			moved[i] = k + dn
		}
	}
	return dst
}

// shifted moves an old offset at or after the region's end by delta.
func shifted(off int32, end, delta int) int32 {
	if int(off) >= end {
		return off + int32(delta)
	}
	return off
}

// joinTokens is old's tokens before the region, the region's (without its
// end-of-file token) and old's from the region's end on, moved.
func joinTokens(old, sub *File, r region, e edit) []Token {
	ti, tj := tokenAt(old, r.start), tokenAt(old, r.end)
	region := sub.Tokens[:len(sub.Tokens)-1]
	out := make([]Token, 0, ti+len(region)+len(old.Tokens)-tj)
	out = append(out, old.Tokens[:ti]...)
	out = append(out, region...)
	n := len(out)
	out = append(out, old.Tokens[tj:]...)
	moved, d := out[n:], int32(e.delta)
	for i := range moved {
		moved[i].Start += d
		moved[i].End += d
	}
	return out
}
