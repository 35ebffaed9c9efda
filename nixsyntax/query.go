package nixsyntax

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// ImportRef is a literal path given to import, scopedImport or
// builtins.import, as written in the source.
type ImportRef struct {
	Path  string
	Range diagnostics.Range // the path literal
	node  NodeID
}

// ImportRefs lists the literal path arguments of every import call
// (`import ./x.nix`, `import ../y { }`, `scopedImport { } ./z`,
// `builtins.import ./w`). Interpolated paths and <search> paths are skipped,
// and so are calls of a local variable that shadows import.
func ImportRefs(f *File) []ImportRef {
	var out []ImportRef
	for id := range f.Nodes {
		n := &f.Nodes[id]
		if n.Kind != NApply {
			continue
		}
		kids := f.Kids(NodeID(id))
		if len(kids) != 2 || !f.isImportFn(kids[0]) {
			continue
		}
		arg := f.unparen(kids[1])
		if p, ok := f.literalPath(arg); ok {
			out = append(out, ImportRef{Path: p, Range: f.NodeRange(arg), node: arg})
		}
	}
	return out
}

// Imports returns the import paths of ImportRefs, as written. Resolve them
// against the importing file's directory with ResolveImport.
func Imports(f *File) []string {
	refs := ImportRefs(f)
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Path
	}
	return out
}

// ResolveImport turns an import path as written into a file path: relative
// paths are joined to dir (the importing file's directory), "~/" is the
// home directory, and a directory means its default.nix, as in Nix.
func ResolveImport(dir, p string) string {
	switch {
	case strings.HasPrefix(p, "~/"):
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	case !filepath.IsAbs(p):
		p = filepath.Join(dir, p)
	}
	p = filepath.Clean(p)
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		p = filepath.Join(p, "default.nix")
	}
	return p
}

// isImportFn reports whether id is `import`, `builtins.import` or a
// scopedImport call given its first argument.
func (f *File) isImportFn(id NodeID) bool {
	id = f.unparen(id)
	n := f.Node(id)
	switch n.Kind {
	case NIdent:
		name := f.Text(id)
		_, local := f.scopes().use(id)
		return name == "import" && !local
	case NSelect:
		names, ok := f.selectNames(id)
		return ok && len(names) == 2 && names[0] == "builtins" && names[1] == "import"
	case NApply:
		fn := f.unparen(f.Kids(id)[0])
		if f.Nodes[fn].Kind == NIdent && f.Text(fn) == "scopedImport" {
			_, local := f.scopes().use(fn)
			return !local
		}
		names, ok := f.selectNames(fn)
		return ok && len(names) == 2 && names[0] == "builtins" && names[1] == "scopedImport"
	}
	return false
}

func (f *File) unparen(id NodeID) NodeID {
	for f.Nodes[id].Kind == NParen && len(f.Kids(id)) == 1 {
		id = f.Kids(id)[0]
	}
	return id
}

// literalPath returns the text of a path literal without interpolation.
func (f *File) literalPath(id NodeID) (string, bool) {
	if f.Nodes[id].Kind != NPath || len(f.Kids(id)) != 1 {
		return "", false
	}
	return f.Text(id), true
}

// selectNames returns [base, a, b] for `base.a.b` with a variable base and
// static keys (no `or` default).
func (f *File) selectNames(id NodeID) ([]string, bool) {
	n := f.Node(id)
	if n.Kind != NSelect || n.Flags&FlagOr != 0 {
		return nil, false
	}
	kids := f.Kids(id)
	base := f.unparen(kids[0])
	if f.Nodes[base].Kind != NIdent {
		return nil, false
	}
	names := []string{f.Text(base)}
	keys, ok := f.keyNames(kids[1])
	return append(names, keys...), ok
}

// keyNames returns the static names of an NAttrPath.
func (f *File) keyNames(path NodeID) ([]string, bool) {
	kids := f.Kids(path)
	names := make([]string, 0, len(kids))
	for _, k := range kids {
		name, ok := f.AttrName(k)
		if !ok {
			return names, false
		}
		names = append(names, name)
	}
	return names, true
}

