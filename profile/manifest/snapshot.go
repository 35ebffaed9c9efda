package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Canonical rewrites a JSON document in the canonical form the snapshot
// hash is taken over:
//   - object keys sorted by their UTF-8 bytes, at every depth;
//   - no whitespace between tokens;
//   - numbers written exactly as in the input text (no float reformatting);
//   - strings escaped as Go's encoding/json does without HTML escaping:
//     `"` `\` and control characters escaped (\n \r \t, others \u00XX),
//     U+2028/U+2029 as \u2028/\u2029, everything else literal UTF-8.
func Canonical(doc []byte) ([]byte, error) {
	v, err := decodeValue(doc)
	if err != nil {
		return nil, err
	}
	// encoding/json sorts map keys; json.Number keeps the number text.
	return marshalNoEscape(v)
}

// Hash is the lowercase hex sha256 of Canonical(doc).
func Hash(doc []byte) (string, error) {
	c, err := Canonical(doc)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}

// MarshalSnapshot serializes a manifest as upstream does (see PodManifest).
func MarshalSnapshot(m *PodManifest) (json.RawMessage, error) {
	return marshalNoEscape(m)
}
