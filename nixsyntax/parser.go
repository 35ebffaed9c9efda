package nixsyntax

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// maxDepth bounds nesting so hostile input gets a clear error instead of a
// huge stack. Real code nests a few dozen levels; long right-associative
// chains (a ++ b ++ ...) count one level per operand, and Nix's own parser
// gives up near 10000 stack entries.
const maxDepth = 5000

// maxErrors caps syntax errors: after that many the rest is noise.
const maxErrors = 100

type parser struct {
	f       *File
	toks    []Token
	i       int   // current token (never trivia)
	lastEnd int32 // end of the last consumed token
	stack   []NodeID
	depth   int
	aborted bool
}

// Parse lexes and parses src. It never fails: syntax errors are kept in the
// File (see Diagnostics) and the tree covers whatever could be parsed.
// src must not change afterwards: the File's names and literal values are
// views of it (every caller parses an immutable buffer: a document version
// or a file read).
func Parse(src []byte) *File {
	toks, lexErrs := lex(src)
	f := &File{Src: src, text: unsafe.String(unsafe.SliceData(src), len(src)), Tokens: toks, Lines: diagnostics.NewLines(src), results: new(memo)}
	// A node per non-trivia token or a little under, in real code
	// (home-manager: 0.94) and in profiles; an eighth more spares most
	// files an append, which on big slices allocates 1.25x again.
	n := nodeEstimate(toks)
	f.Nodes = make([]Node, 0, n)
	f.kids = make([]NodeID, 0, n)
	p := &parser{f: f, toks: toks}
	for _, e := range lexErrs {
		p.errAt(e.off, e.off+1, e.msg)
	}
	p.skipTrivia()
	f.Root = p.parseFile()
	return f
}

func nodeEstimate(toks []Token) int {
	n := 0
	for _, t := range toks {
		if !t.Kind.Trivia() {
			n++
		}
	}
	return n + n/8 + 4
}

func (p *parser) parseFile() NodeID {
	if p.peek() == TEOF {
		p.unexpected()
		return p.missing()
	}
	root := p.expr()
	if p.peek() != TEOF {
		p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting end of file")
	}
	for p.peek() != TEOF {
		p.advance()
	}
	return root
}

// --- token helpers ---

func (p *parser) skipTrivia() {
	for p.toks[p.i].Kind.Trivia() {
		p.i++
	}
}

func (p *parser) peek() TokenKind { return p.toks[p.i].Kind }

func (p *parser) tok() Token { return p.toks[p.i] }

// peekAt returns the kind of the n-th non-trivia token after the current one.
func (p *parser) peekAt(n int) TokenKind {
	j := p.i
	for ; n > 0 && p.toks[j].Kind != TEOF; n-- {
		j++
		for p.toks[j].Kind.Trivia() {
			j++
		}
	}
	return p.toks[j].Kind
}

func (p *parser) advance() {
	if p.toks[p.i].Kind == TEOF {
		return
	}
	p.lastEnd = p.toks[p.i].End
	p.i++
	p.skipTrivia()
}

// adjacent reports whether the current token directly follows the last one
// (no trivia between), which is how path parts stay together.
func (p *parser) adjacent() bool { return p.toks[p.i].Start == p.lastEnd }

func (p *parser) expect(k TokenKind) bool {
	if p.peek() == k {
		p.advance()
		return true
	}
	p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting " + k.String())
	return false
}

// expectSemi is expect(';') with a friendlier report when the ';' ends a
// line: the error sits where the ';' belongs and carries an insert fix.
func (p *parser) expectSemi() {
	if p.peek() == TSemi {
		p.advance()
		return
	}
	t := p.tok()
	if p.lastEnd > 0 && bytes.IndexByte(p.f.Src[p.lastEnd:t.Start], '\n') >= 0 {
		before := len(p.f.errs)
		p.errAt(int(p.lastEnd), int(p.lastEnd), "syntax error, missing ';' before "+t.Kind.String())
		if len(p.f.errs) > before {
			p.f.errs[before].fix = ";"
		}
		return
	}
	p.expect(TSemi)
}

// --- errors ---

func (p *parser) errAt(start, end int, msg string) {
	if p.aborted || len(p.f.errs) >= maxErrors {
		return
	}
	if n := len(p.f.errs); n > 0 && p.f.errs[n-1].start == start {
		return // one error per place: the rest is a cascade
	}
	// Messages may quote source text (an invalid number, a token):
	// profile/check Static redacts them before they are published.
	p.f.errs = append(p.f.errs, synErr{start: start, end: end, msg: msg})
}

