package nixsyntax

import (
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// sexpr prints a tree compactly so tests can state its shape.
func sexpr(f *File, id NodeID) string {
	n := f.Node(id)
	var parts []string
	for _, k := range f.Kids(id) {
		parts = append(parts, sexpr(f, k))
	}
	switch n.Kind {
	case NIdent, NInt, NFloat, NURI, NSPath, NAttrName, NParam, NText:
		return f.Text(id)
	case NBinary, NUnary:
		return "(" + strings.Trim(n.Op.String(), "'") + " " + strings.Join(parts, " ") + ")"
	case NApply:
		return "(" + strings.Join(parts, " ") + ")"
	case NAttrPath:
		return strings.Join(parts, ".")
	case NParen:
		return parts[0]
	case NError:
		return "ERR"
	}
	return "(" + n.Kind.String() + " " + strings.Join(parts, " ") + ")"
}

func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a + b * c", "(+ a (* b c))"},
		{"a * b + c", "(+ (* a b) c)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a ++ b ++ c", "(++ a (++ b c))"},
		{"a // b // c", "(// a (// b c))"},
		{"a -> b -> c", "(-> a (-> b c))"},
		{"a || b && c", "(|| a (&& b c))"},
		{"a == b && c != d", "(&& (== a b) (!= c d))"},
		{"a < b == c", "(== (< a b) c)"},
		{"!a + b", "(! (+ a b))"},
		{"!a == b", "(== (! a) b)"},
		{"!a // b", "(// (! a) b)"},
		{"-a * b", "(* (- a) b)"},
		{"-f x", "(- (f x))"},
		{"- -a", "(- (- a))"},
		{"a + -b", "(+ a (- b))"},
		{"f x y", "((f x) y)"},
		{"f a.b c", "((f (Select a b)) c)"},
		{"a.b.c or d", "(Select a b.c d)"},
		{"a ? b.c", "(HasAttr a b.c)"},
		{"a ? b && c", "(&& (HasAttr a b) c)"},
		{"a ? b ? c", "(HasAttr (HasAttr a b) c)"},
		{"-a ? b", "(HasAttr (- a) b)"},
		{"a ++ b ? c", "(++ a (HasAttr b c))"},
		{"f or", "(f or)"},
		{"x: y: x + y", "(Lambda x (Lambda y (+ x y)))"},
		{"{ a, b ? 1, ... }@args: a", "(Lambda (Formals (Formal a) (Formal b 1)) args a)"},
		{"args@{ a }: a", "(Lambda args (Formals (Formal a)) a)"},
		{"{}: 1", "(Lambda (Formals ) 1)"},
		{"{ }", "(AttrSet )"},
		{"if a then b else c", "(If a b c)"},
		{"assert a; b", "(Assert a b)"},
		{"with a; b", "(With a b)"},
		{"let a = 1; in a", "(Let (Binding a 1) a)"},
		{"let { a = 1; body = a; }", "(LetLegacy (Binding a 1) (Binding body a))"},
		{"rec { a = 1; }", "(AttrSet (Binding a 1))"},
		{"{ inherit (x) a \"b\"; inherit c; }", "(AttrSet (Inherit x a (String b)) (Inherit c))"},
		{"{ ${a} = 1; \"b${c}\".d = 2; }", "(AttrSet (Binding (Interp a) 1) (Binding (String b (Interp c)).d 2))"},
		{"[ a b.c (d e) ]", "(List a (Select b c) (d e))"},
		{"./a/${b}/c", "(Path ./a/ (Interp b) /c)"},
		{"~/a ./. /abs ../x", "((((Path ~/a) (Path ./.)) (Path /abs)) (Path ../x))"},
		{"a/b", "(Path a/b)"},
		{"a / b", "(/ a b)"},
		{"<nixpkgs>", "<nixpkgs>"},
		{"http://x.org/a?b=c", "http://x.org/a?b=c"},
		{"x:x", "x:x"},
		{"1.5e3 .5 1", "((1.5e3 .5) 1)"},
		{"''\n  a ${b}\n''", "(IndString   a  (Interp b) \n)"},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.src))
		if f.HasSyntaxErrors() {
			t.Errorf("%q: unexpected errors %v", tt.src, f.SyntaxDiagnostics(""))
			continue
		}
		if got := sexpr(f, f.Root); got != tt.want {
			t.Errorf("%q:\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src      string
		wantMsgs []string // substrings, one per expected error, in order
	}{
		{"", []string{"unexpected end of file"}},
		{"(", []string{"unexpected end of file"}},
		{"a == b == c", []string{"unexpected '=='"}},
		{"a < b > c", []string{"unexpected '>'"}},
		{"{ a = 1 }", []string{"expecting ';'"}},
		{"a.if", []string{"unexpected 'if', expecting identifier"}},
		{"{ inherit http://x; }", []string{"unexpected URI"}},
		{"./a/", []string{"path has a trailing slash"}},
		{"\"abc", []string{"unexpected end of file"}},
		{"1 /* abc", []string{"unterminated comment"}},
		{"99999999999999999999", []string{"invalid integer"}},
		{"1.5e999", []string{"invalid float"}},
		{"1.5e-999", []string{"invalid float"}},
		{"a |> b", []string{"unexpected '|>'"}},
		{"{ a, ..., b }: a", []string{"expecting '}'"}},
		{"1 + if a then b else c", []string{"unexpected 'if'"}},
		{"{A,A A)...}: d", []string{"expecting '}' or ','", "unexpected ')'"}},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.src))
		ds := f.SyntaxDiagnostics("x.nix")
		if len(ds) != len(tt.wantMsgs) {
			t.Errorf("%q: got %d errors %v, want %d", tt.src, len(ds), ds, len(tt.wantMsgs))
			continue
		}
		for i, d := range ds {
			if !strings.Contains(d.Message, tt.wantMsgs[i]) || d.Code != CodeSyntax {
				t.Errorf("%q: error %d = %q, want it to contain %q", tt.src, i, d.Message, tt.wantMsgs[i])
			}
		}
	}
}

