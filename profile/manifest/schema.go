package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/insomnia-lsp/insomnia-lsp/resources"
)

// SchemaPath is the schema's place in resources.FS.
const SchemaPath = "schema/manifest.schema.json"

// node is one schema object as decoded JSON.
type node map[string]any

type schemaSet struct {
	root     node
	compiled *jsonschema.Schema
	// sourceNames are the names of x-credential "source" fields.
	sourceNames map[string]bool
}

var (
	loadOnce sync.Once
	loaded   *schemaSet
	loadErr  error
)

// schema loads and compiles the embedded schema once. A broken schema is a
// build defect, caught by the tests; callers get the error, never a panic.
func schema() (*schemaSet, error) {
	loadOnce.Do(func() { loaded, loadErr = loadSchema() })
	return loaded, loadErr
}

func loadSchema() (*schemaSet, error) {
	raw, err := resources.FS.ReadFile(SchemaPath)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("manifest schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	const url = "mem://manifest.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("manifest schema: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("manifest schema: %w", err)
	}
	var root node
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, err
	}
	sources := map[string]bool{}
	credentialSources(map[string]any(root), sources)
	return &schemaSet{root: root, compiled: sch, sourceNames: sources}, nil
}

// SchemaJSON returns the embedded schema text (for editors that want it).
func SchemaJSON() []byte {
	raw, _ := resources.FS.ReadFile(SchemaPath)
	return raw
}

// deref follows a local $ref and, for "null or X" unions, steps into X, so
// navigation sees the object schema. Sibling keys of a $ref (description)
// win over the target's.
func (s *schemaSet) deref(n node) node {
	for i := 0; i < 8 && n != nil; i++ {
		if ref, ok := n["$ref"].(string); ok {
			target := s.lookup(ref)
			merged := node{}
			for k, v := range target {
				merged[k] = v
			}
			for k, v := range n {
				if k != "$ref" {
					merged[k] = v
				}
			}
			n = merged
			continue
		}
		if alt := nonNullBranch(n); alt != nil {
			merged := node{}
			for k, v := range alt {
				merged[k] = v
			}
			if d, ok := n["description"]; ok {
				merged["description"] = d
			}
			n = merged
			continue
		}
		return n
	}
	return n
}

func (s *schemaSet) lookup(ref string) node {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil
	}
	defs, _ := s.root["$defs"].(map[string]any)
	n, _ := defs[name].(map[string]any)
	return n
}

// nonNullBranch returns X of anyOf [null, X].
func nonNullBranch(n node) node {
	alts, ok := n["anyOf"].([]any)
	if !ok {
		return nil
	}
	for _, a := range alts {
		m, _ := a.(map[string]any)
		if t, _ := m["type"].(string); t == "null" {
			continue
		}
		return m
	}
	return nil
}

func (n node) props() map[string]any {
	p, _ := n["properties"].(map[string]any)
	return p
}

func (n node) str(key string) string {
	s, _ := n[key].(string)
	return s
}

func (n node) requiredKeys() []string {
	var out []string
	for _, r := range asSlice(n["required"]) {
		if s, ok := r.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// child returns the schema of key under n (a property, an array item, or a
// map value), already dereferenced.
func (s *schemaSet) child(n node, key string) (node, bool) {
	n = s.deref(n)
	if p, ok := n.props()[key].(map[string]any); ok {
		return s.deref(p), true
	}
	if items, ok := n["items"].(map[string]any); ok && isIndex(key) {
		return s.deref(items), true
	}
	if ap, ok := n["additionalProperties"].(map[string]any); ok {
		return s.deref(ap), true
	}
	return nil, false
}

func isIndex(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// typeNames lists a node's JSON types without "null".
func typeNames(n node) []string {
	var out []string
	switch t := n["type"].(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		if _, ok := n["anyOf"]; ok {
			out = append(out, "object")
		}
	}
	return out
}

func nullable(n node) bool {
	if t, ok := n["type"].([]any); ok {
		for _, x := range t {
			if x == "null" {
				return true
			}
		}
	}
	for _, a := range asSlice(n["anyOf"]) {
		if m, _ := a.(map[string]any); m["type"] == "null" {
			return true
		}
	}
	return false
}

// enumValues lists a node's string enum values (null dropped).
func enumValues(n node) []string {
	var out []string
	for _, v := range asSlice(n["enum"]) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