func (p *parser) errTok(msg string) {
	t := p.tok()
	end := int(t.End)
	if end == int(t.Start) && end < len(p.f.Src) {
		end++
	}
	p.errAt(int(t.Start), end, msg)
}

func (p *parser) unexpected() {
	p.errTok("syntax error, unexpected " + p.peek().String())
}

// --- node building ---

func (p *parser) mark() int { return len(p.stack) }

func (p *parser) push(id NodeID) { p.stack = append(p.stack, id) }

// finish creates a node from the children pushed since mark. Its end is the
// last consumed token or its last child's end, whichever is later.
func (p *parser) finish(kind NodeKind, start int32, mark int) NodeID {
	f := p.f
	end := p.lastEnd
	if end < start {
		end = start
	}
	kids := p.stack[mark:]
	if n := len(kids); n > 0 {
		if e := f.Nodes[kids[n-1]].End; e > end {
			end = e
		}
	}
	f.Nodes = append(f.Nodes, Node{Kind: kind, Start: start, End: end,
		kids: int32(len(f.kids)), nkids: int32(len(kids))})
	f.kids = append(f.kids, kids...)
	p.stack = p.stack[:mark]
	return NodeID(len(f.Nodes) - 1)
}

func (p *parser) node(kind NodeKind, start int32, kids ...NodeID) NodeID {
	m := p.mark()
	p.stack = append(p.stack, kids...)
	return p.finish(kind, start, m)
}

// leaf consumes the current token as a childless node.
func (p *parser) leaf(kind NodeKind) NodeID {
	t := p.tok()
	p.advance()
	p.f.Nodes = append(p.f.Nodes, Node{Kind: kind, Start: t.Start, End: t.End, kids: int32(len(p.f.kids))})
	return NodeID(len(p.f.Nodes) - 1)
}

// missing is a zero-width error node where an expression should have been.
func (p *parser) missing() NodeID {
	s := p.tok().Start
	p.f.Nodes = append(p.f.Nodes, Node{Kind: NError, Start: s, End: s, kids: int32(len(p.f.kids))})
	return NodeID(len(p.f.Nodes) - 1)
}

// enter guards recursion depth; on overflow it reports once and jumps to the
// end of input so every caller unwinds quickly.
func (p *parser) enter() bool {
	p.depth++
	if p.depth <= maxDepth {
		return true
	}
	if !p.aborted {
		p.errTok("expression nested too deeply (more than " + strconv.Itoa(maxDepth) + " levels)")
		p.aborted = true
	}
	p.i = len(p.toks) - 1
	return false
}

// --- expressions ---

// expr parses expr_function: lambdas, assert, with, let-in, if, operators.
func (p *parser) expr() NodeID {
	defer func() { p.depth-- }()
	if !p.enter() {
		return p.missing()
	}
	start := p.tok().Start
	switch p.peek() {
	case TIdent:
		switch p.peekAt(1) {
		case TColon:
			m := p.mark()
			p.push(p.leaf(NParam))
			p.advance()
			p.push(p.expr())
			n := p.finish(NLambda, start, m)
			p.f.Nodes[n].Flags = FlagArg
			return n
		case TAt:
			return p.lambdaPattern(start)
		}
	case TLBrace:
		if p.looksLikeFormals() {
			return p.lambdaPattern(start)
		}
	case TAssert, TWith:
		kind := NAssert
		if p.peek() == TWith {
			kind = NWith
		}
		p.advance()
		m := p.mark()
		p.push(p.expr())
		p.expectSemi()
		p.push(p.expr())
		return p.finish(kind, start, m)
	case TLet:
		if p.peekAt(1) != TLBrace {
			return p.letIn(start)
		}
	case TIf:
		return p.ifExpr(start)
	}
	return p.binary(0)
}

func (p *parser) ifExpr(start int32) NodeID {
	p.advance()
	m := p.mark()
	p.push(p.expr())
	p.expect(TThen)
	p.push(p.expr())
	p.expect(TElse)
	p.push(p.expr())
	return p.finish(NIf, start, m)
}

func (p *parser) letIn(start int32) NodeID {
	p.advance()
	m := p.mark()
	p.binds(TIn)
	p.expect(TIn)
	p.push(p.expr())
	return p.finish(NLet, start, m)
}

// looksLikeFormals decides, at '{', between a formals pattern and an
// attribute set (Nix's grammar uses GLR for this).
func (p *parser) looksLikeFormals() bool {
	switch p.peekAt(1) {
	case TRBrace:
		k := p.peekAt(2)
		return k == TColon || k == TAt
	case TEllipsis:
		return true
	case TIdent:
		switch p.peekAt(2) {
		case TComma, TQuestion:
			return true
		case TRBrace: // `{ a }: ...`, but `{ a }` alone is a set being typed
			k := p.peekAt(3)
			return k == TColon || k == TAt
		}
	}
	return false
}

