// Package markdown makes repository text inert in the markdown the server
// shows (hovers): text is escaped, code goes in spans and blocks whose fence
// it cannot break, and everything is redacted first. Redaction must come
// first: escaping puts backslashes into a key ("sk\-ant\-..."), after which
// no detector at the output boundary would recognise it.
package markdown

import (
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Text is s redacted and escaped for inline markdown: every character that
// can open markup gets a backslash (CommonMark renders `\x` as x), so no
// link, image, emphasis, code, HTML, table cell or heading can form, and
// line breaks become spaces, so s cannot start a block of its own. Plain
// punctuation (: . / , ...) stays readable in clients that show the source.
func Text(s string) string {
	s = secrets.Redact(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x80 && isSpecial(byte(r)):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// specials open markup somewhere in CommonMark, GFM or embedded HTML.
const specials = "\\`*_{}[]()#+-!|<>~&"

func isSpecial(c byte) bool { return strings.IndexByte(specials, c) >= 0 }

// Code is s redacted as an inline code span, fenced with more backticks
// than any run in s, on one line.
func Code(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(secrets.Redact(s))
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// Block is s redacted as a fenced code block in language lang, fenced with
// more backticks than any run in s (at least three).
func Block(lang, s string) string {
	s = secrets.Redact(s)
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + lang + "\n" + s + "\n" + fence
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
