package spawn

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/internal/jsonwalk"
)

// Normalize decodes a resolved-manifest snapshot into the form we compare
// and hash, so that two snapshots meaning the same manifest are equal:
//   - `pod.name` and the `profile` provenance are removed: the name is set by
//     --profile-pod-name after resolution, and provenance is checked apart
//     (see Verify);
//   - null members and empty arrays are dropped (serde writes None as null,
//     other writers omit it; an empty list is the default for every list
//     that may be empty);
//   - resolution-time defaults (contract §2.2–2.3) are filled where absent,
//     aliases are renamed to their canonical keys;
//   - path fields (§2.4) that are relative are joined to base (when base is
//     not empty) and every absolute path is cleaned, so "<base>/." equals
//     "<base>";
//   - numbers are written canonically (1.0 is 1, as Nix prints it).
//
// Defaults applied later by the consuming tool ([tool: x]) are not filled:
// the runtime does not write them either.
func Normalize(snapshot json.RawMessage, base string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(snapshot))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New("snapshot is not valid JSON: " + err.Error())
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("snapshot is not a JSON object")
	}
	delete(m, "profile")
	if pod, ok := m["pod"].(map[string]any); ok {
		delete(pod, "name")
	}
	m = clean(m).(map[string]any)
	if pod, ok := m["pod"].(map[string]any); ok && len(pod) == 0 {
		delete(m, "pod") // only the name was there
	}
	fillDefaults(m)
	normalizePaths(m, base)
	return m, nil
}

// clean drops nulls and empty arrays and canonicalises numbers.
func clean(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			e = clean(e)
			if e == nil {
				delete(t, k)
				continue
			}
			if a, ok := e.([]any); ok && len(a) == 0 {
				delete(t, k)
				continue
			}
			t[k] = e
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = clean(e)
		}
		return t
	case json.Number:
		return canonicalNumber(t)
	}
	return v
}

func canonicalNumber(n json.Number) json.Number {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return json.Number(strconv.FormatInt(i, 10))
	}
	if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return json.Number(strconv.FormatUint(u, 10))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return n
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return json.Number(strconv.FormatInt(int64(f), 10))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// pathFields are the manifest paths holding file paths ("*" = any index).
// The first group is joined to the base by the runtime (§2.4); the two
// memory model files are not joined (§7.10) but are still cleaned.
var pathFields = [][]string{
	{"pod", "prompt_pack"}, {"model", "auth", "file"},
	{"scope", "allow", "*", "target"}, {"scope", "deny", "*", "target"},
	{"memory", "workspace_root"}, {"compaction", "model", "auth", "file"},
	{"skills", "directories", "*"},
}

var unjoinedPathFields = [][]string{
	{"memory", "extract_model", "auth", "file"}, {"memory", "consolidation_model", "auth", "file"},
}

func normalizePaths(m map[string]any, base string) {
	fix := func(join bool) func(string) string {
		return func(p string) string {
			if join && base != "" && !filepath.IsAbs(p) {
				p = filepath.Join(base, p)
			}
			if filepath.IsAbs(p) {
				p = filepath.Clean(p)
			}
			return p
		}
	}
	for _, f := range pathFields {
		m2 := any(m)
		jsonwalk.Rewrite(&m2, f, fix(true))
	}
	for _, f := range unjoinedPathFields {
		m2 := any(m)
		jsonwalk.Rewrite(&m2, f, fix(false))
	}
}

// CanonicalJSON is the normalised snapshot as compact JSON with sorted keys.
func CanonicalJSON(snapshot json.RawMessage, base string) ([]byte, error) {
	m, err := Normalize(snapshot, base)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// SnapshotHash is the hex sha256 of CanonicalJSON: equal for a preview and
// a pod snapshot that mean the same manifest, whatever the pod's name.
func SnapshotHash(snapshot json.RawMessage, base string) (string, error) {
	data, err := CanonicalJSON(snapshot, base)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// ShortHash is the first 12 hex digits, for messages.
func ShortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return strings.TrimSpace(h)
}
