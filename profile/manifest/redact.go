package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Redacted returns doc (any manifest or artifact JSON) indented for display,
// keys in their original order, with every plaintext credential masked:
// strings under credential-named keys, an auth given as a string, URL
// passwords and key-like query values, and any key-shaped or high-entropy
// token. Secret references ({"kind":"secret_ref","ref":id}) stay as they are.
func Redacted(doc []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	v, err := readOrdered(d)
	if err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	var b bytes.Buffer
	writeRedacted(&b, v, "", "")
	return b.Bytes(), nil
}

// Redacted is the snapshot prepared for display (hover, preview, CLI).
func (r *Resolved) Redacted() []byte {
	out, err := Redacted(r.SnapshotJSON)
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

func readOrdered(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			var arr []any
			for d.More() {
				v, err := readOrdered(d)
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
			v, err := readOrdered(d)
			if err != nil {
				return nil, err
			}
			o.keys, o.vals = append(o.keys, k.(string)), append(o.vals, v)
		}
		_, err := d.Token()
		return o, err
	}
	return tok, nil
}

func arrayOrEmpty(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

func writeRedacted(b *bytes.Buffer, v any, key, indent string) {
	switch t := v.(type) {
	case *ordered:
		if len(t.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		isRef := t.isSecretRef()
		for i, k := range t.keys {
			b.WriteString(indent + "  ")
			writeString(b, maskIfSecret(k))
			b.WriteString(": ")
			if isRef && k == "ref" {
				writeRedacted(b, t.vals[i], "", indent+"  ")
			} else {
				writeRedacted(b, t.vals[i], k, indent+"  ")
			}
			if i < len(t.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, x := range t {
			b.WriteString(indent + "  ")
			writeRedacted(b, x, key, indent+"  ")
			if i < len(t)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case string:
		writeString(b, RedactString(key, t))
	default:
		out, _ := marshalNoEscape(t)
		b.Write(out)
	}
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

func writeString(b *bytes.Buffer, s string) {
	out, _ := marshalNoEscape(s)
	b.Write(out)
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
