package nixsyntax

import (
	"fmt"
	"strings"
	"testing"
)

func TestSymbols(t *testing.T) {
	src := `{ lib, ... }:
let helper = x: x; in
lib.mkProfile {
  model.scheme = "anthropic";
  pod = {
    name = "p";
    replicas = 2;
    tools = [ ];
  };
  inherit helper;
}`
	f := Parse([]byte(src))
	var lines []string
	var walk func(syms []Symbol, indent string)
	walk = func(syms []Symbol, indent string) {
		for _, s := range syms {
			lines = append(lines, fmt.Sprintf("%s%s:%d@%d", indent, s.Name, s.Kind, s.Selection.Start.Line))
			walk(s.Children, indent+"  ")
		}
	}
	walk(Symbols(f), "")
	want := []string{
		"helper:12@1",
		"model.scheme:15@3",
		"pod:19@4",
		"  name:15@5",
		"  replicas:16@6",
		"  tools:18@7",
		"helper:8@9",
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("Symbols:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestFoldingRanges(t *testing.T) {
	src := "# a\n# b\n{\n  x = [\n    1\n  ];\n  /* c\n  d */\n  y = let\n    a = 1;\n    b = a;\n  in b;\n}\n"
	f := Parse([]byte(src))
	var got []string
	for _, r := range FoldingRanges(f) {
		got = append(got, fmt.Sprintf("%d-%d%s", r.StartLine, r.EndLine, r.Kind))
	}
	want := "0-1comment 2-11 3-4 6-7comment 8-10"
	if strings.Join(got, " ") != want {
		t.Errorf("FoldingRanges = %v, want %s", got, want)
	}
}

func TestSelectionRanges(t *testing.T) {
	f, off := withCursor(t, "{ a = f (x + y┃z); }")
	sel := SelectionRanges(f, []int{off})
	var got []string
	for r := &sel[0]; r != nil; r = r.Parent {
		got = append(got, textOf(f, r.Range))
	}
	want := []string{"yz", "x + yz", "(x + yz)", "f (x + yz)", "a = f (x + yz);", "{ a = f (x + yz); }"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SelectionRanges = %q, want %q", got, want)
	}
}

func TestDefinition(t *testing.T) {
	tests := []struct {
		src  string
		want string // text at the target range, or "file:<path>"
		line int
	}{
		{"let\n  a = 1;\nin a┃", "a", 1},
		{"{ x, y ? 2 }: x + y┃", "y", 0},
		{"args@{ x }: args┃.x", "args", 0},
		{"rec { a = 1; b = a┃; }", "a", 0},
		{"let a = 1; in { inherit a┃; }", "a", 0},
		{"let a = 1; in let inherit a; in a┃", "a", 0},
		{"{ a = import ./sub/file┃.nix; }", "file:./sub/file.nix", 0},
		{"x: with x; y┃", "", 0},
	}
	for _, tt := range tests {
		f, off := withCursor(t, tt.src)
		tg, ok := Definition(f, off)
		switch {
		case tt.want == "":
			if ok {
				t.Errorf("%q: unexpected target %+v", tt.src, tg)
			}
		case strings.HasPrefix(tt.want, "file:"):
			if !ok || tg.Path != strings.TrimPrefix(tt.want, "file:") {
				t.Errorf("%q: got %+v, want path %s", tt.src, tg, tt.want)
			}
		case !ok || textOf(f, tg.Range) != tt.want || tg.Range.Start.Line != tt.line || tg.Path != "":
			t.Errorf("%q: got %+v (%q), want %q on line %d", tt.src, tg, textOf(f, tg.Range), tt.want, tt.line)
		}
	}
	// `let a = 1; in let inherit a; in a`: the inner a resolves to the inherit,
	// which in turn resolves to the outer binding.
	f, off := withCursor(t, "let a = 1; in let inherit a; in a┃")
	tg, _ := Definition(f, off)
	if tg.Range.Start.Col != 26 {
		t.Errorf("inner a should lead to the inherit at col 26, got %+v", tg.Range)
	}
}

func TestHighlights(t *testing.T) {
	f, off := withCursor(t, "let a┃ = 1; b = a + a; in { c = a; inherit a; d = { a = 2; }.a; }")
	hs := Highlights(f, off)
	var got []string
	for _, h := range hs {
		got = append(got, fmt.Sprintf("%d:%v", h.Range.Start.Col, h.Write))
	}
	want := "4:true 15:false 19:false 31:false 42:false"
	if strings.Join(got, " ") != want {
		t.Errorf("Highlights = %v, want %s", got, want)
	}
	// from a use, the same set
	f2, off2 := withCursor(t, "let a = 1; b = a + a┃; in b")
	if n := len(Highlights(f2, off2)); n != 3 {
		t.Errorf("from a use: %d highlights, want 3", n)
	}
}
