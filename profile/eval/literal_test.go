package eval

import (
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// oldFindLiteral is the regexp findLiteral used to compile: the reference
// for where a literal is found (fine for small values, ruinous for big ones).
func oldFindLiteral(text []byte, key, value string) int {
	re := regexp.MustCompile(`(?:^|[^A-Za-z0-9_'.-])(` + regexp.QuoteMeta(key) + `)\s*=\s*"` + regexp.QuoteMeta(value) + `"`)
	loc := re.FindSubmatchIndex(text)
	if loc == nil {
		return -1
	}
	return loc[2]
}

// TestFindLiteralAsBefore: the byte search finds the same literal as the
// old regexp, word boundaries and blanks included.
func TestFindLiteralAsBefore(t *testing.T) {
	cases := []struct{ text, key, value string }{
		{`{ name = "a"; }`, "name", "a"},
		{`name="a"`, "name", "a"},
		{"{ name\n  =\t\"a\"; }", "name", "a"},
		{`{ xname = "a"; name = "a"; }`, "name", "a"},
		{`{ a.name = "a"; name = "a"; }`, "name", "a"},
		{`{ na-me = "a"; me = "a"; }`, "me", "a"},
		{`{ name = "b"; name = "a"; }`, "name", "a"},
		{`{ name = "ab"; other = "a"; }`, "name", "a"},
		{`{ name = ""; }`, "name", ""},
		{`{ other = "a"; }`, "name", "a"},
		{`{ name = "a" ; }`, "name", "a b"},
		{`{ n = "a"a"; n = "a"; }`, "n", "a"},
		{`{ name = "é ✓"; }`, "name", "é ✓"},
		{`"a"`, "name", "a"},
		{`= "a"`, "name", "a"},
	}
	for _, c := range cases {
		m := newSourceMap("/p.nix", []byte(c.text), 0, "")
		want := oldFindLiteral([]byte(c.text), c.key, c.value)
		loc, ok := m.findLiteral(c.key, c.value)
		got := -1
		if ok {
			got = m.lines[bufferKey].Offset(loc.Range.Start)
			if end := m.lines[bufferKey].Offset(loc.Range.End); end-got != len(c.key) {
				t.Errorf("%q: range %+v does not span the key", c.text, loc.Range)
			}
		}
		if got != want {
			t.Errorf("%q key %q value %q: at %d, regexp says %d", c.text, c.key, c.value, got, want)
		}
	}
}

// TestFindLiteralHugeValue: a 5 MB string literal is found with a few
// copies of it allocated, not the ~1 GB the regexp took.
func TestFindLiteralHugeValue(t *testing.T) {
	value := strings.Repeat("d", 5<<20)
	text := []byte("{\n  pod.name = \"long\";\n  description = \"" + value + "\";\n}\n")
	m := newSourceMap("/p.nix", text, 0, "")
	var loc diagnostics.Location
	var ok bool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	loc, ok = m.findLiteral("description", value)
	runtime.ReadMemStats(&after)
	if !ok || loc.Range.Start.Line != 2 || loc.Range.Start.Col != 2 {
		t.Fatalf("found %v at %+v, want line 2 col 2", ok, loc.Range)
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(3*len(value)); got > limit {
		t.Fatalf("finding a %d-byte literal allocated %d bytes (limit %d)", len(value), got, limit)
	}
	// Absent value of the same size: one scan, no match, same bound.
	runtime.ReadMemStats(&before)
	_, ok = m.findLiteral("description", strings.Repeat("e", 5<<20))
	runtime.ReadMemStats(&after)
	if ok {
		t.Fatal("found a value that is not in the text")
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(3*len(value)) {
		t.Fatalf("missing a %d-byte literal allocated %d bytes", len(value), got)
	}
}

func BenchmarkFindLiteralHuge(b *testing.B) {
	value := strings.Repeat("d", 5<<20)
	text := []byte("{\n  description = \"" + value + "\";\n}\n")
	m := newSourceMap("/p.nix", text, 0, "")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := m.findLiteral("description", value); !ok {
			b.Fatal("not found")
		}
	}
}
