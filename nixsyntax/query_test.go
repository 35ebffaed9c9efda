package nixsyntax

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

const marker = "┃"

// withCursor parses src after removing the cursor marker, returning its offset.
func withCursor(t *testing.T, src string) (*File, int) {
	t.Helper()
	off := strings.Index(src, marker)
	if off < 0 {
		t.Fatalf("no cursor marker in %q", src)
	}
	return Parse([]byte(strings.Replace(src, marker, "", 1))), off
}

// textOf returns the source text a range covers.
func textOf(f *File, r diagnostics.Range) string {
	return string(f.Src[f.Lines.Offset(r.Start):f.Lines.Offset(r.End)])
}

func TestImports(t *testing.T) {
	src := `let import2 = import; in {
  a = import ./a.nix;
  b = import ../b { x = 1; };
  c = builtins.import (./c.nix);
  d = scopedImport { } ./d;
  e = import ./e/${x}.nix;
  f = import <nixpkgs> { };
  g = let import = x: x; in import ./not-an-import.nix;
}`
	f := Parse([]byte(src))
	got := Imports(f)
	want := []string{"./a.nix", "../b", "./c.nix", "./d"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Imports = %q, want %q", got, want)
	}
}

func TestResolveImport(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"./sub":       filepath.Join(dir, "sub", "default.nix"),
		"./x.nix":     filepath.Join(dir, "x.nix"),
		"../y.nix":    filepath.Join(filepath.Dir(dir), "y.nix"),
		"/abs/z.nix":  "/abs/z.nix",
		"./sub/../ok": filepath.Join(dir, "ok"),
	}
	for in, want := range cases {
		if got := ResolveImport(dir, in); got != want {
			t.Errorf("ResolveImport(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretRefs(t *testing.T) {
	src := `{ lib, insomnia, secrets, ... }: {
  a = secrets.ref "anthropic";
  b = insomnia.secrets.ref "openai-key";
  c = lib.x.secrets.ref ''gh'';
  d = secrets.ref "dyn-${x}";
  e = other.ref "nope";
  f = (secrets.ref) ("paren");
}`
	f := Parse([]byte(src))
	var ids []string
	for _, r := range SecretRefs(f) {
		ids = append(ids, r.ID)
		if txt := textOf(f, r.Range); !strings.Contains(txt, r.ID) {
			t.Errorf("range of %q covers %q", r.ID, txt)
		}
	}
	want := []string{"anthropic", "openai-key", "gh", "paren"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("SecretRefs = %q, want %q", ids, want)
	}
}

func TestStrings(t *testing.T) {
	src := `let key = "sk-1"; in {
  model.auth = "sk-2";
  model = { headers = [ "Bearer x" ]; name = lib.mkDefault "n${y}"; };
  "quoted key" = 1;
}`
	f := Parse([]byte(src))
	var got []string
	for _, s := range Strings(f) {
		got = append(got, strings.Join(s.Path, ".")+"="+s.Value+"/"+map[bool]string{true: "lit", false: "interp"}[s.Literal]+"@"+textOf(f, s.Range))
	}
	want := []string{
		`key=sk-1/lit@"sk-1"`,
		`model.auth=sk-2/lit@"sk-2"`,
		`model.headers=Bearer x/lit@"Bearer x"`,
		`model.name=/interp@"n${y}"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Strings =\n%q\nwant\n%q", got, want)
	}
}

func TestAttrPathAt(t *testing.T) {
	tests := []struct {
		src  string
		want string // dotted path, or "!" when not ok
	}{
		{"{ model = { scheme = ┃ }; }", "model.scheme"},
		{"{ model.scheme = ┃ }", "model.scheme"},
		{"{ model.scheme = \"an┃t\"; }", "model.scheme"},
		{"{ mo┃del.scheme = 1; }", "model"},
		{"{ model.sch┃eme = 1; }", "model.scheme"},
		{"{ model = { ┃ }; }", "model"},
		{"{ a = 1; ┃ }", ""},
		{"{ lib, ... }: { pod = lib.mkForce { name = \"x┃\"; }; }", "pod.name"},
		{"let x = 1; in { a = { b = x┃; }; }", "a.b"},
		{"let x = { a = ┃1; }; in x", "!"},
		{"{ a = [ { b = ┃1; } ]; }", "a"}, // inside a's value, not a set path
		{"{ a = {} // { b.c = ┃1; }; }", "a.b.c"},
		{"{ a = if x then { b = ┃1; } else {}; }", "a.b"},
		{"{ \"a b\".c = ┃1; }", "a b.c"},
		{"{ inherit fo┃o; }", "foo"},
	}
	for _, tt := range tests {
		f, off := withCursor(t, tt.src)
		path, ok := AttrPathAt(f, off)
		got := strings.Join(path, ".")
		if !ok {
			got = "!"
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestCursorAt(t *testing.T) {
	tests := []struct {
		src     string
		path    string
		inValue bool
		key     string
		word    string
	}{
		{"{ model.sch┃ }", "model", false, "sch", "sch"},
		{"{ model = { sch┃ }; }", "model", false, "sch", "sch"},
		{"{ model = { ┃ }; }", "model", false, "", ""},
		{"{ model.scheme = \"ant┃\"; }", "model.scheme", true, "", "ant"},
		{"{ model.scheme = ┃; }", "model.scheme", true, "", ""},
		{"{ a.b = x.y┃; }", "a.b", true, "", "y"},
		// A dot just typed above another binding: the keys after it belong
		// to that binding, not to what is being typed.
		{"{ worker.┃\n  model.ref = 1; }", "worker", false, "", ""},
	}
	for _, tt := range tests {
		f, off := withCursor(t, tt.src)
		c, ok := CursorAt(f, off)
		if !ok {
			t.Errorf("%s: not ok", tt.src)
			continue
		}
		if got := strings.Join(c.Path, "."); got != tt.path || c.InValue != tt.inValue || c.Key != tt.key || c.Word != tt.word {
			t.Errorf("%s: got %+v, want path %q inValue %v key %q word %q", tt.src, c, tt.path, tt.inValue, tt.key, tt.word)
		}
	}
}

func TestFindAttr(t *testing.T) {
	src := `{ lib, ... }:
let x = 1; in
{
  model.scheme = "a";
  pod = { name = "p"; tools = [ ]; };
  inherit x;
} // { extra.deep = 1; }`
	f := Parse([]byte(src))
	tests := map[string]string{
		"model":        "model",
		"model.scheme": "scheme",
		"pod.name":     "name",
		"pod":          "pod",
		"x":            "x",
		"extra.deep":   "deep",
	}
	for path, want := range tests {
		r, ok := FindAttr(f, strings.Split(path, "."))
		if !ok || textOf(f, r) != want {
			t.Errorf("FindAttr(%s) = %q ok=%v, want %q", path, textOf(f, r), ok, want)
		}
		if path == "pod.name" && r.Start.Line != 4 {
			t.Errorf("pod.name on line %d, want 4", r.Start.Line)
		}
	}
	if _, ok := FindAttr(f, []string{"pod", "missing"}); ok {
		t.Error("FindAttr found a missing path")
	}
}
