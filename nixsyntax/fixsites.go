package nixsyntax

import "github.com/insomnia-lsp/insomnia-lsp/diagnostics"

// Places quick fixes edit (ide/fixes.go): whole bindings to remove, and
// the set a missing attribute goes into.

// RemovableBinding is the range of the binding one of whose keys starts at byte
// offset keyStart (`x = 1;`, the ';' included), widened to its whole lines
// when nothing else shares them, so removing it leaves no blank line.
func RemovableBinding(f *File, keyStart int) (diagnostics.Range, bool) {
	b, _, ok := f.bindingWithKeyAt(keyStart)
	if !ok {
		return diagnostics.Range{}, false
	}
	start, end := int(f.Nodes[b].Start), int(f.Nodes[b].End)
	ls, le := start, end
	for ls > 0 && (f.Src[ls-1] == ' ' || f.Src[ls-1] == '\t') {
		ls--
	}
	for le < len(f.Src) && (f.Src[le] == ' ' || f.Src[le] == '\t') {
		le++
	}
	if (ls == 0 || f.Src[ls-1] == '\n') && le < len(f.Src) && f.Src[le] == '\n' {
		start, end = ls, le+1
	}
	return f.Range(start, end), true
}

// SetOpenAt is the byte offset just after the '{' of the set that path's
// value is made of (the last argument of a call such as recursiveUpdate a
// { ... }, the right side of //), where a new binding can go.
func SetOpenAt(f *File, path []string) (int, bool) {
	key, ok := f.findIn(f.Root, path, 0)
	if !ok {
		return 0, false
	}
	b, j, ok := f.bindingWithKeyAt(int(f.Nodes[key].Start))
	if !ok || j != len(f.Kids(f.Kids(b)[0]))-1 {
		return 0, false
	}
	id := f.Kids(b)[1]
	for depth := 0; depth < maxDepth; depth++ {
		n := f.Node(id)
		if n.Kind == NAttrSet && n.Flags&FlagRec == 0 {
			return int(n.Start) + 1, true
		}
		kids := f.Kids(id)
		if len(kids) == 0 || !f.passesSet(id, kids[len(kids)-1]) {
			return 0, false
		}
		id = kids[len(kids)-1]
	}
	return 0, false
}
