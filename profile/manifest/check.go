package manifest

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// How much of a value a message quotes, and how many names it suggests.
const (
	maxQuotedValueLen     = 40
	suggestionsPerProblem = 1
)

// Problem is one finding about an artifact, located by a JSON pointer into
// the artifact (e.g. "/manifest/model/scheme"). Package diagnostics turns it
// into a positioned Diagnostic. Messages never contain a secret value.
type Problem struct {
	Code    string
	Pointer string
	Message string
	Warning bool
	Fix     *diagnostics.Fix // the quick fix, when the problem knows it
}

// Check validates a decoded manifest value (from json.Decoder.UseNumber)
// against the schema and reports unknown, removed and aliased keys. prefix
// is the pointer of the value inside the artifact ("/manifest", "/config"
// or "" for a raw manifest); rawForm skips the envelope key "profile".
func Check(v any, prefix string, rawForm bool) []Problem {
	s, err := schema()
	if err != nil {
		return []Problem{{Code: diagnostics.CodeSchemaUnavailable, Pointer: prefix, Message: err.Error()}}
	}
	var out []Problem
	w := walker{s: s, out: &out}
	w.walk(v, s.root, prefix, nil, rawForm)
	if verr, ok := s.compiled.Validate(v).(*jsonschema.ValidationError); ok {
		for _, leaf := range leaves(verr) {
			out = append(out, s.fromLeaf(leaf, prefix, v)...)
		}
	}
	return dedupe(withNullRequired(out, nullRequired(v, prefix)))
}

// walker reports keys the schema does not define (upstream drops them).
type walker struct {
	s   *schemaSet
	out *[]Problem
}

func (w walker) walk(v any, sch node, ptr string, path []string, rawForm bool) {
	sch = w.s.deref(sch)
	switch val := v.(type) {
	case map[string]any:
		w.walkObject(val, sch, ptr, path, rawForm)
	case []any:
		items, ok := sch["items"].(map[string]any)
		if !ok {
			return
		}
		for i, item := range val {
			idx := strconv.Itoa(i)
			w.walk(item, items, ptr+"/"+idx, append(path, idx), false)
		}
	}
}

func (w walker) walkObject(obj map[string]any, sch node, ptr string, path []string, rawForm bool) {
	props := sch.props()
	extra, hasExtra := sch["additionalProperties"].(map[string]any)
	if props == nil && !hasExtra {
		return
	}
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		kptr := ptr + "/" + EscapePointer(key)
		kpath := append(append([]string(nil), path...), key)
		raw, known := props[key].(map[string]any)
		switch {
		case rawForm && key == "profile" && len(path) == 0:
			continue
		case known && node(raw).str("x-removed") != "":
			repl := node(raw).str("x-removed")
			w.add(Problem{Code: diagnostics.CodeRemovedField, Pointer: kptr, Warning: true,
				Message: fmt.Sprintf("%s was removed; profiles silently ignore it (TOML manifests reject it); use %s",
					Dotted(kpath), repl),
				// The schema's replacement is a hint: prune_protected_turns
				// counted turns, prune_protected_tokens counts tokens.
				Fix: &diagnostics.Fix{Title: "Rename to " + repl, NewText: repl, Replaces: key, Review: true}})
		case known && node(raw).str("x-alias-of") != "":
			canon := node(raw).str("x-alias-of")
			if _, both := obj[canon]; both {
				w.add(Problem{Code: diagnostics.CodeAliasConflict, Pointer: kptr,
					Message: fmt.Sprintf("%s is an alias of %s; set only one (the runtime rejects the duplicate field)", key, canon)})
			}
			w.walk(obj[key], raw, kptr, kpath, false)
		case known && !inVariant(node(raw), obj["kind"]):
			w.add(Problem{Code: diagnostics.CodeUnknownField, Pointer: kptr, Warning: true,
				Message: fmt.Sprintf("%s is not read when kind is %s: the runtime ignores it", Dotted(kpath), QuoteValue(fmt.Sprint(obj["kind"])))})
		case known:
			w.walk(obj[key], raw, kptr, kpath, false)
		case hasExtra:
			w.walk(obj[key], extra, kptr, kpath, false)
		default:
			w.add(w.unknown(key, kptr, path, props))
		}
	}
}

// inVariant reports whether a property belongs to the variant kind selects
// (properties without x-variant belong to all; an unreadable kind is left
// to the enum check).
func inVariant(prop node, kind any) bool {
	variants := asSlice(prop["x-variant"])
	k, ok := kind.(string)
	if len(variants) == 0 || !ok {
		return true
	}
	for _, v := range variants {
		if v == k {
			return true
		}
	}
	return false
}

