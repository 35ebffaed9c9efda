package manifest

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// FieldDoc documents one manifest field, from the schema.
type FieldDoc struct {
	// Type is a short type text, e.g. "string", "integer | null", "object".
	Type string
	// Default is the default as JSON text ("" when none); DefaultBy says who
	// applies it: "resolution" (in the snapshot), "tool" or "consumer".
	Default   string
	DefaultBy string
	// Description is the schema's one-line description.
	Description string
	// Enum lists the allowed string values; Known lists documented values of
	// a free-form string (worker.reasoning).
	Enum  []string
	Known []string
	// Required is true when the key is required after builtin defaults.
	Required bool
	// AliasOf names the canonical key when this key is an alias.
	AliasOf string
	// Removed names the replacement when the key is no longer read.
	Removed string
	// Path is "joined" or "not-joined" for path fields, else "".
	Path string
}

// NamedField is a FieldDoc with its key, for completion lists.
type NamedField struct {
	Name string
	FieldDoc
}

// Field returns the documentation of the field at path (keys from the
// manifest root, e.g. ["model","auth","kind"]; array indexes such as
// ["scope","allow","0","target"] may be given or left out).
func Field(path []string) (FieldDoc, bool) {
	s, err := schema()
	if err != nil || len(path) == 0 {
		return FieldDoc{}, false
	}
	parent := node(s.root)
	for i, key := range path {
		parent = s.deref(parent)
		if isIndex(key) {
			items, ok := parent["items"].(map[string]any)
			if !ok {
				return FieldDoc{}, false
			}
			parent = items
			if i == len(path)-1 {
				return s.doc(parent, false), true
			}
			continue
		}
		parent = s.stepItems(parent)
		raw, ok := parent.props()[key].(map[string]any)
		if !ok {
			return FieldDoc{}, false
		}
		if i == len(path)-1 {
			return s.doc(raw, slices.Contains(parent.requiredKeys(), key)), true
		}
		parent = raw
	}
	return FieldDoc{}, false
}

// stepItems moves from an array schema to its item schema, so paths may
// skip array indexes.
func (s *schemaSet) stepItems(n node) node {
	n = s.deref(n)
	if items, ok := n["items"].(map[string]any); ok && n.props() == nil {
		return s.deref(items)
	}
	return n
}

// Children lists the keys that may be set under path (nil path = manifest
// root), sorted by name; aliases and removed keys are left out.
func Children(path []string) []NamedField {
	s, err := schema()
	if err != nil {
		return nil
	}
	n := s.stepItems(s.root)
	for _, key := range path {
		if isIndex(key) {
			continue
		}
		next, ok := s.child(n, key)
		if !ok {
			return nil
		}
		n = s.stepItems(next)
	}
	req := n.requiredKeys()
	var out []NamedField
	for _, name := range slices.Sorted(maps.Keys(n.props())) {
		raw := n.props()[name].(map[string]any)
		d := s.doc(raw, slices.Contains(req, name))
		if d.AliasOf != "" || d.Removed != "" {
			continue
		}
		out = append(out, NamedField{Name: name, FieldDoc: d})
	}
	return out
}

// Values lists the values to complete for the field at path: its enum, the
// documented labels, or true/false for booleans.
func Values(path []string) []string {
	d, ok := Field(path)
	if !ok {
		return nil
	}
	switch {
	case len(d.Enum) > 0:
		return d.Enum
	case len(d.Known) > 0:
		return d.Known
	case strings.HasPrefix(d.Type, "boolean"):
		return []string{"true", "false"}
	}
	return nil
}

func (s *schemaSet) doc(raw node, required bool) FieldDoc {
	n := s.deref(raw)
	d := FieldDoc{
		Description: raw.str("description"),
		Required:    required,
		AliasOf:     n.str("x-alias-of"),
		Removed:     n.str("x-removed"),
		Path:        n.str("x-path"),
		Enum:        enumValues(n),
	}
	if d.Description == "" {
		d.Description = n.str("description")
	}
	for _, v := range asSlice(n["x-known-values"]) {
		if str, ok := v.(string); ok {
			d.Known = append(d.Known, str)
		}
	}
	d.Type = strings.Join(typeNames(n), " | ")
	if nullable(n) {
		d.Type += " | null"
	}
	if t, _ := n["type"].(string); t == "array" {
		if items, ok := n["items"].(map[string]any); ok {
			d.Type = "[" + strings.Join(typeNames(s.deref(items)), " | ") + "]"
		}
	}
	if def, ok := raw["default"]; ok {
		b, _ := json.Marshal(def)
		d.Default = string(b)
		d.DefaultBy = n.str("x-default-by")
		if d.DefaultBy == "" {
			d.DefaultBy = "resolution"
		}
	}
	return d
}

// LibFunction documents one export of resources/nix/profile-lib.nix.
type LibFunction struct {
	Name        string // attribute path, e.g. "secrets.ref"
	Signature   string
	Description string
}

// LibFunctions lists the profile library's exports (contract §1.4), for
// completion and hover on `lib.` expressions.
func LibFunctions() []LibFunction {
	return []LibFunction{
		{"mkProfile", `mkProfile { name ? null, description ? null, manifest ? null, config ? null, ... }`,
			"Builds the profile artifact {profile = {format, name?, description?}; manifest = M}. M is manifest, else config, else the other arguments."},
		{"mkManifest", `mkManifest manifest`,
			"Identity: returns the manifest unchanged (no validation, no defaults)."},
		{"secrets.ref", `secrets.ref "<id>"`,
			`A reference to a secret store entry: {kind = "secret_ref"; ref = id;}. Valid only where an auth value is expected.`},
		{"profileFormat", `profileFormat`,
			`The artifact format string "insomnia.nix-profile.v1".`},
		{"semanticPresets.codingAssistant", `semanticPresets.codingAssistant { modelId ? "claude-sonnet-4-20250514", authRef ? null }`,
			"Returns {model = {scheme = \"anthropic\"; model_id; auth?}}; without authRef the model lacks auth and the pod fails to start."},
	}
}
