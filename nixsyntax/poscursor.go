package nixsyntax

import (
	"bytes"
	"unicode/utf8"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// posCursor converts offsets to LSP positions for a walk that moves mostly
// forward. Lines.Pos counts UTF-16 units from the start of the line, which
// is quadratic over many literals on one long line (a minified profile);
// the cursor counts only from the last offset it converted when that is on
// the same line, and falls back to Lines.Pos otherwise.
type posCursor struct {
	f   *File
	off int
	pos diagnostics.Pos
	ok  bool
}

func (c *posCursor) at(offset int) diagnostics.Pos {
	src := c.f.Src
	if c.ok && offset >= c.off && offset <= len(src) && (c.off == len(src) || utf8.RuneStart(src[c.off])) &&
		bytes.IndexByte(src[c.off:offset], '\n') < 0 {
		c.pos.Col += diagnostics.UTF16Len(src[c.off:offset])
	} else {
		c.pos = c.f.Lines.Pos(offset)
	}
	c.off, c.ok = offset, true
	return c.pos
}

// nodeRange is File.NodeRange through the cursor.
func (c *posCursor) nodeRange(id NodeID) diagnostics.Range {
	n := &c.f.Nodes[id]
	return diagnostics.Range{Start: c.at(int(n.Start)), End: c.at(int(n.End))}
}