// lambdaPattern parses `{ formals } [@ name] : body` or `name @ { formals } : body`.
func (p *parser) lambdaPattern(start int32) NodeID {
	m := p.mark()
	var flags uint8 = FlagFormals
	if p.peek() == TIdent {
		p.push(p.leaf(NParam))
		p.advance() // @
		flags |= FlagArg
		if p.peek() != TLBrace {
			p.expect(TLBrace)
			p.push(p.expr())
			n := p.finish(NLambda, start, m)
			p.f.Nodes[n].Flags = FlagArg
			return n
		}
		p.push(p.formals())
	} else {
		p.push(p.formals())
		if p.peek() == TAt {
			p.advance()
			if p.peek() == TIdent {
				p.push(p.leaf(NParam))
				flags |= FlagArg
			} else {
				p.expect(TIdent)
			}
		}
	}
	p.expect(TColon)
	p.push(p.expr())
	n := p.finish(NLambda, start, m)
	p.f.Nodes[n].Flags = flags
	return n
}

func (p *parser) formals() NodeID {
	start := p.tok().Start
	p.advance() // {
	m := p.mark()
	var flags uint8
	for {
		switch p.peek() {
		case TRBrace:
			p.advance()
			n := p.finish(NFormals, start, m)
			p.f.Nodes[n].Flags = flags
			return n
		case TEllipsis:
			p.advance()
			flags |= FlagEllipsis
			if p.peek() != TRBrace {
				p.expect(TRBrace)
				p.skipTo(TRBrace)
			}
			continue
		case TIdent:
			p.push(p.formal())
			switch p.peek() {
			case TComma:
				p.advance()
			case TRBrace:
			default:
				p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting '}' or ','")
				if p.peek() != TIdent {
					p.skipTo(TRBrace)
				}
			}
			continue
		case TEOF:
			p.expect(TRBrace)
		default:
			p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting '}'")
			at := p.i
			p.skipTo(TRBrace)
			if p.i == at {
				p.advance() // a stray ')' or ']': skipTo stops there, so step over it
			}
			continue
		}
		n := p.finish(NFormals, start, m)
		p.f.Nodes[n].Flags = flags
		return n
	}
}

// skipTo skips tokens up to (not including) k at bracket depth 0, or to a
// closing bracket that closes an outer construct.
func (p *parser) skipTo(k TokenKind) {
	depth := 0
	for {
		t := p.peek()
		switch {
		case t == TEOF:
			return
		case depth == 0 && (t == k || t == TRBrace || t == TRParen || t == TRBrack):
			return
		case t == TLBrace || t == TLParen || t == TLBrack || t == TDollarCurly:
			depth++
		case t == TRBrace || t == TRParen || t == TRBrack:
			depth--
		}
		p.advance()
	}
}

func (p *parser) formal() NodeID {
	start := p.tok().Start
	m := p.mark()
	p.push(p.leaf(NParam))
	if p.peek() == TQuestion {
		p.advance()
		p.push(p.expr())
	}
	return p.finish(NFormal, start, m)
}

type opInfo struct {
	prec     int8
	right    bool
	nonassoc bool
}

var binOps = [TEOF + 1]opInfo{
	TImpl: {1, true, false}, TOrOr: {2, false, false}, TAnd: {3, false, false},
	TEq: {4, false, true}, TNeq: {4, false, true},
	TLt: {5, false, true}, TLe: {5, false, true}, TGt: {5, false, true}, TGe: {5, false, true},
	TUpdate: {6, true, false},
	TPlus:   {8, false, false}, TMinus: {8, false, false},
	TStar: {9, false, false}, TSlash: {9, false, false},
	TConcat: {10, true, false},
	// `?` is %nonassoc in parser.y, but its right side is an attribute path,
	// so yacc never sees a conflict and `a ? b ? c` means `(a ? b) ? c`.
	TQuestion: {11, false, false},
}

const (
	precNot    = 7  // `!x` takes operators tighter than this
	precNegate = 12 // `-x` takes only applications
)

