package nixsyntax

import (
	"sync"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// NodeID indexes File.Nodes. NoNode marks an absent optional child.
type NodeID int32

// NoNode is the absent node.
const NoNode NodeID = -1

// NodeKind classifies syntax tree nodes.
type NodeKind uint8

// Node kinds. The comment lists the children, in order.
const (
	NError     NodeKind = iota // a missing or unparsable expression
	NIdent                     // a variable reference
	NInt                       //
	NFloat                     //
	NURI                       //
	NPath                      // NText and NInterp parts
	NSPath                     // <nixpkgs>
	NString                    // "...": NText and NInterp parts
	NIndString                 // ''...'': NText and NInterp parts
	NText                      // literal text of a string or path (one token)
	NInterp                    // ${ expr }
	NParen                     // ( expr )
	NList                      // elements
	NAttrSet                   // bindings (NBinding, NInherit); FlagRec when rec
	NLetLegacy                 // let { bindings }
	NBinding                   // NAttrPath, value
	NInherit                   // [from expr if FlagFrom], NAttrName or NString names
	NAttrPath                  // NAttrName, NString or NInterp keys
	NAttrName                  // an identifier (or `or`) used as a key
	NSelect                    // expr, NAttrPath, [default if FlagOr]
	NHasAttr                   // expr, NAttrPath
	NApply                     // function, argument
	NUnary                     // operand (Op is TNot or TMinus)
	NBinary                    // left, right (Op is the operator token)
	NIf                        // cond, then, else
	NAssert                    // cond, body
	NWith                      // scope, body
	NLet                       // bindings..., body
	NLambda                    // [NParam if FlagArg], [NFormals if FlagFormals], body
	NFormals                   // NFormal...; FlagEllipsis
	NFormal                    // NParam, [default]
	NParam                     // a bound name in a lambda
)

// Node flags.
const (
	FlagRec      uint8 = 1 << iota // rec { }
	FlagFrom                       // inherit (e) ...
	FlagOr                         // a.b or default
	FlagArg                        // lambda has a named argument
	FlagFormals                    // lambda has a formals set
	FlagEllipsis                   // formals end with ...
	FlagEscape                     // NText from an ''-escape (no indentation)
)

// Node is one syntax tree node, spanning bytes [Start, End) of the source.
type Node struct {
	Kind  NodeKind
	Op    TokenKind
	Flags uint8
	Start int32
	End   int32
	kids  int32
	nkids int32
}

// File is a parsed Nix source: tokens, syntax tree and syntax errors.
type File struct {
	Src []byte
	// text is Src viewed as a string (never copied, see Parse): names,
	// keys and literal values are views into it, not an allocation each.
	text   string
	Tokens []Token
	Nodes  []Node
	Root   NodeID
	Lines  *diagnostics.Lines
	kids   []NodeID
	errs   []synErr
	scope  *scopeInfo // computed on first use by checks and queries
	// results is what was computed on this tree, for the trees spliced
	// from it; origin (spliced trees only) is the tree it was spliced from.
	results *memo
	origin  *origin
	// scopeOnce guards scope: readers of a shared tree (the keystroke's
	// checks, a concurrent hover) may compute it at the same time.
	scopeOnce sync.Once
	env       []EnvRead // computed on first use by EnvReads
	// envOnce guards env (hovers and completions share the tree).
	envOnce sync.Once
}

type synErr struct {
	start, end int
	msg        string
	fix        string // text to insert at start, when obvious
}

// Node returns the node with the given id.
func (f *File) Node(id NodeID) *Node { return &f.Nodes[id] }

// Kids returns a node's children (a view into the file; do not modify).
func (f *File) Kids(id NodeID) []NodeID {
	n := &f.Nodes[id]
	return f.kids[n.kids : n.kids+n.nkids]
}

// Text returns the source text of a node.
func (f *File) Text(id NodeID) string {
	n := &f.Nodes[id]
	return f.text[n.Start:n.End]
}

// Range converts byte offsets to an LSP range.
func (f *File) Range(start, end int) diagnostics.Range {
	return diagnostics.Range{Start: f.Lines.Pos(start), End: f.Lines.Pos(end)}
}

// NodeRange is the LSP range of a node.
func (f *File) NodeRange(id NodeID) diagnostics.Range {
	n := &f.Nodes[id]
	return f.Range(int(n.Start), int(n.End))
}

// HasSyntaxErrors reports whether parsing found any syntax error.
func (f *File) HasSyntaxErrors() bool { return len(f.errs) > 0 }

// lambdaParts splits a lambda's children into its argument name, formals
// and body (NoNode when absent). Children keep source order, so `{ }@a` and
// `a@{ }` differ only in order.
func (f *File) lambdaParts(id NodeID) (arg, formals, body NodeID) {
	arg, formals, body = NoNode, NoNode, NoNode
	for _, k := range f.Kids(id) {
		switch f.Nodes[k].Kind {
		case NParam:
			arg = k
		case NFormals:
			formals = k
		default:
			body = k
		}
	}
	return arg, formals, body
}

var kindNames = [...]string{
	NError: "Error", NIdent: "Ident", NInt: "Int", NFloat: "Float", NURI: "URI", NPath: "Path",
	NSPath: "SPath", NString: "String", NIndString: "IndString", NText: "Text", NInterp: "Interp",
	NParen: "Paren", NList: "List", NAttrSet: "AttrSet", NLetLegacy: "LetLegacy", NBinding: "Binding",
	NInherit: "Inherit", NAttrPath: "AttrPath", NAttrName: "AttrName", NSelect: "Select",
	NHasAttr: "HasAttr", NApply: "Apply", NUnary: "Unary", NBinary: "Binary", NIf: "If",
	NAssert: "Assert", NWith: "With", NLet: "Let", NLambda: "Lambda", NFormals: "Formals",
	NFormal: "Formal", NParam: "Param",
}

func (k NodeKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Node"
}
