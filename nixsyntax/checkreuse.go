package nixsyntax

import "math"

// minReused is the nodes a subtree's walk must visit to be recorded:
// copying a record costs about a walk of that many.
const minReused = 8

// walkSub walks a binding's value or a list element, and records it when
// it turns out closed, so the checker of the next keystroke's tree can
// copy its results instead of walking it again (see reuse).
func (c *checker) walkSub(id NodeID) {
	if c.reuse(id) {
		return
	}
	if c.tries[c.f.unparen(id)] != 0 {
		// An enclosing set merged into this one: its duplicates were
		// reported there, so its walk alone is not all of its checks.
		c.walk(id)
		return
	}
	info := c.info
	r := subRec{node: id, depth: int32(c.depth), with: c.inWith(), subs0: int32(len(info.subs)),
		defs0: int32(len(info.defs)), diags0: int32(len(info.diags)), uses0: int32(len(info.uses)), free0: int32(len(info.free))}
	outer, walked := c.minUse, c.walked
	c.minUse = math.MaxInt32
	c.walk(id)
	// Closed when no use meant a definition from outside; worth a record
	// when copying it is cheaper than walking it again.
	if c.minUse >= r.defs0 && c.walked-walked >= minReused {
		r.defs1, r.diags1 = int32(len(info.defs)), int32(len(info.diags))
		r.uses1, r.free1 = int32(len(info.uses)), int32(len(info.free))
		info.subs = append(info.subs, r)
	}
	c.minUse = min(outer, c.minUse)
}

// reuse copies the checks of the old tree's copy of subtree id, when there
// is one and it was closed in the same surroundings: the same depth, the
// same `with` around it, and every name no definition bound there still
// unbound here. Its results are then what walking it would give.
func (c *checker) reuse(id NodeID) bool {
	if c.prev == nil {
		return false
	}
	subs := c.prev.subs
	i, dID, dOff, ok := recordOf(c.origin, c.f, id, subs)
	if !ok {
		return false
	}
	r := &subs[i]
	if int(r.depth) != c.depth || r.with != c.inWith() || c.tries[c.f.unparen(id)] != 0 {
		return false
	}
	for _, u := range c.prev.free[r.free0:r.free1] {
		if _, bound := c.lookup(c.useName(u + dID)); bound {
			return false
		}
	}
	c.copySub(subs[r.subs0:i+1], dID, dOff)
	return true
}

// useName is the name a variable use reads: an identifier, or an
// inherited name.
func (c *checker) useName(id NodeID) []byte {
	n := &c.f.Nodes[id]
	if n.Kind == NIdent {
		return c.f.Src[n.Start:n.End]
	}
	name, _ := c.f.AttrName(id)
	return []byte(name)
}

// copySub appends the old results of a closed subtree (rs: the records of
// the subtrees inside it, then its own) with ids and offsets moved, as its
// walk would have appended them.
func (c *checker) copySub(rs []subRec, dID NodeID, dOff int) {
	p, info, r := c.prev, c.info, rs[len(rs)-1]
	at := subRec{subs0: int32(len(info.subs)), defs0: int32(len(info.defs)), diags0: int32(len(info.diags)),
		uses0: int32(len(info.uses)), free0: int32(len(info.free))}
	for _, s := range rs {
		s.node += dID
		s.subs0 += at.subs0 - r.subs0
		s.defs0, s.defs1 = s.defs0+at.defs0-r.defs0, s.defs1+at.defs0-r.defs0
		s.diags0, s.diags1 = s.diags0+at.diags0-r.diags0, s.diags1+at.diags0-r.diags0
		s.uses0, s.uses1 = s.uses0+at.uses0-r.uses0, s.uses1+at.uses0-r.uses0
		s.free0, s.free1 = s.free0+at.free0-r.free0, s.free1+at.free0-r.free0
		info.subs = append(info.subs, s)
	}
	for _, d := range p.defs[r.defs0:r.defs1] {
		d.node, d.scope = d.node+dID, d.scope+dID
		d.name = c.defName(d.node) // the old name is a view of the old text
		info.defs = append(info.defs, d)
	}
	for _, g := range p.diags[r.diags0:r.diags1] {
		g.start, g.end = g.start+dOff, g.end+dOff
		if g.related != NoNode {
			g.related += dID
		}
		info.diags = append(info.diags, g)
	}
	for _, u := range p.uses[r.uses0:r.uses1] {
		u.node, u.def = u.node+dID, u.def-r.defs0+at.defs0
		info.uses = append(info.uses, u)
	}
	for _, u := range p.free[r.free0:r.free1] {
		info.free = append(info.free, u+dID)
	}
}

// defName is the name a definition's node binds.
func (c *checker) defName(id NodeID) string {
	if c.f.Nodes[id].Kind == NParam {
		return c.f.Text(id)
	}
	name, _ := c.f.AttrName(id)
	return name
}
