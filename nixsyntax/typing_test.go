package nixsyntax_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/fixture"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

func parseAt(t *testing.T, text string) (*nixsyntax.File, int) {
	t.Helper()
	src, off, err := fixture.Cursor(text)
	if err != nil {
		t.Fatal(err)
	}
	return nixsyntax.Parse([]byte(src)), off
}

func TestSecretIDAt(t *testing.T) {
	for _, tc := range []struct {
		text  string
		typed string // "" with ok false: not in an id
		ok    bool
	}{
		{`{ a = secrets.ref "$0"; }`, "", true},
		{`{ a = lib.secrets.ref "ant$0hropic"; }`, "ant", true},
		{`{ a = secrets.ref "op/k$0`, "op/k", true}, // still open
		{`{ a = secrets . ref "x$0"; }`, "x", true},
		{`{ a = foo.ref "x$0"; }`, "", false},
		{`{ a = secrets.ref "a b$0"; }`, "", false},
		{`{ a = "secrets.ref $0"; }`, "", false},
		{`# secrets.ref "$0`, "", false},
	} {
		f, off := parseAt(t, tc.text)
		start, ok := nixsyntax.SecretIDAt(f, off)
		if ok != tc.ok || ok && string(f.Src[start:off]) != tc.typed {
			t.Errorf("SecretIDAt(%s) = %d %v, want %q %v", tc.text, start, ok, tc.typed, tc.ok)
		}
	}
}

func TestDottedAt(t *testing.T) {
	for _, tc := range []struct {
		text, chain, typed string // chain "" = no chain
	}{
		{"{ a = lib.$0 }", "lib", ""},
		{"{ a = lib.secrets.r$0; }", "lib.secrets", "r"},
		{"{ a = lib.secrets.r$0ef; }", "lib.secrets", "r"},
		{"{ a = lib$0; }", "", ""},
		{"{ a = lib. $0 }", "", ""},
		{"# lib.$0\n{ }", "", ""},
		{"{ a = \"lib.$0\"; }", "", ""},
	} {
		f, off := parseAt(t, tc.text)
		chain, typed, ok := nixsyntax.DottedAt(f, off)
		if got := strings.Join(chain, "."); got != tc.chain || typed != tc.typed || ok != (tc.chain != "") {
			t.Errorf("DottedAt(%q) = %q %q %v, want %q %q", tc.text, got, typed, ok, tc.chain, tc.typed)
		}
	}
}

func TestCalleeOf(t *testing.T) {
	for text, want := range map[string]string{
		"let lib = import ./l.nix { }; in lib.mkProfile { }": "lib",
		"let p = import ./l.nix { }; in p.lib.mkProfile { }": "p.lib",
		"# x.mkProfile\nlet l = 1; in l.mkProfile { }":       "l",
		"{ a = \"y.mkProfile\"; }":                           "",
		"mkProfile { }":                                      "",
	} {
		got, ok := nixsyntax.CalleeOf(nixsyntax.Parse([]byte(text)), "mkProfile")
		if got != want || ok != (want != "") {
			t.Errorf("CalleeOf(%q) = %q %v, want %q", text, got, ok, want)
		}
	}
}

func TestBindingOf(t *testing.T) {
	src := "{ }:\nlet\n  secrets = {\n    ref = id: { ref = id; };\n  };\n  mkProfile = a: a;\nin { inherit secrets mkProfile; x.y = 1; }\n"
	f := nixsyntax.Parse([]byte(src))
	for _, tc := range []struct {
		path []string
		line int // -1: none
		col  int
	}{
		{[]string{"secrets", "ref"}, 3, 4},
		{[]string{"mkProfile"}, 5, 2},
		{[]string{"x", "y"}, 6, 34},
		{[]string{"nothing"}, -1, 0},
	} {
		r, ok := nixsyntax.BindingOf(f, tc.path)
		if ok != (tc.line >= 0) || ok && (r.Start.Line != tc.line || r.Start.Col != tc.col) {
			t.Errorf("BindingOf(%v) = %+v %v, want %d:%d", tc.path, r, ok, tc.line, tc.col)
		}
		if ok && !slices.Contains(tc.path, string(src[f.Lines.Offset(r.Start):f.Lines.Offset(r.End)])) {
			t.Errorf("BindingOf(%v) spans %+v, not a key of the path", tc.path, r)
		}
	}
}
