package nixsyntax

import "github.com/insomnia-lsp/insomnia-lsp/diagnostics"

// chainAt returns the nodes containing offset, from the root down. A node
// also contains the offset at its end unless it ends with a closing token,
// so a cursor right after `foo` is on foo but after `;` is outside.
func (f *File) chainAt(off int) []NodeID {
	var chain []NodeID
	id := f.Root
	if !f.contains(id, off) {
		return nil
	}
	for id != NoNode {
		chain = append(chain, id)
		next := NoNode
		for _, k := range f.Kids(id) {
			n := &f.Nodes[k]
			if int(n.Start) <= off && off < int(n.End) {
				next = k
				break
			}
			if f.contains(k, off) {
				next = k // touching its end: keep looking for one that starts here
			}
		}
		id = next
	}
	return chain
}

func (f *File) contains(id NodeID, off int) bool {
	n := &f.Nodes[id]
	if off < int(n.Start) || off > int(n.End) {
		return false
	}
	if off < int(n.End) || n.Start == n.End {
		return true
	}
	switch f.Src[n.End-1] {
	case ';', '}', ']', ')', '"':
		return false
	case '\'':
		return n.Kind != NIndString
	}
	return true
}

// Cursor says what is at an offset in terms of attribute paths, for
// completion and hover.
type Cursor struct {
	// Path is, on a key, the path of the set whose keys are typed there
	// (with any dotted prefix before the cursor's key: `model.sch|` gives
	// ["model"]); in a value, the full path of the binding.
	Path []string
	// InValue is true when the cursor is in (or where there should be) the
	// value of the binding at Path.
	InValue bool
	// Key is the full name of the key under the cursor ("" when not on a key).
	Key string
	// Word is the text of the identifier, key or string part before the
	// cursor; WordRange spans the whole word (the text to replace).
	Word      string
	WordRange diagnostics.Range
}

// CursorAt describes the position at offset. Attribute sets nest through
// binding values and through expressions that pass a set on: parentheses,
// function bodies, `let ... in` bodies, `with`/`assert` bodies, if
// branches, `//` operands and function arguments (`mkProfile { ... }`).
// ok is false elsewhere (a let binding's value, a list, a condition...).
func CursorAt(f *File, offset int) (Cursor, bool) {
	chain := f.chainAt(offset)
	var path []string
	inValue := false
	for i := 0; i < len(chain); i++ {
		id := chain[i]
		next := NoNode
		if i+1 < len(chain) {
			next = chain[i+1]
		}
		n := f.Node(id)
		switch n.Kind {
		case NAttrSet, NLetLegacy:
			if next == NoNode || f.Nodes[next].Kind == NInherit {
				return f.keyCursor(path, chain[i+1:], offset), true
			}
			keyPath := f.Kids(next)[0]
			if i+2 >= len(chain) || chain[i+2] == keyPath {
				if i+2 >= len(chain) && offset > int(f.Nodes[keyPath].End) {
					keys, ok := f.keyNames(keyPath)
					return f.valueCursor(append(path, keys...), nil, offset), ok
				}
				return f.keyInPath(path, keyPath, offset)
			}
			keys, ok := f.keyNames(keyPath)
			if !ok {
				return Cursor{}, false
			}
			path = append(path, keys...)
			inValue = true
			i++ // continue at the value
			continue
		}
		if next == NoNode || !f.passesSet(id, next) {
			if inValue {
				return f.valueCursor(path, chain[i:], offset), true
			}
			return Cursor{}, false
		}
	}
	return Cursor{}, false
}

// passesSet reports whether an attribute set at child is (part of) the
// value of parent, for path purposes.
func (f *File) passesSet(parent, child NodeID) bool {
	n := f.Node(parent)
	kids := f.Kids(parent)
	last := kids[len(kids)-1] == child
	switch n.Kind {
	case NParen, NWith, NAssert:
		return last
	case NLambda:
		_, _, body := f.lambdaParts(parent)
		return child == body
	case NLet:
		return last && f.Nodes[child].Kind != NBinding && f.Nodes[child].Kind != NInherit
	case NIf:
		return kids[0] != child
	case NBinary:
		return n.Op == TUpdate
	case NApply:
		return last
	}
	return false
}

// keyCursor is a cursor in a set outside any binding, or on an inherit.
func (f *File) keyCursor(path []string, rest []NodeID, off int) Cursor {
	c := Cursor{Path: path, WordRange: f.Range(off, off)}
	if len(rest) > 0 {
		leaf := rest[len(rest)-1]
		if k := f.Nodes[leaf].Kind; k == NAttrName || k == NText {
			c.Key = f.Text(leaf)
			f.setWord(&c, leaf, off)
		}
	}
	return c
}

// keyInPath is a cursor on one key of a binding's attribute path.
func (f *File) keyInPath(path []string, keyPath NodeID, off int) (Cursor, bool) {
	for _, k := range f.Kids(keyPath) {
		if off < int(f.Nodes[k].Start) {
			// Right after a dot, before keys that follow: `worker.|` above
			// `model.ref = …` parses as worker.model.ref, yet the cursor
			// is typing a key of worker.
			break
		}
		if !f.contains(k, off) {
			name, ok := f.AttrName(k)
			if !ok {
				return Cursor{}, false
			}
			path = append(path, name)
			continue
		}
		c := Cursor{Path: path}
		c.Key, _ = f.AttrName(k)
		word := k
		if f.Nodes[k].Kind == NString {
			if kids := f.Kids(k); len(kids) == 1 {
				word = kids[0]
			}
		}
		f.setWord(&c, word, off)
		return c, true
	}
	return Cursor{Path: path, WordRange: f.Range(off, off)}, true
}

// valueCursor is a cursor inside the value of the binding at path.
func (f *File) valueCursor(path []string, rest []NodeID, off int) Cursor {
	c := Cursor{Path: path, InValue: true, WordRange: f.Range(off, off)}
	if len(rest) > 0 {
		leaf := rest[len(rest)-1]
		switch f.Nodes[leaf].Kind {
		case NIdent, NText, NInt, NFloat, NURI, NAttrName, NSPath:
			f.setWord(&c, leaf, off)
		}
	}
	return c
}

func (f *File) setWord(c *Cursor, leaf NodeID, off int) {
	n := f.Node(leaf)
	end := max(min(off, int(n.End)), int(n.Start))
	c.Word = string(f.Src[n.Start:end])
	c.WordRange = f.Range(int(n.Start), int(n.End))
}

// AttrPathAt returns the attribute path at offset: on a key, the path up to
// and including that key; in a value, the binding's path; in a set between
// bindings, the set's path. `model = { scheme = | }` and `model.scheme = |`
// both give ["model","scheme"].
func AttrPathAt(f *File, offset int) ([]string, bool) {
	c, ok := CursorAt(f, offset)
	if !ok {
		return nil, false
	}
	if c.Key != "" {
		return append(c.Path, c.Key), true
	}
	return c.Path, true
}