// One missing ';' gives one error, and the bindings after it are still parsed.
func TestRecoveryMissingSemicolon(t *testing.T) {
	src := "{\n  a = 1\n  b = 2;\n  c.d = f x\n  e = { g = 3; };\n}\n"
	f := Parse([]byte(src))
	ds := f.SyntaxDiagnostics("x.nix")
	if len(ds) != 2 {
		t.Fatalf("want 2 errors (one per missing ';'), got %v", ds)
	}
	// each error sits where the ';' belongs (end of lines 1 and 3) with a fix
	for i, want := range []diagnostics.Pos{{Line: 1, Col: 7}, {Line: 3, Col: 11}} {
		if ds[i].Range.Start != want || ds[i].Range.End != want || ds[i].Fix == nil || ds[i].Fix.NewText != ";" {
			t.Errorf("error %d: %+v, want an insert-';' fix at %+v", i, ds[i], want)
		}
	}
	want := "(AttrSet (Binding a 1) (Binding b 2) (Binding c.d (f x)) (Binding e (AttrSet (Binding g 3))))"
	if got := sexpr(f, f.Root); got != want {
		t.Errorf("tree:\n got  %s\n want %s", got, want)
	}
}

func TestRecoveryKeepsLaterBindings(t *testing.T) {
	src := "{ a = ; b = 1; c = [ 1 2 ; d = 2; }"
	f := Parse([]byte(src))
	if !f.HasSyntaxErrors() {
		t.Fatal("want errors")
	}
	got := sexpr(f, f.Root)
	for _, want := range []string{"(Binding b 1)", "(Binding d 2)"} {
		if !strings.Contains(got, want) {
			t.Errorf("tree %s lacks %s", got, want)
		}
	}
}

func TestDeepNestingIsAnError(t *testing.T) {
	for _, open := range []string{"(", "[", "{ a = ", "!", "-", "a: ", "\"${", "a.b or "} {
		src := strings.Repeat(open, 100000) + "1"
		f := Parse([]byte(src))
		ds := f.SyntaxDiagnostics("x.nix")
		if len(ds) == 0 || !strings.Contains(ds[0].Message, "nested too deeply") {
			t.Errorf("%q x 100000: want a nesting error first, got %d errors", open, len(ds))
		}
		if string(reprint(f)) != src {
			t.Errorf("%q: tokens do not reprint the input", open)
		}
	}
}

