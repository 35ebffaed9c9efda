package nixsyntax

import "github.com/insomnia-lsp/insomnia-lsp/diagnostics"

// Written is where the user wrote an attribute: its key and, when the key
// ends its binding's path, the value bound to it.
type Written struct {
	Key, Value diagnostics.Range
	HasValue   bool
	// Partial: the path goes on inside a value that is no set (a call
	// such as secrets.ref "id" makes the rest): Key and Value are the
	// binding that holds it.
	Partial bool
}

// WrittenBelow finds where names (an attribute path) is set, given that
// Nix placed names[:mapped] at the binding whose path has a key starting at
// byte offset keyStart (Nix gives the start of a path: `worker` for
// `worker.max_turns`; or an ancestor, `manifest` for a value merged by a
// function). It aligns the binding's keys with names[:mapped], then follows
// the rest along the binding's own path and into its value through the sets
// that make it up (`//`, the last argument of a call such as
// recursiveUpdate a b, let bodies: as FindAttr).
func WrittenBelow(f *File, keyStart int, names []string, mapped int) (Written, bool) {
	b, j, ok := f.bindingWithKeyAt(keyStart)
	if !ok || mapped < 1 || mapped > len(names) {
		return Written{}, false
	}
	kids := f.Kids(b)
	keys := f.Kids(kids[0])
	k, ok := f.align(keys, j, names[:mapped])
	if !ok {
		return Written{}, false
	}
	keys, rest := keys[k:], names[mapped:] // keys[0] sets names[mapped-1]
	i := 0
	for ; i < len(rest) && 1+i < len(keys); i++ {
		if name, ok := f.AttrName(keys[1+i]); !ok || name != rest[i] {
			return Written{}, false // the binding sets another attribute
		}
	}
	if i == len(rest) {
		return f.written(keys[i], i == len(keys)-1, kids[1]), true
	}
	key, ok := f.findIn(kids[1], rest[i:], 0)
	if !ok {
		w := f.written(keys[len(keys)-1], true, kids[1])
		w.Partial = true
		return w, true
	}
	return f.writtenKey(key), true
}

// align finds the key k >= j of keys such that keys[j..k] spell the last
// names of mapped (the longest such run).
func (f *File) align(keys []NodeID, j int, mapped []string) (int, bool) {
	for k := len(keys) - 1; k >= j; k-- {
		n := k - j + 1
		if n > len(mapped) {
			continue
		}
		ok := true
		for x := 0; x < n && ok; x++ {
			name, named := f.AttrName(keys[j+x])
			ok = named && name == mapped[len(mapped)-n+x]
		}
		if ok {
			return k, true
		}
	}
	return 0, false
}

// WrittenAt is FindAttr with the value: where path is set in the file's result.
func WrittenAt(f *File, path []string) (Written, bool) {
	if len(path) == 0 {
		return Written{}, false
	}
	key, ok := f.findIn(f.Root, path, 0)
	if !ok {
		return Written{}, false
	}
	return f.writtenKey(key), true
}

// writtenKey completes a key node found by findIn with its value.
func (f *File) writtenKey(key NodeID) Written {
	if b, j, ok := f.bindingWithKeyAt(int(f.Nodes[key].Start)); ok {
		kids := f.Kids(b)
		return f.written(key, j == len(f.Kids(kids[0]))-1, kids[1])
	}
	return Written{Key: f.NodeRange(key)} // an inherited name: no value of its own
}

func (f *File) written(key NodeID, last bool, value NodeID) Written {
	w := Written{Key: f.NodeRange(key)}
	if last {
		w.Value, w.HasValue = f.NodeRange(value), true
	}
	return w
}

// bindingWithKeyAt finds the binding one of whose keys starts at off, and
// that key's index in the binding's path.
func (f *File) bindingWithKeyAt(off int) (NodeID, int, bool) {
	for i := range f.Nodes {
		if f.Nodes[i].Kind != NBinding {
			continue
		}
		kids := f.Kids(NodeID(i))
		if len(kids) != 2 || int(f.Nodes[kids[0]].Start) > off || int(f.Nodes[kids[0]].End) <= off {
			continue
		}
		for j, k := range f.Kids(kids[0]) {
			if int(f.Nodes[k].Start) == off {
				return NodeID(i), j, true
			}
		}
	}
	return NoNode, 0, false
}
