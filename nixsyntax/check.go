package nixsyntax

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// globals are the names Nix defines at top level (Nix 2.8 plus fetchurl,
// which newer versions add). Every name starting with "__" is accepted too,
// since the builtins Nix exposes that way change between versions.
var globals = map[string]bool{
	"builtins": true, "true": true, "false": true, "null": true, "import": true, "map": true,
	"toString": true, "throw": true, "abort": true, "baseNameOf": true, "dirOf": true,
	"derivation": true, "derivationStrict": true, "isNull": true, "removeAttrs": true,
	"fetchTarball": true, "fetchGit": true, "fetchMercurial": true, "fetchTree": true,
	"fetchurl": true, "fromTOML": true, "placeholder": true, "scopedImport": true,
}

// IsGlobal reports whether name is defined at Nix's top level.
func IsGlobal(name string) bool { return globals[name] || strings.HasPrefix(name, "__") }

// defKind says what introduced a name.
type defKind uint8

// Definition kinds.
const (
	defLet    defKind = iota // let binding (or inherit in let)
	defRec                   // attribute of a rec set or legacy let { }
	defFormal                // name in a lambda's { formals }
	defArg                   // lambda argument name (x: or x@{ })
)

// def is one bound name.
type def struct {
	name  string
	node  NodeID // the NAttrName / NString / NParam that binds it
	scope NodeID // the let / rec set / lambda that binds it
	kind  defKind
	used  bool
}

// use returns the definition a variable use (NIdent or inherited name)
// resolves to.
func (s *scopeInfo) use(id NodeID) (int32, bool) {
	useOf := s.useIndex()
	if int(id) < 0 || int(id) >= len(useOf) || useOf[id] == 0 {
		return 0, false
	}
	return useOf[id] - 1, true
}

// useIndex is uses by node, built for the first query that asks (the
// keystroke's checks never do).
func (s *scopeInfo) useIndex() []int32 {
	s.useOfOnce.Do(func() {
		s.useOf = make([]int32, s.nodes)
		for _, u := range s.uses {
			s.useOf[u.node] = u.def + 1
		}
	})
	return s.useOf
}

// scopeInfo is what checking computes once per file: definitions, which
// variable uses resolve to which definition, and the problems found.
type scopeInfo struct {
	defs  []def
	nodes int // the tree's
	// useOfOnce guards useOf, built on demand from uses: by NodeID, 1 +
	// index in defs of what a variable use (NIdent, inherited name)
	// means; 0 if none.
	useOfOnce sync.Once
	useOf     []int32
	// defOfOnce guards defOf: concurrent queries of a shared tree build it.
	defOfOnce sync.Once
	defOf     map[NodeID]int32 // binding name node -> index in defs (built on demand)
	diags     []checkDiag
	// What the checker of a tree spliced from this one takes over (see
	// walkSub), all in walk order.
	subs   []subRec // the closed subtrees walked (by node id)
	uses   []useRec // the variable uses a definition binds
	free   []NodeID // the variable uses none binds (globals, undefined, under with)
	walked int      // the nodes the checker walked (fewer than all when it reused)
}

type checkDiag struct {
	start, end int
	sev        diagnostics.Severity
	code, msg  string
	related    NodeID // NoNode or the first definition
	// atRelated: the message ends with related's line:col, written when
	// the diagnostic is (a reused diagnostic's definition may have moved).
	atRelated bool
}

// useRec is one variable use and the index in defs of what it means.
type useRec struct {
	node NodeID
	def  int32
}

// subRec is a closed subtree (a binding's value or a list element whose
// variables all mean definitions inside it, or none): its checks are a
// function of its text alone, given the same unbound names, depth and
// `with` around it. The ranges index the scopeInfo's lists: what its walk
// appended.
type subRec struct {
	node                         NodeID
	depth                        int32
	with                         bool
	subs0                        int32 // the closed subtrees inside it: subs[subs0:] up to itself
	defs0, defs1, diags0, diags1 int32
	uses0, uses1, free0, free1   int32
}