// Long left-nested chains parse without recursion; checks and queries must
// survive the resulting deep trees too.
func TestLongChains(t *testing.T) {
	// (one item per line: diagnostics.Lines.Pos costs O(column))
	for _, sep := range []string{"\n", "\n+ ", ".", "\n// "} {
		src := "x: " + strings.Repeat("x"+sep, 200000) + "x"
		f := Parse([]byte(src))
		if sep == "." {
			if !f.HasSyntaxErrors() {
				continue // x.x.x... is one select: fine either way
			}
		}
		f.Diagnostics("x.nix")
		Strings(f)
		Symbols(f)
		AttrPathAt(f, len(src)/2)
		Highlights(f, len(src)-1)
	}
}

func TestTokenKinds(t *testing.T) {
	tests := []struct {
		src  string
		want []TokenKind
	}{
		{"a-b'c", []TokenKind{TIdent}},
		{"a/b/c", []TokenKind{TPath}},
		{"./a/${b}c", []TokenKind{TPath, TDollarCurly, TIdent, TRBrace, TPathCont}},
		{"~/${x}", []TokenKind{THPath, TDollarCurly, TIdent, TRBrace}},
		{"<a/b>", []TokenKind{TSPath}},
		{"a < b", []TokenKind{TIdent, TWhitespace, TLt, TWhitespace, TIdent}},
		{"\"a\\\"${b}$\"", []TokenKind{TStrOpen, TStrText, TDollarCurly, TIdent, TRBrace, TStrText, TStrClose}},
		{"''a''$b'''c''\\nd''", []TokenKind{TIndOpen, TIndText, TIndEsc, TIndText, TIndEsc, TIndText, TIndEsc, TIndText, TIndClose}},
		{"# c\n/* d */", []TokenKind{TLineComment, TWhitespace, TBlockComment}},
		{"1.5 01 .5e-3", []TokenKind{TFloat, TWhitespace, TInt, TWhitespace, TFloat}},
		{"orx or", []TokenKind{TIdent, TWhitespace, TOr}},
		{"{ ... }", []TokenKind{TLBrace, TWhitespace, TEllipsis, TWhitespace, TRBrace}},
		{"a//b", []TokenKind{TIdent, TUpdate, TIdent}},
	}
	for _, tt := range tests {
		toks, _ := lex([]byte(tt.src))
		var got []TokenKind
		for _, tk := range toks[:len(toks)-1] {
			got = append(got, tk.Kind)
		}
		if !equalKinds(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.src, got, tt.want)
		}
	}
}

func equalKinds(a, b []TokenKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestStringValues(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"a\nb\t\"\${x}\q"`, "a\nb\t\"${x}q"},
		{`"$$"`, "$$"},
		{"''\n    a\n      b\n  ''", "a\n  b\n"},
		{"''\n  x ''${y} '''z ''\\n\n''", "x ${y} ''z \n\n"},
		{"''  one line  ''", "one line  "},
		{"''\n\n  a\n\n  b\n''", "\na\n\nb\n"},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.src))
		got, ok := f.StringValue(f.Root)
		if !ok || got != tt.want {
			t.Errorf("%q: got %q (ok %v), want %q", tt.src, got, ok, tt.want)
		}
	}
}

func TestPositionsUTF16(t *testing.T) {
	src := "{\n  é = \"😀\"; b = c;\n}"
	f := Parse([]byte(src))
	ds := f.Diagnostics("x.nix")
	var undef []string
	for _, d := range ds {
		if d.Code == CodeUndefined {
			undef = append(undef, d.Message)
			// "  é = "😀"; b = " : é is 1 UTF-16 unit, 😀 is 2
			if d.Range.Start.Line != 1 || d.Range.Start.Col != 16 || d.Range.End.Col != 17 {
				t.Errorf("undefined c at %+v, want line 1 col 16-17", d.Range)
			}
		}
	}
	if len(undef) != 1 {
		t.Errorf("want one undefined variable, got %v (all: %v)", undef, ds)
	}
}
