package manifest

import (
	"encoding/json"
	"strconv"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Redacted returns doc (any manifest or artifact JSON) indented for display,
// keys in their original order, with every plaintext credential masked:
// strings under credential-named keys, an auth given as a string, URL
// passwords and key-like query values, and any key-shaped or high-entropy
// token. Secret references ({"kind":"secret_ref","ref":id}) stay as they are.
// Like every display form it is cut to DisplayLimits.
func Redacted(doc []byte) ([]byte, error) {
	out, _, err := RedactedWithin(doc, DisplayLimits())
	return out, err
}

// RedactedWithin is Redacted cut to lim: what is cut is replaced by marker
// strings (see Limits), so the result stays valid JSON, and cut says why
// ("" when nothing was cut). Redaction comes first: a cut never shows more
// of a value than the redacted whole would.
func RedactedWithin(doc []byte, lim Limits) (out []byte, cut string, err error) {
	return within(doc, lim, true)
}

// Redacted is the snapshot prepared for display (hover, preview, CLI),
// within DisplayLimits.
func (r *Resolved) Redacted() []byte {
	out, _, err := RedactedWithin(r.SnapshotJSON, DisplayLimits())
	if err != nil {
		return []byte("{}")
	}
	return out
}

// ordered keeps an object's keys in document order.
type ordered struct {
	keys []string
	vals []any
}

// readOrdered reads one value. Containers at a nesting level over maxDepth
// (0: no limit) are skipped without being built and read as tooDeep.
func readOrdered(d *json.Decoder, maxDepth, level int) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	t, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if maxDepth > 0 && level > maxDepth {
		return tooDeep{}, skipRest(d)
	}
	if t == '[' {
		var arr []any
		for d.More() {
			v, err := readOrdered(d, maxDepth, level+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := d.Token()
		return arrayOrEmpty(arr), err
	}
	o := &ordered{}
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return nil, err
		}
		v, err := readOrdered(d, maxDepth, level+1)
		if err != nil {
			return nil, err
		}
		o.keys, o.vals = append(o.keys, k.(string)), append(o.vals, v)
	}
	_, err = d.Token()
	return o, err
}

// tooDeep stands for a container cut by the depth limit.
type tooDeep struct{}

// skipRest reads to the end of the container whose opening was just read.
func skipRest(d *json.Decoder) error {
	for open := 1; open > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if t, ok := tok.(json.Delim); ok {
			if t == '[' || t == '{' {
				open++
			} else {
				open--
			}
		}
	}
	return nil
}

func arrayOrEmpty(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

func (o *ordered) isSecretRef() bool {
	for i, k := range o.keys {
		if k == "kind" && o.vals[i] == "secret_ref" {
			return true
		}
	}
	return false
}

// RedactString is the display form of value v stored under key: masked
// whole when the key says it is a credential (or it is an auth given as a
// string), else with its secret-looking parts masked.
func RedactString(key, v string) string {
	if v == "" {
		return v
	}
	if key == "auth" || secrets.CredentialName(key) {
		return secrets.Mask(v)
	}
	return secrets.Redact(v)
}

func maskIfSecret(s string) string {
	if secrets.LooksSecret(s) {
		return secrets.Mask(s)
	}
	return s
}

// RedactedString is Redacted for callers that want text; on bad input it
// returns a short error note, never the input.
func RedactedString(doc []byte) string {
	out, err := Redacted(doc)
	if err != nil {
		return "(unreadable manifest JSON)"
	}
	return string(out)
}

// ValueAt returns the display form (redacted, indented) of the resolved
// value at path (keys from the manifest root; array indexes as numbers),
// for hover. ok is false when the path is not in the snapshot.
func (r *Resolved) ValueAt(path []string) (string, bool) {
	v, err := decodeValue(r.SnapshotJSON)
	if err != nil {
		return "", false
	}
	key := ""
	for _, k := range path {
		switch t := v.(type) {
		case map[string]any:
			next, ok := t[k]
			if !ok {
				return "", false
			}
			v, key = next, k
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(t) {
				return "", false
			}
			v = t[i]
		default:
			return "", false
		}
	}
	if s, ok := v.(string); ok {
		out, _ := marshalNoEscape(RedactString(key, s))
		return string(out), true
	}
	raw, err := marshalNoEscape(v)
	if err != nil {
		return "", false
	}
	out, err := Redacted(raw)
	if err != nil {
		return "", false
	}
	return string(out), true
}
