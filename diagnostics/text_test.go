package diagnostics

import (
	"math/rand"
	"reflect"
	"testing"
)

func TestLinesConvertsBetweenOffsetsNixAndLSP(t *testing.T) {
	// "é" is 2 bytes / 1 UTF-16 unit; "𝄞" is 4 bytes / 2 UTF-16 units.
	text := []byte("ab\né𝄞x\r\nlast")
	l := NewLines(text)
	if l.Count() != 3 {
		t.Fatalf("Count = %d, want 3", l.Count())
	}
	cases := []struct {
		off  int
		want Pos
	}{
		{0, Pos{0, 0}}, {2, Pos{0, 2}}, {3, Pos{1, 0}}, {5, Pos{1, 1}}, {9, Pos{1, 3}}, {12, Pos{2, 0}}, {16, Pos{2, 4}},
		{99, Pos{2, 4}}, {-1, Pos{0, 0}},
	}
	for _, c := range cases {
		if got := l.Pos(c.off); got != c.want {
			t.Errorf("Pos(%d) = %v, want %v", c.off, got, c.want)
		}
		if c.off >= 0 && c.off <= len(text) {
			if back := l.Offset(c.want); back != c.off {
				t.Errorf("Offset(%v) = %d, want %d", c.want, back, c.off)
			}
		}
	}
	// Nix counts bytes from 1: line 2, column 7 is the byte after "é𝄞".
	if got := l.NixPos(2, 7); got != (Pos{1, 3}) {
		t.Errorf("NixPos(2,7) = %v, want {1 3}", got)
	}
	if got := l.NixPos(0, 0); got != (Pos{}) {
		t.Errorf("NixPos(0,0) = %v", got)
	}
	if r := l.LineRange(1); r.End != (Pos{1, 5}) {
		t.Errorf("LineRange(1) ends at %v, want {1 5} (\\r kept)", r.End)
	}
}

// TestLinesEdited: for random edits (newlines typed, lines cut, text
// replaced at the start, the end and across lines), Edited indexes the new
// text as NewLines does.
func TestLinesEdited(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	const alphabet = "ab\n\r é"
	text := []byte("first\nsecond line\n\nthird\r\nlast")
	for i := range 2000 {
		at := r.Intn(len(text) + 1)
		end := min(len(text), at+r.Intn(6))
		ins := make([]byte, r.Intn(5))
		for j := range ins {
			ins[j] = alphabet[r.Intn(len(alphabet))]
		}
		next := append(append(append([]byte{}, text[:at]...), ins...), text[end:]...)
		got, want := NewLines(text).Edited(next, at, end, len(ins)-(end-at)), NewLines(next)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("edit %d (%q at [%d,%d) of %q): starts %v, want %v", i, ins, at, end, text, got.starts, want.starts)
		}
		text = next
		if len(text) > 400 {
			text = text[:100]
		}
	}
}
