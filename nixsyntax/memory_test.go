package nixsyntax

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// Bytes allocated per input byte. Parse keeps the tokens (12 bytes each),
// the nodes (20 bytes), their children and the line index; a profile has a
// token every 2 to 5 bytes. Measured (go test -v -run ParserMemory prints
// them), before -> after sizing the token and node slices at once:
//
//	                     Parse        with Diagnostics
//	profile-1000-lines   23.4 -> 13.8  29.4 -> 19.8
//	unused-bindings-100k 25.4 ->  9.7  94.3 -> 52.4
//	nested-lists         49.8 -> 27.4  51.0 -> 28.6
//	long-string           0.8 ->  0.0   0.8 ->  0.0
//
// The bounds are the after figures with 50% margin: a regression that
// doubles what Parse allocates fails. Parse runs on every keystroke, on
// buffers up to limits.MaxProfileBytes.
var parserMemoryCases = []struct {
	name           string
	src            func() []byte
	alloc, checked float64 // allocated bytes per input byte: Parse; Parse plus Diagnostics
}{
	{"profile-1000-lines", func() []byte { return profileSource(1000) }, 20, 30},
	{"unused-bindings-100k", unusedBindings, 15, 80},
	{"nested-lists", func() []byte { return []byte(strings.Repeat("[ ", 900) + strings.Repeat("] ", 900)) }, 40, 43},
	{"long-string", func() []byte { return []byte(`{ s = "` + strings.Repeat("d", 1<<20) + `"; }`) }, 0.5, 0.5},
}

func unusedBindings() []byte {
	var b strings.Builder
	b.WriteString("let\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, "  unused%d = %d;\n", i, i)
	}
	b.WriteString("in { }\n")
	return []byte(b.String())
}

// allocated is the bytes f allocates (the input excluded: made before).
func allocated(f func()) float64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return float64(b.TotalAlloc - a.TotalAlloc)
}

func TestParserMemory(t *testing.T) {
	for _, tc := range parserMemoryCases {
		src := tc.src()
		n := float64(len(src))
		parse := allocated(func() { Parse(src) }) / n
		checked := allocated(func() { Parse(src).Diagnostics("p.nix") }) / n
		t.Logf("%s (%d bytes): Parse %.1f B/B, with Diagnostics %.1f B/B", tc.name, len(src), parse, checked)
		if parse > tc.alloc {
			t.Errorf("%s: Parse allocates %.1f bytes per input byte, over %.1f", tc.name, parse, tc.alloc)
		}
		if checked > tc.checked {
			t.Errorf("%s: Parse and Diagnostics allocate %.1f bytes per input byte, over %.1f", tc.name, checked, tc.checked)
		}
	}
}