// Diagnostics returns syntax errors and static check results, sorted by
// position. path is copied into each diagnostic's File.
func (f *File) Diagnostics(path string) []diagnostics.Diagnostic {
	syntax, checks := f.SyntaxDiagnostics(path), f.scopes().diags
	// Sized at once: appending 100,000 diagnostics (120 bytes each) one by
	// one allocated five times their size.
	out := make([]diagnostics.Diagnostic, 0, len(syntax)+len(checks))
	out = append(out, syntax...)
	for _, c := range checks {
		msg := c.msg
		if c.atRelated {
			msg += f.posText(c.related)
		}
		d := diagnostics.Diagnostic{File: path, Range: f.Range(c.start, c.end), Severity: c.sev,
			Code: c.code, Message: msg}
		if c.related != NoNode {
			d.Related = []diagnostics.Related{{Location: diagnostics.Location{File: path,
				Range: f.NodeRange(c.related)}, Message: "first defined here"}}
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Range.Start, out[j].Range.Start
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return out
}

// scopes runs the checker once and caches the result. A tree is shared
// (the session publishes it before its checks run, and hover may ask
// first), hence the Once.
func (f *File) scopes() *scopeInfo {
	f.scopeOnce.Do(func() {
		c := &checker{f: f, info: &scopeInfo{nodes: len(f.Nodes)}, tries: make([]int32, len(f.Nodes)),
			owned: map[NodeID]frame{}, recHost: map[NodeID]NodeID{}, minUse: math.MaxInt32}
		if f.origin != nil {
			c.origin, c.prev = f.origin, f.origin.prev.scope.Load()
			c.info.sizedAs(c.prev)
		}
		c.walk(f.Root)
		if !inNodeOrder(c.info.subs) {
			c.info.subs = nil // reuse looks them up by id
		}
		c.info.walked = c.walked
		f.scope = c.info
		if f.results != nil {
			f.results.scope.Store(c.info)
		}
	})
	return f.scope
}

// sizedAs gives the lists the room prev's took: a keystroke's tree has
// about as many, and growing them copied each a few times.
func (s *scopeInfo) sizedAs(prev *scopeInfo) {
	if prev == nil {
		return
	}
	room := func(n int) int { return n + n/8 + 8 }
	s.defs = make([]def, 0, room(len(prev.defs)))
	s.diags = make([]checkDiag, 0, room(len(prev.diags)))
	s.subs = make([]subRec, 0, room(len(prev.subs)))
	s.uses = make([]useRec, 0, room(len(prev.uses)))
	s.free = make([]NodeID, 0, room(len(prev.free)))
}

// frame is one scope: the definitions defs[lo:hi] (contiguous, as each
// scope adds its names at once), indexed by a map only when large.
type frame struct {
	lo, hi int32
	index  map[string]int32
	with   bool
}

type checker struct {
	f      *File
	info   *scopeInfo
	frames []frame
	// tries is by NodeID the trie of a set or let, once built: 1 + its
	// index in built (an index, not a pointer: no pointers for the
	// collector to scan in a slice the size of the tree).
	tries   []int32
	built   []*attrTrie
	owned   map[NodeID]frame  // scope frames of lets and rec sets
	recHost map[NodeID]NodeID // value -> rec set it was merged into
	depth   int
	// Reuse of the closed subtrees of the tree f was spliced from (nil
	// when it was not, or its checks are not known).
	origin *origin
	prev   *scopeInfo
	minUse int32 // the smallest defs index a use in the current walkSub meant
	walked int   // nodes walked so far
	// Where the tries' parts come from (see slab).
	entries slab[attrEntry]
	tnodes  slab[attrTrie]
	items   slab[trieItem]
}

// report records a problem. Messages quote source names, and a key pasted
// unquoted is one identifier (`sk-ant-...` lexes as a name): the parser
// knows nothing of secrets, so its one caller that publishes, profile/check
// Static, redacts every message.
func (c *checker) report(start, end int32, sev diagnostics.Severity, code, msg string, related NodeID) {
	c.info.diags = append(c.info.diags, checkDiag{start: int(start), end: int(end), sev: sev, code: code, msg: msg, related: related})
}

func (c *checker) reportNode(id NodeID, sev diagnostics.Severity, code, msg string) {
	n := c.f.Node(id)
	c.report(n.Start, n.End, sev, code, msg, NoNode)
}

func (c *checker) lookup(name []byte) (int32, bool) {
	for i := len(c.frames) - 1; i >= 0; i-- {
		if d, ok := c.find(&c.frames[i], name); ok {
			return d, true
		}
	}
	return 0, false
}

func (c *checker) find(fr *frame, name []byte) (int32, bool) {
	if fr.index != nil {
		d, ok := fr.index[string(name)]
		return d, ok
	}
	for d := fr.lo; d < fr.hi; d++ {
		if c.info.defs[d].name == string(name) {
			return d, true
		}
	}
	return 0, false
}

// smallFrame is the size up to which a linear scan beats a map.
const smallFrame = 8

// closeFrame ends a frame at the current last definition.
func (c *checker) closeFrame(fr *frame) {
	fr.hi = int32(len(c.info.defs))
	if fr.hi-fr.lo > smallFrame {
		fr.index = make(map[string]int32, fr.hi-fr.lo)
		for d := fr.lo; d < fr.hi; d++ {
			if _, dup := fr.index[c.info.defs[d].name]; !dup {
				fr.index[c.info.defs[d].name] = d
			}
		}
	}
}

func (c *checker) inWith() bool {
	for i := range c.frames {
		if c.frames[i].with {
			return true
		}
	}
	return false
}

// use resolves a variable name at node id (an NIdent or an inherited name).
func (c *checker) use(id NodeID, name []byte) {
	if d, ok := c.lookup(name); ok {
		c.info.defs[d].used = true
		c.info.uses = append(c.info.uses, useRec{id, d})
		c.minUse = min(c.minUse, d)
		return
	}
	c.info.free = append(c.info.free, id)
	if IsGlobal(string(name)) || c.inWith() {
		return
	}
	c.reportNode(id, diagnostics.Error, CodeUndefined, "undefined variable '"+string(name)+"'")
}

func (c *checker) walk(id NodeID) {
	// Left-nested chains (a a a ..., a + a + ...) are parsed without
	// recursion, so the tree can be deeper than maxDepth; past a sane depth
	// stop checking rather than risk the stack.
	if c.depth > 4*maxDepth {
		return
	}
	c.depth++
	c.walked++
	defer func() { c.depth-- }()
	f := c.f
	n := f.Node(id)
	switch n.Kind {
	case NIdent:
		c.use(id, f.Src[n.Start:n.End])
	case NLet:
		c.letExpr(id)
	case NAttrSet:
		if n.Flags&FlagRec != 0 {
			c.recSet(id, false)
		} else {
			c.plainSet(id)
		}
	case NLetLegacy:
		c.recSet(id, true)
	case NLambda:
		c.lambda(id)
	case NWith:
		kids := f.Kids(id)
		if len(kids) > 0 {
			c.walk(kids[0])
		}
		c.frames = append(c.frames, frame{with: true})
		for _, k := range kids[1:] {
			c.walk(k)
		}
		c.frames = c.frames[:len(c.frames)-1]
	case NList:
		kids := f.Kids(id)
		for _, k := range kids {
			if len(kids) == 1 {
				c.walk(k) // reused only with the list: `[ [ [ … ] ] ]` would record every level
				continue
			}
			c.walkSub(k)
		}
	default:
		for _, k := range f.Kids(id) {
			c.walk(k)
		}
	}
}

// pushDefs opens a scope binding the first-level names of a set or let.
func (c *checker) pushDefs(owner NodeID, kind defKind) {
	c.frames = append(c.frames, c.frameOf(owner, kind))
}

// frameOf creates (once) the scope frame of a let or rec set.
func (c *checker) frameOf(owner NodeID, kind defKind) frame {
	if fr, ok := c.owned[owner]; ok {
		return fr
	}
	t := c.trie(owner)
	fr := frame{lo: int32(len(c.info.defs))}
	for _, it := range t.order {
		name, e := it.name, it.e
		c.info.defs = append(c.info.defs, def{name: name, node: e.key, scope: owner, kind: kind})
	}
	c.closeFrame(&fr)
	c.owned[owner] = fr
	return fr
}

func (c *checker) pop() { c.frames = c.frames[:len(c.frames)-1] }

// bindingParts walks the values of a set's bindings; inherited names are
// looked up in the scope outside the set (outer), everything else in the
// current one.
func (c *checker) walkBindings(owner NodeID, outer []frame) {
	f := c.f
	for _, b := range f.Kids(owner) {
		switch f.Nodes[b].Kind {
		case NBinding:
			kids := f.Kids(b)
			for i, k := range kids {
				if host, ok := c.recHost[k]; ok && i == len(kids)-1 {
					// `a = rec { }; a.c = v;` puts v inside that rec scope
					c.frames = append(c.frames, c.frameOf(host, defRec))
					c.walk(k)
					c.pop()
					continue
				}
				if i == len(kids)-1 {
					c.walkSub(k)
					continue
				}
				c.walk(k) // keys: only ${} parts hold variables
			}
		case NInherit:
			c.walkInherit(b, outer)
		}
	}
}

func (c *checker) walkInherit(b NodeID, outer []frame) {
	f := c.f
	if f.Nodes[b].Flags&FlagFrom != 0 {
		kids := f.Kids(b)
		if len(kids) > 0 {
			c.walk(kids[0])
		}
		return
	}
	saved := c.frames
	c.frames = outer
	for _, k := range f.Kids(b) {
		if name, ok := f.AttrName(k); ok {
			c.use(k, []byte(name))
		}
	}
	c.frames = saved
}

func (c *checker) plainSet(id NodeID) {
	c.trie(id)
	c.walkBindings(id, c.frames)
}

func (c *checker) recSet(id NodeID, legacyLet bool) {
	outer := c.frames
	c.pushDefs(id, defRec)
	c.walkBindings(id, outer)
	c.pop()
	_ = legacyLet // `body` of let { } is used implicitly; rec names are never reported unused
}

func (c *checker) letExpr(id NodeID) {
	f := c.f
	outer := c.frames
	first := len(c.info.defs)
	c.pushDefs(id, defLet)
	for _, b := range f.Kids(id) {
		if k := f.Nodes[b].Kind; k == NBinding || k == NInherit {
			c.dynamicNotAllowed(b, "let")
		}
	}
	c.walkBindings(id, outer)
	if kids := f.Kids(id); len(kids) > 0 {
		if last := kids[len(kids)-1]; f.Nodes[last].Kind != NBinding && f.Nodes[last].Kind != NInherit {
			c.walk(last)
		}
	}
	c.pop()
	for i := first; i < len(c.info.defs); i++ {
		d := &c.info.defs[i]
		if !d.used && !strings.HasPrefix(d.name, "_") && d.scope == id {
			c.reportNode(d.node, diagnostics.Warning, CodeUnusedBinding, "unused let binding '"+d.name+"'")
		}
	}
}

// dynamicNotAllowed reports ${} keys where Nix forbids them (let, inherit).
func (c *checker) dynamicNotAllowed(b NodeID, where string) {
	f := c.f
	keys := f.Kids(b)
	if f.Nodes[b].Kind == NBinding {
		if len(keys) == 0 || f.Nodes[keys[0]].Kind != NAttrPath {
			return
		}
		keys = f.Kids(keys[0])
		if len(keys) > 0 {
			keys = keys[:1] // only the first key binds a let name
		}
	}
	for _, k := range keys {
		if kind := f.Nodes[k].Kind; kind != NString && kind != NInterp {
			continue
		}
		if _, ok := f.AttrName(k); !ok {
			c.reportNode(k, diagnostics.Error, CodeSyntax, "dynamic attributes not allowed in "+where)
		}
	}
}

func (c *checker) lambda(id NodeID) {
	f := c.f
	arg, formals, body := f.lambdaParts(id)
	first := len(c.info.defs)
	fr := frame{lo: int32(first)}
	bind := func(node NodeID, kind defKind) {
		n := f.Node(node)
		fr.hi = int32(len(c.info.defs))
		if prev, dup := c.find(&fr, f.Src[n.Start:n.End]); dup {
			c.report(n.Start, n.End, diagnostics.Error, CodeDuplicateArg,
				"duplicate formal function argument '"+f.Text(node)+"'", c.info.defs[prev].node)
			return
		}
		c.info.defs = append(c.info.defs, def{name: f.Text(node), node: node, scope: id, kind: kind})
	}
	if formals != NoNode {
		for _, fm := range f.Kids(formals) {
			if kids := f.Kids(fm); len(kids) > 0 {
				bind(kids[0], defFormal)
			}
		}
	}
	if arg != NoNode {
		bind(arg, defArg)
	}
	c.closeFrame(&fr)
	c.frames = append(c.frames, fr)
	if formals != NoNode {
		for _, fm := range f.Kids(formals) {
			if kids := f.Kids(fm); len(kids) > 1 {
				c.walk(kids[1])
			}
		}
	}
	if body != NoNode {
		c.walk(body)
	}
	c.pop()
	for i := first; i < len(c.info.defs); i++ {
		d := &c.info.defs[i]
		if !d.used && !strings.HasPrefix(d.name, "_") && d.scope == id {
			what := "formal"
			if d.kind == defArg {
				what = "argument"
			}
			c.reportNode(d.node, diagnostics.Hint, CodeUnusedFormal, "unused function "+what+" '"+d.name+"'")
		}
	}
}

// --- duplicate attributes (Nix's addAttr in parser.y) ---

type attrEntry struct {
	key       NodeID // name node of the first definition
	inherited bool
	set       NodeID    // NAttrSet literal value, or NoNode
	implicit  *attrTrie // nested set created by a dotted key
	trie      *attrTrie // resolved nested trie (implicit, or the literal's)
}

// attrTrie is one attribute set's names in source order. Most sets are
// small, so lookups scan; a map is built only past trieScan entries.
type attrTrie struct {
	order []trieItem
	index map[string]*attrEntry
}

type trieItem struct {
	name string
	e    *attrEntry
}

const trieScan = 8

// newTrie is an empty trie with room for n names.
func (c *checker) newTrie(n int) *attrTrie {
	t := c.tnodes.new()
	t.order = c.items.take(n)
	return t
}

// newEntry is an entry of the trie being built.
func (c *checker) newEntry(e attrEntry) *attrEntry {
	p := c.entries.new()
	*p = e
	return p
}

func (t *attrTrie) add(name string, e *attrEntry) {
	t.order = append(t.order, trieItem{name, e})
	switch {
	case t.index != nil:
		t.index[name] = e
	case len(t.order) > trieScan:
		// Sized for all the set's bindings (the order's room): growing
		// a map rehashes it.
		t.index = make(map[string]*attrEntry, max(2*len(t.order), cap(t.order)))
		for _, it := range t.order {
			t.index[it.name] = it.e
		}
	}
}

// get is the entry of a name (the last added, as a map would keep).
func (t *attrTrie) get(name string) (*attrEntry, bool) {
	if t.index != nil {
		e, ok := t.index[name]
		return e, ok
	}
	for i := len(t.order) - 1; i >= 0; i-- {
		if t.order[i].name == name {
			return t.order[i].e, true
		}
	}
	return nil, false
}

// trie builds (once) the attribute tree of a set or let node, reporting
// duplicates the way Nix does while adding each binding.
func (c *checker) trie(owner NodeID) *attrTrie {
	if i := c.tries[owner]; i != 0 {
		return c.built[i-1]
	}
	f := c.f
	t := c.newTrie(len(f.Kids(owner)))
	c.built = append(c.built, t)
	c.tries[owner] = int32(len(c.built))
	for _, b := range f.Kids(owner) {
		switch f.Nodes[b].Kind {
		case NBinding:
			kids := f.Kids(b)
			if len(kids) == 2 && f.Nodes[kids[0]].Kind == NAttrPath {
				c.addAttr(t, f.Kids(kids[0]), kids[1], kids[0])
			}
		case NInherit:
			c.addInherit(t, b)
		}
	}
	return t
}

func (c *checker) addInherit(t *attrTrie, b NodeID) {
	f := c.f
	kids := f.Kids(b)
	if f.Nodes[b].Flags&FlagFrom != 0 && len(kids) > 0 {
		kids = kids[1:]
	}
	for _, k := range kids {
		name, ok := f.AttrName(k)
		if !ok {
			c.reportNode(k, diagnostics.Error, CodeSyntax, "dynamic attributes not allowed in inherit")
			continue
		}
		if prev, dup := t.get(name); dup {
			c.dup(k, name, prev.key)
			continue
		}
		t.add(name, c.newEntry(attrEntry{key: k, inherited: true, set: NoNode}))
	}
}

func (c *checker) dup(at NodeID, path string, first NodeID) {
	n := c.f.Node(at)
	c.report(n.Start, n.End, diagnostics.Error, CodeDuplicateAttr, "attribute '"+path+"' already defined at ", first)
	c.info.diags[len(c.info.diags)-1].atRelated = true
}

// posText is line:col of node id, for a message.
func (f *File) posText(id NodeID) string {
	p := f.Lines.Pos(int(f.Nodes[id].Start))
	return strconv.Itoa(p.Line+1) + ":" + strconv.Itoa(p.Col+1)
}

// nested returns the trie of an entry's set value (implicit or literal).
func (c *checker) nested(e *attrEntry) *attrTrie {
	if e.trie == nil {
		if e.implicit != nil {
			e.trie = e.implicit
		} else if e.set != NoNode {
			e.trie = c.trie(e.set)
		}
	}
	return e.trie
}

func (c *checker) addAttr(t *attrTrie, keys []NodeID, value, pathNode NodeID) {
	f := c.f
	for i, k := range keys {
		name, ok := f.AttrName(k)
		if !ok {
			return // below a dynamic key Nix builds a fresh set: nothing to clash with
		}
		e, exists := t.get(name)
		if i == len(keys)-1 {
			c.addLast(t, e, exists, k, name, keys, value, pathNode)
			return
		}
		if !exists {
			nt := c.newTrie(0)
			t.add(name, c.newEntry(attrEntry{key: k, set: NoNode, implicit: nt}))
			t = nt
			continue
		}
		if e.inherited || c.nested(e) == nil {
			c.dup(pathNode, c.joinKeys(keys[:i+1]), e.key)
			return
		}
		t = c.nested(e)
		if e.set != NoNode && f.Nodes[e.set].Flags&FlagRec != 0 {
			c.recHost[value] = e.set
		}
	}
}

// joinKeys is the dotted name of static keys, for a message: built only
// when there is a problem to report.
func (c *checker) joinKeys(keys []NodeID) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i], _ = c.f.AttrName(k)
	}
	return strings.Join(names, ".")
}

func (c *checker) addLast(t *attrTrie, e *attrEntry, exists bool, k NodeID, name string, keys []NodeID, value, pathNode NodeID) {
	f := c.f
	value = f.unparen(value) // Nix has no node for parentheses
	isSet := f.Nodes[value].Kind == NAttrSet
	if !exists {
		ne := c.newEntry(attrEntry{key: k, set: NoNode})
		if isSet {
			ne.set = value
		}
		t.add(name, ne)
		return
	}
	if isSet && !e.inherited && c.nested(e) != nil {
		// two attribute sets merge; their first-level names must not clash
		into := c.nested(e)
		src := c.trie(value)
		for _, it := range src.order {
			n, ne := it.name, it.e
			if prev, dup := into.get(n); dup {
				c.dup(ne.key, n, prev.key)
				continue
			}
			into.add(n, ne)
		}
		return
	}
	c.dup(pathNode, c.joinKeys(keys), e.key)
}
