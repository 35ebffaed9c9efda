package nixsyntax

import (
	"strings"
)

// StringValue returns the value of a string literal (NString or NIndString)
// with escapes resolved and, for ” strings, indentation stripped as Nix
// does. ok is false when the string has interpolations or id is no string.
func (f *File) StringValue(id NodeID) (value string, ok bool) {
	n := f.Node(id)
	if n.Kind != NString && n.Kind != NIndString {
		return "", false
	}
	kids := f.Kids(id)
	for _, k := range kids {
		if f.Nodes[k].Kind != NText {
			return "", false
		}
	}
	if n.Kind == NString {
		if len(kids) == 1 {
			return unescape(f.text[f.Nodes[kids[0]].Start:f.Nodes[kids[0]].End]), true
		}
		var b strings.Builder
		for _, k := range kids {
			b.WriteString(unescape(f.text[f.Nodes[k].Start:f.Nodes[k].End]))
		}
		return b.String(), true
	}
	return f.indValue(kids), true
}

// unescape resolves "..." escapes and normalises CR and CRLF to LF, as
// Nix's unescapeStr does.
// raw is a view of the source: without escapes it is the value itself.
func unescape(raw string) string {
	if strings.IndexByte(raw, '\\') < 0 && strings.IndexByte(raw, '\r') < 0 {
		return raw // the common case, and fast on huge literals
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			switch raw[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(raw[i])
			}
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// indPart is one piece of an indented string: literal text (which counts for
// indentation) or an escape / interpolation (which does not).
type indPart struct {
	text   string
	indent bool
}

// indEscape is the value of an ”-escape token.
func indEscape(raw string) string {
	switch {
	case raw == "''$":
		return "$"
	case raw == "'''":
		return "''"
	case len(raw) == 4 && raw[2] == '\\':
		return unescape(raw[2:])
	}
	return raw // a lone $ or '
}

func (f *File) indValue(kids []NodeID) string {
	parts := make([]indPart, 0, len(kids))
	for _, k := range kids {
		n := &f.Nodes[k]
		raw := f.text[n.Start:n.End]
		if n.Flags&FlagEscape != 0 {
			parts = append(parts, indPart{indEscape(raw), false})
		} else {
			parts = append(parts, indPart{raw, true})
		}
	}
	return strings.Join(stripIndentation(parts), "")
}

// stripIndentation mirrors Nix's parser.y: find the smallest indentation of
// non-empty lines, remove it from every line, and drop a last line made only
// of spaces.
func stripIndentation(parts []indPart) []string {
	atStart, minIndent, cur := true, 1000000, 0
	for _, p := range parts {
		if !p.indent {
			if atStart {
				atStart = false
				minIndent = min(minIndent, cur)
			}
			continue
		}
		for j := 0; j < len(p.text); j++ {
			c := p.text[j]
			switch {
			case atStart && c == ' ':
				cur++
			case atStart && c == '\n':
				cur = 0
			case atStart:
				atStart = false
				minIndent = min(minIndent, cur)
			case c == '\n':
				atStart, cur = true, 0
			}
		}
	}
	out := make([]string, 0, len(parts))
	atStart, dropped := true, 0
	for i, p := range parts {
		var b strings.Builder
		for j := 0; j < len(p.text); j++ {
			c := p.text[j]
			switch {
			case atStart && c == ' ':
				if dropped >= minIndent {
					b.WriteByte(c)
				}
				dropped++
			case atStart && c == '\n':
				dropped = 0
				b.WriteByte(c)
			case atStart:
				atStart, dropped = false, 0
				b.WriteByte(c)
			default:
				b.WriteByte(c)
				if c == '\n' {
					atStart = true
				}
			}
		}
		s := b.String()
		if i == len(parts)-1 {
			if k := strings.LastIndexByte(s, '\n'); k >= 0 && strings.Trim(s[k+1:], " ") == "" {
				s = s[:k+1]
			}
		}
		out = append(out, s)
	}
	return out
}

// AttrName returns the static name of an attribute key node: an identifier,
// a string without interpolation, or ${"literal"}. ok is false for dynamic keys.
func (f *File) AttrName(id NodeID) (string, bool) {
	n := f.Node(id)
	switch n.Kind {
	case NAttrName:
		return f.Text(id), true
	case NString:
		return f.StringValue(id)
	case NInterp:
		if kids := f.Kids(id); len(kids) == 1 && f.Nodes[kids[0]].Kind == NString {
			return f.StringValue(kids[0])
		}
	}
	return "", false
}
