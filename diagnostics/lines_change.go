package diagnostics

import "bytes"

// LineChange compares two versions of a text by lines, through their
// common first and last lines: everything between is changed. An
// insertion or deletion thus keeps the lines below it, shifted; an edited
// line (and any between two edits) is changed. Inlay hints and stale
// evaluation diagnostics both follow edits this way.
type LineChange struct {
	head   int // lines before head are the same in both
	oldEnd int // old lines [head, oldEnd) changed
	curEnd int // current lines [head, curEnd) changed
}

// CompareLines compares old with cur.
func CompareLines(old, cur []byte) LineChange {
	o, c := bytes.Split(old, []byte("\n")), bytes.Split(cur, []byte("\n"))
	head := 0
	for head < len(o) && head < len(c) && bytes.Equal(o[head], c[head]) {
		head++
	}
	tail := 0
	for tail < len(o)-head && tail < len(c)-head && bytes.Equal(o[len(o)-1-tail], c[len(c)-1-tail]) {
		tail++
	}
	return LineChange{head: head, oldEnd: len(o) - tail, curEnd: len(c) - tail}
}

// Unchanged says whether the current lines first..last are unchanged.
func (lc LineChange) Unchanged(first, last int) bool {
	return last < lc.head || first >= lc.curEnd
}

// Moved says where the old lines first..last went: the shift in lines,
// or ok false when they changed.
func (lc LineChange) Moved(first, last int) (shift int, ok bool) {
	switch {
	case last < lc.head:
		return 0, true
	case first >= lc.oldEnd:
		return lc.curEnd - lc.oldEnd, true
	}
	return 0, false
}