// SecretRef is a `secrets.ref "id"` call with a literal id.
type SecretRef struct {
	ID    string
	Range diagnostics.Range // the string literal holding the id
}

// SecretRefs finds every `secrets.ref "id"` and `<anything>.secrets.ref "id"`
// call whose argument is a string literal without interpolation.
func SecretRefs(f *File) []SecretRef {
	var out []SecretRef
	cur := posCursor{f: f}
	for id := range f.Nodes {
		if f.Nodes[id].Kind != NApply {
			continue
		}
		kids := f.Kids(NodeID(id))
		if len(kids) != 2 || !f.isSecretsRef(f.unparen(kids[0])) {
			continue
		}
		arg := f.unparen(kids[1])
		if v, ok := f.StringValue(arg); ok {
			out = append(out, SecretRef{ID: v, Range: cur.nodeRange(arg)})
		}
	}
	return out
}

func (f *File) isSecretsRef(fn NodeID) bool {
	n := f.Node(fn)
	if n.Kind != NSelect || n.Flags&FlagOr != 0 {
		return false
	}
	kids := f.Kids(fn)
	keys, ok := f.keyNames(kids[1])
	if !ok {
		return false
	}
	if len(keys) >= 2 {
		return keys[len(keys)-2] == "secrets" && keys[len(keys)-1] == "ref"
	}
	base := f.unparen(kids[0])
	return len(keys) == 1 && keys[0] == "ref" && f.Nodes[base].Kind == NIdent && f.Text(base) == "secrets"
}

// StringLit is a string literal and where it sits.
type StringLit struct {
	Value string // the value, when Literal
	// Literal is false when the string has interpolations (Value is then "").
	Literal bool
	Range   diagnostics.Range
	// Path is the attribute path of the nearest enclosing binding, e.g.
	// ["model","auth"] for `model.auth = "x";` or `model = { auth = f "x"; }`.
	// A let binding starts a path of its own name. Empty at top level.
	Path []string
}

// Strings lists every string literal that is a value (attribute keys are
// skipped), for plaintext-secret detection before evaluation.
func Strings(f *File) []StringLit {
	n := 0
	for i := range f.Nodes {
		if k := f.Nodes[i].Kind; k == NString || k == NIndString {
			n++ // an upper bound (keys are strings too): one allocation
		}
	}
	out := make([]StringLit, 0, n)
	cur := posCursor{f: f}
	var paths slab[string] // the bindings' paths (see slab)
	var walk func(id NodeID, path []string)
	depth := 0
	walk = func(id NodeID, path []string) {
		if depth > 4*maxDepth { // see checker.walk
			return
		}
		depth++
		defer func() { depth-- }()
		n := f.Node(id)
		switch n.Kind {
		case NString, NIndString:
			v, ok := f.StringValue(id)
			out = append(out, StringLit{Value: v, Literal: ok, Range: cur.nodeRange(id), Path: path})
		case NAttrSet, NLetLegacy, NLet:
			for _, k := range f.Kids(id) {
				if f.Nodes[k].Kind != NBinding {
					if f.Nodes[k].Kind != NInherit {
						walk(k, path) // the body of a let
					}
					continue
				}
				bk := f.Kids(k)
				if len(bk) != 2 {
					continue
				}
				// One exact-size slice per binding; its strings share it.
				base := path
				if n.Kind == NLet {
					base = nil
				}
				p := append(paths.take(len(base)+len(f.Kids(bk[0]))), base...)
				walk(bk[1], f.appendKeyTexts(p, bk[0]))
			}
			return
		case NAttrPath:
			return
		}
		for _, k := range f.Kids(id) {
			walk(k, path)
		}
	}
	walk(f.Root, nil)
	return out
}

// appendKeyTexts appends the name of each key of an NAttrPath to out: its
// static name, or its source text (like "${x}") when dynamic.
func (f *File) appendKeyTexts(out []string, path NodeID) []string {
	for _, k := range f.Kids(path) {
		name, ok := f.AttrName(k)
		if !ok {
			name = f.Text(k)
		}
		out = append(out, name)
	}
	return out
}
