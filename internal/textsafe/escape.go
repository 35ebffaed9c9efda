// Package textsafe makes untrusted text safe to print on one line of a
// terminal or a CI log: a file name or message carrying a newline, an
// escape sequence or a bidi override could otherwise forge output lines
// (a GitHub Actions `::warning` command), recolour a terminal or reorder
// what a reviewer reads.
package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// unsafe reports whether r must not be printed raw: C0 controls, DEL, C1
// controls, the Unicode line and paragraph separators, and the bidi
// marks, embeddings, overrides and isolates (the "Trojan Source" set).
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Escape returns s with every unsafe character written as a Go-style
// escape (\n, \r, \t, \x1b, \u0085, \u202e) and every byte that is not
// UTF-8 as \xNN, so the result is one line of printable text. Safe text is
// returned unchanged.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafe(r) || r == utf8.RuneError && size == 1 {
			return true
		}
		i += size
	}
	return false
}

// EscapeJSON rewrites the unsafe characters that valid JSON may carry raw
// inside strings (DEL, C1, U+2028/9, bidi controls) as \uXXXX escapes: the
// document means the same and prints safely. C0 controls cannot occur raw
// in a JSON string, and outside strings they are the document's own
// whitespace, so they are kept.
func EscapeJSON(doc []byte) []byte {
	var b []byte
	for i := 0; i < len(doc); {
		r, size := utf8.DecodeRune(doc[i:])
		if r >= 0x7f && unsafe(r) {
			if b == nil {
				b = append(make([]byte, 0, len(doc)+16), doc[:i]...)
			}
			b = fmt.Appendf(b, `\u%04x`, r)
		} else if b != nil {
			b = append(b, doc[i:i+size]...)
		}
		i += size
	}
	if b == nil {
		return doc
	}
	return b
}
