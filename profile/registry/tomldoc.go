package registry

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// span is a byte range [Start, End) in a profiles.toml text.
type span struct{ Start, End int }

// docEntry is one [profile] entry as written.
type docEntry struct {
	Name        string
	Key         span // the entry's key (last key part)
	Path        string
	PathSpan    span // the path string including its quotes
	Description string
	Table       bool
	Bad         bool // neither a string nor a table with a string path
}

// docProblem is a problem found while reading the document the way upstream's
// serde types do (Fatal) or a key upstream silently ignores (not Fatal).
type docProblem struct {
	Code    string
	Message string
	At      span
	Fatal   bool
}

// regDoc is a parsed profiles.toml with the positions we need for the editor.
type regDoc struct {
	HasDefault  bool
	Default     string
	DefaultKey  span
	DefaultSpan span   // the value, including quotes
	TableKey    string // "profile" or "entries" (the one that was used)
	Entries     []docEntry
	Problems    []docProblem
	// SyntaxErr is set when the text is not TOML; At is its position.
	SyntaxErr *docProblem
}

// fatal returns the first problem that makes upstream's parse fail.
func (d *regDoc) fatal() *docProblem {
	if d.SyntaxErr != nil {
		return d.SyntaxErr
	}
	for i := range d.Problems {
		if d.Problems[i].Fatal {
			return &d.Problems[i]
		}
	}
	return nil
}

// keyInfo records where a dotted key path was written.
type keyInfo struct {
	Key   span // the last key part
	Value span // the value (zero for table headers)
}

// parseRegistry reads a profiles.toml text. It never fails: syntax errors
// and schema errors come back as problems with positions.
func parseRegistry(text []byte) *regDoc {
	doc := &regDoc{}
	var top map[string]any
	if err := toml.Unmarshal(text, &top); err != nil {
		doc.SyntaxErr = syntaxProblem(text, err)
		return doc
	}
	keys := indexKeys(text)
	doc.readDefault(top, keys)
	doc.readEntries(top, keys)
	doc.readUnknown(top, keys)
	return doc
}

func syntaxProblem(text []byte, err error) *docProblem {
	p := &docProblem{Code: diagnostics.CodeTOMLSyntax, Message: err.Error(), Fatal: true}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		off := offsetOf(text, row, col)
		p.At = span{off, tokenEnd(text, off)}
		p.Message = strings.TrimPrefix(err.Error(), "toml: ")
	}
	return p
}

// offsetOf converts go-toml's 1-based row and byte column to an offset.
func offsetOf(text []byte, row, col int) int {
	off := 0
	for r := 1; r < row && off < len(text); r++ {
		i := strings.IndexByte(string(text[off:]), '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	off += col - 1
	if off > len(text) {
		off = len(text)
	}
	if off < 0 {
		off = 0
	}
	return off
}

// tokenEnd extends an error position over the word it points at, so the
// squiggle is visible (at least one byte unless at the end of the text).
func tokenEnd(text []byte, off int) int {
	end := off
	for end < len(text) && !strings.ContainsRune(" \t\r\n=[]{},\"'", rune(text[end])) {
		end++
	}
	if end == off && end < len(text) && text[end] != '\n' {
		end++
	}
	return end
}

func pathKey(parts []string) string { return strings.Join(parts, "\x00") }

// indexKeys walks the syntax tree and records, for each dotted key path, the
// span of its last key part and of its value.
func indexKeys(text []byte) map[string]keyInfo {
	out := map[string]keyInfo{}
	p := unstable.Parser{}
	p.Reset(text)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, last := keyParts(e.Key())
			table = parts
			out[pathKey(parts)] = keyInfo{Key: last}
		case unstable.KeyValue:
			indexKeyValue(out, table, e)
		}
	}
	return out
}

func indexKeyValue(out map[string]keyInfo, prefix []string, kv *unstable.Node) {
	parts, last := keyParts(kv.Key())
	full := append(append([]string{}, prefix...), parts...)
	v := kv.Value()
	out[pathKey(full)] = keyInfo{Key: last, Value: rangeSpan(v.Raw)}
	if v.Kind == unstable.InlineTable {
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				indexKeyValue(out, full, c)
			}
		}
	}
}

func keyParts(it unstable.Iterator) ([]string, span) {
	var parts []string
	var last span
	for it.Next() {
		n := it.Node()
		parts = append(parts, string(n.Data))
		last = rangeSpan(n.Raw)
	}
	return parts, last
}

func rangeSpan(r unstable.Range) span {
	return span{int(r.Offset), int(r.Offset + r.Length)}
}