func (w walker) unknown(key, ptr string, path []string, props map[string]any) Problem {
	where := "the manifest"
	if len(path) > 0 {
		where = Dotted(path)
	}
	msg := fmt.Sprintf("unknown field %s in %s: the runtime ignores it", quoteKey(key), where)
	var fix *diagnostics.Fix
	if near := secrets.Closest(key, canonicalKeys(props), suggestionsPerProblem); len(near) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", near[0])
		fix = diagnostics.Suggest(key, near[0])
	}
	return Problem{Code: diagnostics.CodeUnknownField, Pointer: ptr, Message: msg, Warning: true, Fix: fix}
}

func canonicalKeys(props map[string]any) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(props)) {
		n := node(props[k].(map[string]any))
		if n.str("x-alias-of") == "" && n.str("x-removed") == "" {
			out = append(out, k)
		}
	}
	return out
}

func (w walker) add(p Problem) { *w.out = append(*w.out, p) }

// leaves flattens a validation error tree to its leaf errors. In a failed
// "null or X" union the null branch's type error is noise: the value is
// not null, so only X's errors explain the problem.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		if t, ok := c.ErrorKind.(*kind.Type); ok && len(t.Want) == 1 && t.Want[0] == "null" && len(e.Causes) > 1 {
			continue
		}
		out = append(out, leaves(c)...)
	}
	return out
}

func (s *schemaSet) fromLeaf(e *jsonschema.ValidationError, prefix string, root any) []Problem {
	ptr := prefix + pointerOf(e.InstanceLocation)
	at := Dotted(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		return []Problem{{Code: diagnostics.CodeTypeMismatch, Pointer: ptr,
			Message: fmt.Sprintf("%s must be %s, not %s", at, typePhrase(k.Want), article(k.Got))}}
	case *kind.Enum:
		return []Problem{enumProblem(ptr, at, k)}
	case *kind.Required:
		missing := k.Missing
		if len(e.InstanceLocation) > 0 {
			missing = []string{s.firstDeclared(e.InstanceLocation, missing)}
		}
		var out []Problem
		for _, key := range missing {
			out = append(out, s.missing(ptr, e.InstanceLocation, key))
		}
		return out
	case *kind.MinItems:
		return []Problem{{Code: diagnostics.CodeMissingRequired, Pointer: ptr,
			Message: fmt.Sprintf("missing required field: %s (the list is empty; add at least one rule)", at)}}
	case *kind.Minimum:
		return []Problem{{Code: diagnostics.CodeTypeMismatch, Pointer: ptr,
			Message: fmt.Sprintf("%s must be at least %s", at, k.Want.RatString())}}
	case *kind.Maximum:
		return []Problem{{Code: diagnostics.CodeTypeMismatch, Pointer: ptr,
			Message: fmt.Sprintf("%s must be at most %s", at, k.Want.RatString())}}
	case *kind.Const, *kind.Group, *kind.AllOf, *kind.AnyOf, *kind.OneOf:
		return nil
	}
	return []Problem{{Code: diagnostics.CodeTypeMismatch, Pointer: ptr, Message: fmt.Sprintf("%s has an invalid value", at)}}
}

// missing names the deepest required key: a missing `pod` is reported as
// `pod.name`, as upstream's MissingField does.
func (s *schemaSet) missing(ptr string, loc []string, key string) Problem {
	path := append(append([]string(nil), loc...), key)
	// Only top-level sections (pod, scope) default to an empty table when
	// absent; inside them the first required key is what upstream names.
	sch := s.at(loc)
	for sch != nil && len(path) <= 2 && len(loc) == 0 {
		next, ok := s.child(sch, key)
		if !ok {
			break
		}
		req := next.requiredKeys()
		if len(req) == 0 {
			break
		}
		sch, key = next, req[0]
		path = append(path, key)
	}
	return Problem{Code: diagnostics.CodeMissingRequired, Pointer: ptr + "/" + EscapePointer(path[len(loc)]),
		Message: "missing required field: " + Dotted(path)}
}

// firstDeclared is the missing key serde names: derived Deserialize checks
// fields in declaration order and stops at the first absent one ("missing
// field `tool_calling`"). The schema's required lists keep that order.
// The top level is not serde's but try_from's, and is reported whole.
func (s *schemaSet) firstDeclared(loc []string, missing []string) string {
	is := map[string]bool{}
	for _, m := range missing {
		is[m] = true
	}
	if n := s.at(loc); n != nil {
		for _, r := range n.requiredKeys() {
			if is[r] {
				return r
			}
		}
	}
	sorted := append([]string(nil), missing...)
	sort.Strings(sorted)
	return sorted[0]
}

