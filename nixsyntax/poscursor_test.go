package nixsyntax

import (
	"math/rand"
	"testing"
)

// The cursor must give exactly Lines.Pos, whatever the walk order and the
// bytes (multi-byte, astral and invalid UTF-8, CRLF).
func TestPosCursorMatchesLines(t *testing.T) {
	pieces := []string{"a", "é", "𝄞", "\xff", "\xe2\x82", "\n", "\r\n", " ", "\"s\"", "x = 1;"}
	r := rand.New(rand.NewSource(3))
	moved := 0
	for i := 0; i < 300; i++ {
		var src []byte
		for n := r.Intn(80); n > 0; n-- {
			src = append(src, pieces[r.Intn(len(pieces))]...)
		}
		f := Parse(src)
		c := posCursor{f: f}
		off := 0
		for k := 0; k < 50; k++ {
			if r.Intn(4) == 0 {
				off = r.Intn(len(src) + 1) // a jump, maybe backwards
			} else if off < len(src) {
				off += r.Intn(len(src)-off) + 1
				moved++
			}
			if got, want := c.at(off), f.Lines.Pos(off); got != want {
				t.Fatalf("src %q offset %d: cursor %+v, Lines %+v", src, off, got, want)
			}
		}
	}
	if moved == 0 {
		t.Fatal("the walk never moved forward")
	}
}
