package diagnostics

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// Lines converts between byte offsets, Nix's 1-based line:column (bytes) and
// LSP positions (UTF-16 columns) for one text. Build it once per text version.
type Lines struct {
	text   []byte
	starts []int // byte offset where each line starts
}

// NewLines indexes text. Lines end at "\n"; a "\r" before it stays in the line.
func NewLines(text []byte) *Lines {
	starts := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	// IndexByte, not a loop over every byte: it scans a word at a time.
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Lines{text: text, starts: starts}
}

// Edited is NewLines(text) for text made from l's by replacing old bytes
// [at, oldEnd) with delta more: the line starts before the edit are kept,
// those after it moved, and only the new bytes are scanned (a keystroke in
// a long file re-indexes one line, not the file).
func (l *Lines) Edited(text []byte, at, oldEnd, delta int) *Lines {
	keep := sort.SearchInts(l.starts, at+1) // starts <= at: their '\n' is before the edit
	after := sort.SearchInts(l.starts, oldEnd+1)
	starts := make([]int, keep, len(l.starts)+bytes.Count(text[at:oldEnd+delta], []byte{'\n'})-(after-keep))
	copy(starts, l.starts[:keep])
	for i := at; ; {
		j := bytes.IndexByte(text[i:oldEnd+delta], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	for _, s := range l.starts[after:] {
		starts = append(starts, s+delta)
	}
	return &Lines{text: text, starts: starts}
}

// Count is the number of lines (a final line without "\n" counts).
func (l *Lines) Count() int { return len(l.starts) }

// Pos gives the LSP position of a byte offset (clamped to the text).
func (l *Lines) Pos(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(l.text) {
		offset = len(l.text)
	}
	line := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	return Pos{Line: line, Col: UTF16Len(l.text[l.starts[line]:offset])}
}

// Offset gives the byte offset of an LSP position (clamped to its line).
func (l *Lines) Offset(p Pos) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(l.starts) {
		return len(l.text)
	}
	start, end := l.starts[p.Line], l.lineEnd(p.Line)
	col := 0
	for i := start; i < end; {
		if col >= p.Col {
			return i
		}
		r, size := utf8.DecodeRune(l.text[i:end])
		col += runeWidth(r)
		i += size
	}
	return end
}

// NixPos converts Nix's 1-based line and 1-based byte column to an LSP position.
func (l *Lines) NixPos(line, col int) Pos {
	if line < 1 {
		return Pos{}
	}
	if line > len(l.starts) {
		return l.Pos(len(l.text))
	}
	off := l.starts[line-1] + col - 1
	if col < 1 {
		off = l.starts[line-1]
	}
	if end := l.lineEnd(line - 1); off > end {
		off = end
	}
	return l.Pos(off)
}

// LineRange is the range covering line (0-based) without its newline.
func (l *Lines) LineRange(line int) Range {
	if line < 0 || line >= len(l.starts) {
		return Range{}
	}
	return Range{Start: Pos{Line: line}, End: l.Pos(l.lineEnd(line))}
}

func (l *Lines) lineEnd(line int) int {
	if line+1 < len(l.starts) {
		return l.starts[line+1] - 1
	}
	return len(l.text)
}

// UTF16Len is the length of b in UTF-16 code units (LSP columns), an invalid
// byte counting one. The one counter every position conversion uses.
func UTF16Len(b []byte) int {
	n := 0
	for len(b) > 0 && b[0] < utf8.RuneSelf { // ASCII: one unit per byte
		n++
		b = b[1:]
	}
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		n += runeWidth(r)
	}
	return n
}

// runeWidth is a rune's length in UTF-16 code units; an invalid byte counts 1.
func runeWidth(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
