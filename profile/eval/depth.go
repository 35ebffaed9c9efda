package eval

import (
	"fmt"
)

// MaxArtifactDepth is how deep an artifact is kept. A few hundred bytes of
// Nix can nest lists thousands deep; every walk over the value (positions,
// checks, display) then builds a pointer and a path per level per value,
// which grows with the square of the depth (6,000 levels cost 700 MB of
// garbage). No manifest people write is near 64 levels, the envelope
// included.
const MaxArtifactDepth = 64

// pruneDepth returns raw (valid JSON) with every list or set that sits
// deeper than limit replaced by the string "…truncated (depth > limit)",
// and the deepest level raw reached. Levels are counted from the value
// outer levels down (the artifact inside the wrapper's object: 1). raw
// itself is returned when it is within limit, so the usual case copies
// nothing.
func pruneDepth(raw []byte, limit, outer int) ([]byte, int) {
	deepest := scanDepth(raw) - outer
	if deepest <= limit {
		return raw, deepest
	}
	marker := fmt.Sprintf(`"…truncated (depth > %d)"`, limit)
	limit += outer
	out := make([]byte, 0, len(raw))
	level, inString := 0, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString && c == '\\' && i+1 < len(raw):
			out = append(out, c)
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			level++
			if level > limit {
				out = append(out, marker...)
				i = closing(raw, i)
				level--
				continue
			}
		case c == ']' || c == '}':
			level--
		}
		out = append(out, raw[i])
	}
	return out, deepest
}

// scanDepth is the deepest nesting of lists and sets in raw.
func scanDepth(raw []byte) int {
	level, deepest, inString := 0, 0, false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			level++
			deepest = max(deepest, level)
		case c == ']' || c == '}':
			level--
		}
	}
	return deepest
}

// closing is the index of the bracket that closes the one at open.
func closing(raw []byte, open int) int {
	level, inString := 0, false
	for i := open; i < len(raw); i++ {
		switch c := raw[i]; {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			level++
		case c == ']' || c == '}':
			level--
			if level == 0 {
				return i
			}
		}
	}
	return len(raw) - 1
}
