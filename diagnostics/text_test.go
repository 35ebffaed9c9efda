package diagnostics

import "testing"

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
