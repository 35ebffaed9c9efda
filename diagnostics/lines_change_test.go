package diagnostics

import "testing"

func TestLineChange(t *testing.T) {
	old := []byte("a\nb\nc\nd\n")
	inserted := CompareLines(old, []byte("a\nnew\nb\nc\nd\n"))
	if shift, ok := inserted.Moved(2, 2); !ok || shift != 1 {
		t.Errorf("line c after an insertion above: shift %d ok %v, want 1 true", shift, ok)
	}
	if shift, ok := inserted.Moved(0, 0); !ok || shift != 0 {
		t.Errorf("line a above the insertion: shift %d ok %v", shift, ok)
	}
	edited := CompareLines(old, []byte("a\nb\nC\nd\n"))
	if _, ok := edited.Moved(2, 2); ok {
		t.Error("the edited line c is not changed")
	}
	if !edited.Unchanged(3, 3) || edited.Unchanged(2, 2) || edited.Unchanged(1, 2) {
		t.Error("Unchanged: want d unchanged, c and b..c changed")
	}
}
