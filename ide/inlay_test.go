package ide

import (
	"encoding/json"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// A line inserted above keeps the hints below it (matched by the common
// suffix); the changed line and nothing else loses its hint.
func TestFreshLinesInsertAbove(t *testing.T) {
	old := []byte("a\nb\nc\nd\n")
	fresh := freshLines(old, []byte("a\nNEW\nb\nc\nd\n"))
	for line, want := range []bool{true, false, true, true, true} {
		if got := fresh(line, line); got != want {
			t.Errorf("line %d fresh=%v, want %v", line, got, want)
		}
	}
	if freshLines(nil, old)(0, 0) {
		t.Error("no evaluated text: nothing is fresh")
	}
}

func TestResolvedHintsSkipLiteralsAndLetBindings(t *testing.T) {
	src := "let x = { a = 1; }; v = x.a; y = { b = x.a; }; in {\n  lit = \"s\";\n  ref = x.a;\n  inherit v;\n  list = [ 1 2 ];\n  sets = [ { t = x.a; } ];\n}\n"
	f := nixsyntax.Parse([]byte(src))
	display := json.RawMessage(`{"lit":"s","ref":1,"v":{"kind":"secret_ref","ref":"llm.k"},"list":[1,2],"sets":[{"t":1}]}`)
	hs := ResolvedHints(f, Evaluated{Display: display, Text: []byte(src)}, func(p []string) []string { return p })
	got := map[int]string{}
	for _, h := range hs {
		got[h.Pos.Line] = h.Label
	}
	want := map[int]string{2: "= 1", 3: "= secret:llm.k", 5: `= [{"t":1}]`}
	if len(hs) != len(want) || got[2] != want[2] || got[3] != want[3] || got[5] != want[5] {
		t.Errorf("hints %v, want %v", got, want)
	}
}

func TestHintLabelCutsAt40(t *testing.T) {
	long := json.RawMessage(`{"b":"0123456789012345678901234567890123456789","a":1}`)
	got := hintLabel(long)
	if r := []rune(got); len(r) != MaxHintValue || r[len(r)-1] != '…' || got[:6] != `{"b":"` {
		t.Errorf("label %q", got)
	}
}