// binary is a precedence climber over Nix's operator table (parser.y).
func (p *parser) binary(minPrec int8) NodeID {
	defer func() { p.depth-- }()
	if !p.enter() {
		return p.missing()
	}
	start := p.tok().Start
	var lhs NodeID
	switch p.peek() {
	case TNot, TMinus:
		op := p.peek()
		p.advance()
		prec := int8(precNot + 1)
		if op == TMinus {
			prec = precNegate + 1
		}
		operand := p.binary(prec)
		lhs = p.node(NUnary, start, operand)
		p.f.Nodes[lhs].Op = op
	default:
		lhs = p.app()
	}
	for {
		op := p.peek()
		info := binOps[op]
		if info.prec == 0 || info.prec < minPrec {
			return lhs
		}
		p.advance()
		var rhs NodeID
		kind := NBinary
		if op == TQuestion {
			kind, rhs = NHasAttr, p.attrPath()
		} else {
			next := info.prec + 1
			if info.right {
				next = info.prec
			}
			rhs = p.binary(next)
		}
		lhs = p.node(kind, start, lhs, rhs)
		p.f.Nodes[lhs].Op = op
		if info.nonassoc && binOps[p.peek()].prec == info.prec {
			p.unexpected()
		}
	}
}

// app parses function application: a sequence of select expressions.
func (p *parser) app() NodeID {
	start := p.tok().Start
	fn := p.selectExpr()
	for p.startsSimple() && !p.atBindingStart() {
		arg := p.selectExpr()
		fn = p.node(NApply, start, fn, arg)
	}
	return fn
}

func (p *parser) startsSimple() bool {
	switch p.peek() {
	case TIdent, TInt, TFloat, TStrOpen, TIndOpen, TPath, THPath, TSPath, TURI,
		TLParen, TRec, TLBrace, TLBrack:
		return true
	case TLet:
		return p.peekAt(1) == TLBrace
	}
	return false
}

// atBindingStart reports `name =` or `a.b.c =` ahead: never an argument, so
// a binding whose ';' is missing ends here and the next binding survives.
func (p *parser) atBindingStart() bool {
	if p.peek() != TIdent {
		return false
	}
	for n := 1; n < 64; n += 2 {
		switch p.peekAt(n) {
		case TAssign:
			return true
		case TDot:
			if k := p.peekAt(n + 1); k != TIdent && k != TOr {
				return false
			}
		default:
			return false
		}
	}
	return false
}

func (p *parser) selectExpr() NodeID {
	start := p.tok().Start
	e := p.simple()
	switch p.peek() {
	case TDot:
		p.advance()
		m := p.mark()
		p.push(e)
		p.push(p.attrPath())
		var flags uint8
		if p.peek() == TOr {
			p.advance()
			if p.enter() {
				p.push(p.selectExpr())
			} else {
				p.push(p.missing())
			}
			p.depth--
			flags = FlagOr
		}
		n := p.finish(NSelect, start, m)
		p.f.Nodes[n].Flags = flags
		return n
	case TOr:
		// Nix keeps `f or` as a call of f with a variable named `or`.
		orVar := p.leaf(NIdent)
		return p.node(NApply, start, e, orVar)
	}
	return e
}

func (p *parser) simple() NodeID {
	start := p.tok().Start
	switch p.peek() {
	case TIdent:
		return p.leaf(NIdent)
	case TInt:
		t := p.tok()
		if _, err := strconv.ParseInt(string(p.f.Src[t.Start:t.End]), 10, 64); err != nil {
			p.errTok("invalid integer '" + string(p.f.Src[t.Start:t.End]) + "'")
		}
		return p.leaf(NInt)
	case TFloat:
		t := p.tok()
		if !validFloat(string(p.f.Src[t.Start:t.End])) {
			p.errTok("invalid float '" + string(p.f.Src[t.Start:t.End]) + "'")
		}
		return p.leaf(NFloat)
	case TURI:
		return p.leaf(NURI)
	case TSPath:
		return p.leaf(NSPath)
	case TPath, THPath:
		return p.path()
	case TStrOpen:
		return p.str(NString, TStrClose)
	case TIndOpen:
		return p.str(NIndString, TIndClose)
	case TLParen:
		p.advance()
		m := p.mark()
		p.push(p.expr())
		p.expect(TRParen)
		return p.finish(NParen, start, m)
	case TLBrack:
		return p.list(start)
	case TRec, TLet:
		kind := NAttrSet
		if p.peek() == TLet {
			kind = NLetLegacy
		}
		p.advance()
		if p.peek() != TLBrace {
			p.expect(TLBrace)
			return p.missing()
		}
		n := p.attrSet(start, kind)
		if kind == NAttrSet {
			p.f.Nodes[n].Flags = FlagRec
		}
		return n
	case TLBrace:
		return p.attrSet(start, NAttrSet)
	}
	p.unexpected()
	return p.missing()
}

func (p *parser) list(start int32) NodeID {
	defer func() { p.depth-- }()
	if !p.enter() {
		return p.missing()
	}
	p.advance()
	m := p.mark()
	for p.startsSimple() {
		p.push(p.selectExpr())
	}
	p.expect(TRBrack)
	return p.finish(NList, start, m)
}

