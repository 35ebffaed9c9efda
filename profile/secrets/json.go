package secrets

import (
	"bytes"
	"encoding/json"
	"strings"
)

// RedactJSON returns doc with Redact applied to every string in it, keys
// included, except the values of keys listed in keep. It is the last line of
// defence at an output boundary (every message the server sends): whatever a
// producer forgot, no secret-looking token leaves. Redacting the encoded text
// instead would miss keys glued to an escape ("\nsk-ant-..." reads as one
// word). doc is returned unchanged (not copied) when nothing is masked, and
// so is anything that is not well-formed JSON text.
func RedactJSON(doc []byte, keep ...string) []byte {
	var out []byte // nil until the first change
	last, key := 0, ""
	for i := 0; i < len(doc); i++ {
		if doc[i] != '"' {
			continue
		}
		end := stringEnd(doc, i)
		if end < 0 {
			return doc
		}
		lit := doc[i:end]
		isKey := nextByte(doc, end) == ':'
		if isKey || !kept(key, keep) {
			if repl, changed := redactLiteral(lit); changed {
				out = append(append(out, doc[last:i]...), repl...)
				last = end
			}
		}
		if isKey {
			key = string(lit[1 : len(lit)-1])
		} else {
			key = ""
		}
		i = end - 1
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// stringEnd is the index after the closing quote of the string literal
// opening at doc[start], or -1 when it does not close.
func stringEnd(doc []byte, start int) int {
	for j := start + 1; j < len(doc); j++ {
		switch doc[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// nextByte is the first non-space byte from i (0 at the end).
func nextByte(doc []byte, i int) byte {
	for ; i < len(doc); i++ {
		switch doc[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return doc[i]
		}
	}
	return 0
}

func kept(key string, keep []string) bool {
	for _, k := range keep {
		if key == k {
			return true
		}
	}
	return false
}

// redactLiteral redacts one encoded JSON string (quotes included). Strings
// too short to hold a secret are skipped undecoded: most of a message.
func redactLiteral(lit []byte) ([]byte, bool) {
	if len(lit) < MinShapeLen && !bytes.ContainsAny(lit, "@=\\") {
		return nil, false
	}
	var s string
	if bytes.IndexByte(lit, '\\') < 0 {
		// No escape: the text is the literal's bytes (the usual reply
		// string, which json.Unmarshal decoded at a cost per reply).
		s = string(lit[1 : len(lit)-1])
	} else if err := json.Unmarshal(lit, &s); err != nil {
		return nil, false
	}
	redactText := Redact
	if strings.HasPrefix(s, "file://") {
		redactText = redactURI // a location the editor opens: it must stay exact
	}
	r := redactText(s)
	if r == s {
		return nil, false
	}
	enc, err := json.Marshal(r)
	if err != nil {
		return nil, false
	}
	return enc, true
}
