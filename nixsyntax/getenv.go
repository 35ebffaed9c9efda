package nixsyntax

// EnvRead is a `builtins.getEnv "NAME"` call with a literal name: the
// profile's value then depends on the environment Nix runs in.
type EnvRead struct {
	Name       string
	Start, End int // byte span of the whole call
}

// EnvReads finds every builtins.getEnv call whose argument is a string
// literal, in source order. It is computed once per File (every hover asks);
// the slice is shared: do not modify.
func EnvReads(f *File) []EnvRead {
	f.envOnce.Do(func() { f.env = envReads(f) })
	return f.env
}

func envReads(f *File) []EnvRead {
	var out []EnvRead
	for id := range f.Nodes {
		n := f.Nodes[id]
		if n.Kind != NApply {
			continue
		}
		kids := f.Kids(NodeID(id))
		if len(kids) != 2 || !f.isGetEnv(f.unparen(kids[0])) {
			continue
		}
		if name, ok := f.StringValue(f.unparen(kids[1])); ok {
			out = append(out, EnvRead{Name: name, Start: int(n.Start), End: int(n.End)})
		}
	}
	return out
}

// isGetEnv matches `builtins.getEnv` (a select, not `or`-defaulted).
func (f *File) isGetEnv(fn NodeID) bool {
	n := f.Node(fn)
	if n.Kind != NSelect || n.Flags&FlagOr != 0 {
		return false
	}
	kids := f.Kids(fn)
	keys, ok := f.keyNames(kids[1])
	base := f.unparen(kids[0])
	return ok && len(keys) == 1 && keys[0] == "getEnv" &&
		f.Nodes[base].Kind == NIdent && f.Text(base) == "builtins"
}

// BindingAt is the innermost attribute binding whose span holds off, as a
// byte span; ok is false outside every binding.
func BindingAt(f *File, off int) (start, end int, ok bool) {
	best := -1
	for id := range f.Nodes {
		n := f.Nodes[id]
		if n.Kind != NBinding || off < int(n.Start) || off > int(n.End) {
			continue
		}
		if best < 0 || n.End-n.Start < f.Nodes[best].End-f.Nodes[best].Start {
			best = id
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return int(f.Nodes[best].Start), int(f.Nodes[best].End), true
}