func (p *parser) attrSet(start int32, kind NodeKind) NodeID {
	p.advance() // {
	m := p.mark()
	p.binds(TRBrace)
	p.expect(TRBrace)
	return p.finish(kind, start, m)
}

// path parses a path literal and its interpolations, which the lexer keeps
// adjacent (no trivia between parts).
func (p *parser) path() NodeID {
	start := p.tok().Start
	m := p.mark()
	p.push(p.leaf(NText))
	for p.adjacent() {
		switch p.peek() {
		case TPathCont:
			p.push(p.leaf(NText))
			continue
		case TDollarCurly:
			p.push(p.interp())
			continue
		}
		break
	}
	return p.finish(NPath, start, m)
}

func (p *parser) interp() NodeID {
	start := p.tok().Start
	p.advance() // ${
	m := p.mark()
	p.push(p.expr())
	p.expect(TRBrace)
	return p.finish(NInterp, start, m)
}

func (p *parser) str(kind NodeKind, closeTok TokenKind) NodeID {
	start := p.tok().Start
	p.advance()
	m := p.mark()
	for {
		switch p.peek() {
		case TStrText, TIndText:
			p.push(p.leaf(NText))
		case TIndEsc:
			id := p.leaf(NText)
			p.f.Nodes[id].Flags = FlagEscape
			p.push(id)
		case TDollarCurly:
			p.push(p.interp())
		case closeTok:
			p.advance()
			return p.finish(kind, start, m)
		default:
			p.expect(closeTok)
			return p.finish(kind, start, m)
		}
	}
}

// --- bindings ---

// binds parses bindings up to the closing token `end` (not consumed).
func (p *parser) binds(end TokenKind) {
	for {
		switch p.peek() {
		case end, TEOF:
			return
		case TInherit:
			p.push(p.inherit())
		case TIdent, TOr, TStrOpen, TDollarCurly:
			p.push(p.binding())
		case TRBrace:
			return // the caller reports the missing `end`
		default:
			if end == TRBrace {
				p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting 'inherit' or identifier")
			} else {
				p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting 'in' or identifier")
			}
			p.skipTo(TSemi)
			if p.peek() == TSemi || p.peek() == TRParen || p.peek() == TRBrack {
				p.advance()
			}
		}
	}
}

func (p *parser) binding() NodeID {
	start := p.tok().Start
	m := p.mark()
	p.push(p.attrPath())
	if p.peek() != TAssign {
		p.expect(TAssign)
		p.push(p.missing())
		if p.peek() == TSemi {
			p.advance()
		}
		return p.finish(NBinding, start, m)
	}
	p.advance()
	p.push(p.expr())
	p.expectSemi()
	return p.finish(NBinding, start, m)
}

func (p *parser) inherit() NodeID {
	start := p.tok().Start
	p.advance()
	m := p.mark()
	var flags uint8
	if p.peek() == TLParen {
		p.advance()
		p.push(p.expr())
		p.expect(TRParen)
		flags = FlagFrom
	}
	for {
		switch p.peek() {
		case TIdent, TOr:
			p.push(p.leaf(NAttrName))
			continue
		case TStrOpen:
			p.push(p.str(NString, TStrClose))
			continue
		case TDollarCurly:
			p.push(p.interp())
			continue
		}
		break
	}
	p.expectSemi()
	n := p.finish(NInherit, start, m)
	p.f.Nodes[n].Flags = flags
	return n
}

// attrPath parses `a.b."c".${d}` (at least one key).
func (p *parser) attrPath() NodeID {
	start := p.tok().Start
	m := p.mark()
	for {
		switch p.peek() {
		case TIdent, TOr:
			p.push(p.leaf(NAttrName))
		case TStrOpen:
			p.push(p.str(NString, TStrClose))
		case TDollarCurly:
			p.push(p.interp())
		default:
			p.errTok("syntax error, unexpected " + p.peek().String() + ", expecting identifier or 'or' or '${' or '\"'")
			return p.finish(NAttrPath, start, m)
		}
		if p.peek() != TDot {
			return p.finish(NAttrPath, start, m)
		}
		p.advance()
	}
}

// validFloat mirrors Nix's strtod check: overflow and underflow (a
// non-zero literal that reads as zero or as a subnormal) are errors.
func validFloat(text string) bool {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return false
	}
	if v == 0 {
		return strings.Trim(strings.SplitN(strings.ToLower(text), "e", 2)[0], "0.") == ""
	}
	return math.Abs(v) >= 0x1p-1022
}
