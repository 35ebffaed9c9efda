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
	cut := limit + outer + 1 // the first level replaced
	out := make([]byte, 0, len(raw))
	from := 0 // raw[from:] is still to copy
	brackets(raw, func(i, level int, open bool) {
		switch {
		case open && level == cut:
			out = append(append(out, raw[from:i]...), marker...)
		case !open && level == cut-1:
			from = i + 1
		}
	})
	return append(out, raw[from:]...), deepest
}

// scanDepth is the deepest nesting of lists and sets in raw.
func scanDepth(raw []byte) int {
	deepest := 0
	brackets(raw, func(_, level int, _ bool) { deepest = max(deepest, level) })
	return deepest
}

// brackets calls f at each bracket of a list or set in raw (JSON), those
// inside strings passed over, with the level it opens (1: the outermost)
// or closes back to (0 after the outermost).
func brackets(raw []byte, f func(i, level int, open bool)) {
	level, inString := 0, false
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
			f(i, level, true)
		case c == ']' || c == '}':
			level--
			f(i, level, false)
		}
	}
}