// at returns the schema node for an instance location.
func (s *schemaSet) at(loc []string) node {
	n := node(s.root)
	for _, key := range loc {
		next, ok := s.child(n, key)
		if !ok {
			return nil
		}
		n = next
	}
	return s.deref(n)
}

func enumProblem(ptr, at string, k *kind.Enum) Problem {
	var want []string
	for _, w := range k.Want {
		if str, ok := w.(string); ok {
			want = append(want, str)
		}
	}
	got, isString := k.Got.(string)
	if !isString {
		return Problem{Code: diagnostics.CodeTypeMismatch, Pointer: ptr,
			Message: fmt.Sprintf("%s must be one of %s", at, orList(want))}
	}
	msg := fmt.Sprintf("unknown value %s for %s; expected %s", QuoteValue(got), at, orList(want))
	var fix *diagnostics.Fix
	if near := secrets.Closest(got, want, suggestionsPerProblem); len(near) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", near[0])
		fix = diagnostics.Suggest(strconv.Quote(got), strconv.Quote(near[0]))
	}
	return Problem{Code: diagnostics.CodeUnknownEnum, Pointer: ptr, Message: msg, Fix: fix}
}

// nullRequired catches required keys set to null, which the schema allows
// (the fields are Options in the config) but try_from rejects.
func nullRequired(v any, prefix string) []Problem {
	root, _ := v.(map[string]any)
	var out []Problem
	if pod, ok := root["pod"].(map[string]any); ok {
		if name, has := pod["name"]; has && name == nil {
			out = append(out, Problem{Code: diagnostics.CodeMissingRequired, Pointer: prefix + "/pod/name",
				Message: "missing required field: pod.name"})
		}
	}
	if perm, ok := root["permissions"].(map[string]any); ok {
		if da, has := perm["default_action"]; has && da == nil {
			out = append(out, Problem{Code: diagnostics.CodeMissingRequired, Pointer: prefix + "/permissions/default_action",
				Message: "missing required field: permissions.default_action"})
		}
	}
	return out
}

// withNullRequired adds the null-required problems and drops the schema's
// type error at the same place: serde reads the null as None (the field is
// an Option), so upstream reports only try_from's missing field
// (crates/manifest/src/config.rs:120, lib.rs:413 at 6ecb5c4f).
func withNullRequired(out, nulls []Problem) []Problem {
	at := map[string]bool{}
	for _, p := range nulls {
		at[p.Pointer] = true
	}
	kept := out[:0]
	for _, p := range out {
		if !(at[p.Pointer] && p.Code == diagnostics.CodeTypeMismatch) {
			kept = append(kept, p)
		}
	}
	return append(kept, nulls...)
}

func dedupe(in []Problem) []Problem {
	seen := map[string]bool{}
	var out []Problem
	for _, p := range in {
		k := p.Code + "\x00" + p.Pointer + "\x00" + p.Message
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

// Dotted renders an instance location as a manifest path:
// scope.allow[0].target.
func Dotted(loc []string) string {
	var b strings.Builder
	for _, key := range loc {
		if isIndex(key) {
			b.WriteString("[" + key + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(maskIfSecret(key))
	}
	return b.String()
}

func pointerOf(loc []string) string {
	var b strings.Builder
	for _, key := range loc {
		b.WriteString("/" + EscapePointer(key))
	}
	return b.String()
}

// EscapePointer escapes one JSON pointer token (RFC 6901).
func EscapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// PointerNames splits a JSON pointer ("/manifest/worker/reasonning", the
// leading '/' optional) into its tokens, unescaped; nil for "".
func PointerNames(p string) []string {
	if p == "" {
		return nil
	}
	names := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, n := range names {
		names[i] = strings.ReplaceAll(strings.ReplaceAll(n, "~1", "/"), "~0", "~")
	}
	return names
}

// QuoteValue quotes a user value for a message, masking it when it looks
// like a secret or is too long to be useful.
func QuoteValue(v string) string {
	if secrets.LooksSecret(v) || len(v) > maxQuotedValueLen {
		return secrets.Mask(v)
	}
	return strconv.Quote(v)
}

func quoteKey(k string) string {
	if secrets.LooksSecret(k) {
		return secrets.Mask(k)
	}
	return strconv.Quote(k)
}

func typePhrase(want []string) string {
	var parts []string
	for _, w := range want {
		if w != "null" {
			parts = append(parts, article(w))
		}
	}
	return strings.Join(parts, " or ")
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	case "null":
		return "null"
	case "boolean":
		return "a boolean (true or false)"
	}
	return "a " + t
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return "nothing"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