func (d *regDoc) readDefault(top map[string]any, keys map[string]keyInfo) {
	v, ok := top["default"]
	if !ok {
		return
	}
	k := keys[pathKey([]string{"default"})]
	s, isStr := v.(string)
	if !isStr {
		d.Problems = append(d.Problems, docProblem{Code: diagnostics.CodeRegistryInvalidDefault,
			Message: fmt.Sprintf("`default` must be a string, not %s", tomlType(v)), At: k.Value, Fatal: true})
		return
	}
	d.HasDefault, d.Default, d.DefaultKey, d.DefaultSpan = true, s, k.Key, k.Value
}

func (d *regDoc) readEntries(top map[string]any, keys map[string]keyInfo) {
	prof, hasP := top["profile"]
	ent, hasE := top["entries"]
	if hasP && hasE {
		// serde's alias: both spellings present is a duplicate field.
		d.Problems = append(d.Problems, docProblem{Code: diagnostics.CodeRegistryDuplicateTable,
			Message: "duplicate field `profile`: [profile] and its alias [entries] are both present",
			At:      keys[pathKey([]string{"entries"})].Key, Fatal: true})
	}
	var v any
	d.TableKey, v = "profile", prof
	if !hasP {
		if !hasE {
			return
		}
		d.TableKey, v = "entries", ent
	}
	tbl, ok := v.(map[string]any)
	if !ok {
		d.Problems = append(d.Problems, docProblem{Code: diagnostics.CodeRegistryInvalidTable,
			Message: fmt.Sprintf("`%s` must be a table of profiles, not %s", d.TableKey, tomlType(v)),
			At:      keys[pathKey([]string{d.TableKey})].Key, Fatal: true})
		return
	}
	names := make([]string, 0, len(tbl))
	for n := range tbl {
		names = append(names, n)
	}
	sort.Strings(names) // upstream's BTreeMap order
	for _, n := range names {
		d.Entries = append(d.Entries, d.readEntry(n, tbl[n], keys))
	}
}

func (d *regDoc) readEntry(name string, v any, keys map[string]keyInfo) docEntry {
	at := func(parts ...string) keyInfo {
		return keys[pathKey(append([]string{d.TableKey, name}, parts...))]
	}
	e := docEntry{Name: name, Key: at().Key}
	if e.Key == (span{}) {
		e.Key = firstUnder(keys, pathKey([]string{d.TableKey, name})+"\x00")
	}
	switch x := v.(type) {
	case string:
		e.Path, e.PathSpan = x, at().Value
		return e
	case map[string]any:
		e.Table = true
		p, okP := x["path"].(string)
		desc, hasDesc := x["description"]
		ds, okD := desc.(string)
		if okP && (!hasDesc || okD) {
			e.Path, e.PathSpan, e.Description = p, at("path").Value, ds
			d.unknownEntryKeys(name, x, at)
			return e
		}
	}
	e.Bad = true
	d.Problems = append(d.Problems, docProblem{Code: diagnostics.CodeRegistryInvalidEntry,
		Message: fmt.Sprintf("profile entry `%s` must be a path string or a table with a string `path` (and optional string `description`); the runtime rejects the whole file (\"data did not match any variant of untagged enum ProfileEntryConfig\")", name),
		At:      e.Key, Fatal: true})
	return e
}

func (d *regDoc) unknownEntryKeys(name string, x map[string]any, at func(...string) keyInfo) {
	for _, k := range slices.Sorted(maps.Keys(x)) {
		if k == "path" || k == "description" {
			continue
		}
		d.Problems = append(d.Problems, docProblem{Code: diagnostics.CodeRegistryUnknownKey,
			Message: fmt.Sprintf("unknown key `%s` in profile `%s` is ignored by insomnia (only `path` and `description` are read)", k, name),
			At:      at(k).Key})
	}
}

func (d *regDoc) readUnknown(top map[string]any, keys map[string]keyInfo) {
	for _, k := range slices.Sorted(maps.Keys(top)) {
		switch k {
		case "default", "profile", "entries":
			continue
		}
		msg := fmt.Sprintf("unknown key `%s` is ignored by insomnia (profiles.toml reads only `default` and [profile])", k)
		if k == "alias" {
			msg = "[alias] was removed from insomnia (commit 4773be70) and is ignored; name each profile under [profile] instead"
		}
		d.Problems = append(d.Problems, docProblem{Code: diagnostics.CodeRegistryUnknownKey, Message: msg,
			At: keys[pathKey([]string{k})].Key})
	}
}

// firstUnder is the earliest key written under a dotted prefix (for an
// entry only ever written as `name.path = …`).
func firstUnder(keys map[string]keyInfo, prefix string) span {
	best := span{}
	for k, ki := range keys {
		if strings.HasPrefix(k, prefix) && (best == (span{}) || ki.Key.Start < best.Start) {
			best = ki.Key
		}
	}
	return best
}

// tomlType names a decoded TOML value's type for messages (never its value,
// which could be a pasted secret).
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date/time"
}
