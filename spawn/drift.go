package spawn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FieldDiff is one manifest field whose value differs. Saved and Current are
// display strings: a string value as is, anything else as compact JSON, and
// Unset when the field is absent on that side.
type FieldDiff struct {
	Path    string `json:"path"`
	Saved   string `json:"saved"`
	Current string `json:"current"`
}

// Unset shows an absent field.
const Unset = "(unset)"

const maxValueRunes = 80

func (d FieldDiff) String() string { return d.Path + ": " + d.Saved + " → " + d.Current }

// CompareOptions gives each side's base directory, against which relative
// path fields are joined before comparing ("" = leave them as they are).
type CompareOptions struct {
	SavedBase   string
	CurrentBase string
}

// CompareSnapshots lists the fields where a pod's saved snapshot and the
// profile's current resolution differ, after Normalize on both sides,
// sorted by path. Nil means they mean the same manifest.
func CompareSnapshots(saved, current json.RawMessage, opts CompareOptions) ([]FieldDiff, error) {
	a, err := Normalize(saved, opts.SavedBase)
	if err != nil {
		return nil, fmt.Errorf("saved %v", err)
	}
	b, err := Normalize(current, opts.CurrentBase)
	if err != nil {
		return nil, fmt.Errorf("current %v", err)
	}
	var diffs []FieldDiff
	diffValues("", a, b, &diffs)
	return diffs, nil
}

func diffValues(path string, a, b any, out *[]FieldDiff) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for _, k := range unionKeys(am, bm) {
			diffValues(joinPath(path, k), am[k], bm[k], out)
		}
		return
	}
	aa, aok := a.([]any)
	ba, bok := b.([]any)
	if aok && bok {
		for i := 0; i < max(len(aa), len(ba)); i++ {
			diffValues(path+"["+strconv.Itoa(i)+"]", at(aa, i), at(ba, i), out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, FieldDiff{Path: path, Saved: render(a), Current: render(b)})
	}
}

func unionKeys(a, b map[string]any) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func at(a []any, i int) any {
	if i < len(a) {
		return a[i]
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// render shows a value shortly; nil is an absent field.
func render(v any) string {
	var s string
	switch t := v.(type) {
	case nil:
		return Unset
	case string:
		s = t
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(t)
		s = strings.TrimSpace(buf.String())
	}
	if utf8.RuneCountInString(s) > maxValueRunes {
		s = string([]rune(s)[:maxValueRunes-1]) + "…"
	}
	return s
}

// FormatDiffs joins up to limit diffs with "; " and counts the rest, e.g.
// "model.ref: a → b; worker.reasoning: high → low (+2 more)".
func FormatDiffs(diffs []FieldDiff, limit int) string {
	if limit <= 0 || limit > len(diffs) {
		limit = len(diffs)
	}
	parts := make([]string, 0, limit)
	for _, d := range diffs[:limit] {
		parts = append(parts, d.String())
	}
	s := strings.Join(parts, "; ")
	if rest := len(diffs) - limit; rest > 0 {
		s += fmt.Sprintf(" (+%d more)", rest)
	}
	return s
}
