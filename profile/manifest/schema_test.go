package manifest

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The schema and the Go types describe the same manifest: every schema
// property (aliases and removed keys aside) has a Go field with that json
// name and a matching kind, and every Go field has a schema property.
func TestSchemaMatchesGoTypes(t *testing.T) {
	s, err := schema()
	if err != nil {
		t.Fatal(err)
	}
	syncCheck(t, s, s.root, reflect.TypeOf(PodManifestConfig{}), "config", nil)
	syncCheck(t, s, s.root, reflect.TypeOf(PodManifest{}), "resolved", map[string]bool{"profile": true})
}

func syncCheck(t *testing.T, s *schemaSet, n node, typ reflect.Type, at string, goOnly map[string]bool) {
	t.Helper()
	n = s.deref(n)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if items, ok := n["items"].(map[string]any); ok {
		if typ.Kind() != reflect.Slice {
			t.Errorf("%s: schema array, Go %s", at, typ)
			return
		}
		syncCheck(t, s, items, typ.Elem(), at+"[]", nil)
		return
	}
	if ap, ok := n["additionalProperties"].(map[string]any); ok {
		if typ.Kind() != reflect.Map {
			t.Errorf("%s: schema map, Go %s", at, typ)
			return
		}
		syncCheck(t, s, ap, typ.Elem(), at+"{}", nil)
		return
	}
	props := n.props()
	if props == nil {
		checkLeafKind(t, n, typ, at)
		return
	}
	if typ.Kind() != reflect.Struct {
		t.Errorf("%s: schema object, Go %s", at, typ)
		return
	}
	fields := jsonFields(typ)
	for _, name := range canonicalKeys(props) {
		f, ok := fields[name]
		if !ok {
			t.Errorf("%s.%s: in the schema, no Go field in %s", at, name, typ)
			continue
		}
		syncCheck(t, s, props[name].(map[string]any), f.Type, at+"."+name, nil)
	}
	for name := range fields {
		if _, ok := props[name]; !ok && !goOnly[name] {
			t.Errorf("%s.%s: Go field of %s, not in the schema", at, name, typ)
		}
	}
}

func jsonFields(typ reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = f
		}
	}
	return out
}

func checkLeafKind(t *testing.T, n node, typ reflect.Type, at string) {
	t.Helper()
	want := typeNames(n)
	sort.Strings(want)
	var ok bool
	switch typ.Kind() {
	case reflect.String:
		ok = slices.Contains(want, "string")
	case reflect.Bool:
		ok = slices.Contains(want, "boolean")
	case reflect.Uint8, reflect.Uint32, reflect.Uint64, reflect.Int32:
		ok = slices.Contains(want, "integer")
	case reflect.Float32, reflect.Float64:
		ok = slices.Contains(want, "number")
	case reflect.Struct:
		ok = typ == reflect.TypeOf(Reasoning{}) // untagged string-or-integer
	}
	if !ok {
		t.Errorf("%s: schema type %v, Go %s", at, want, typ)
	}
}

func TestFieldDocs(t *testing.T) {
	d, ok := Field([]string{"scope", "allow", "0", "permission"})
	if !ok || strings.Join(d.Enum, ",") != "read,write" || d.Type != "string" || !d.Required {
		t.Errorf("scope.allow[].permission = %+v %v", d, ok)
	}
	d, ok = Field([]string{"scope", "allow", "recursive"})
	if !ok || d.Default != "true" || d.DefaultBy != "resolution" || d.Type != "boolean" {
		t.Errorf("recursive = %+v", d)
	}
	d, ok = Field([]string{"compaction", "model", "auth", "kind"})
	if !ok || !slices.Contains(d.Enum, "secret_ref") {
		t.Errorf("compaction.model.auth.kind = %+v", d)
	}
	d, _ = Field([]string{"compaction", "compact_threshold"})
	if d.AliasOf != "threshold" {
		t.Errorf("alias doc = %+v", d)
	}
	d, _ = Field([]string{"web", "fetch", "timeout_secs"})
	if d.Default != "20" || d.DefaultBy != "tool" || d.Type != "integer | null" {
		t.Errorf("web.fetch.timeout_secs = %+v", d)
	}
	if d, ok := Field([]string{"pod", "name"}); !ok || !d.Required || d.Description == "" {
		t.Errorf("pod.name = %+v", d)
	}
	if _, ok := Field([]string{"pod", "nope"}); ok {
		t.Error("unknown field documented")
	}
	if got := Values([]string{"worker", "reasoning"}); strings.Join(got, ",") != "minimal,low,medium,high,xhigh" {
		t.Errorf("reasoning values = %v", got)
	}
	if got := Values([]string{"session", "record_event_trace"}); strings.Join(got, ",") != "true,false" {
		t.Errorf("bool values = %v", got)
	}
}

func TestChildren(t *testing.T) {
	names := func(fs []NamedField) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(Children(nil)); got != "compaction,memory,model,permissions,pod,scope,session,skills,web,worker" {
		t.Errorf("root children = %s", got)
	}
	if got := names(Children([]string{"memory", "extract_model", "auth"})); got != "env,file,kind,ref" {
		t.Errorf("auth children = %s", got)
	}
	if got := names(Children([]string{"scope", "deny", "0"})); got != "permission,recursive,target" {
		t.Errorf("scope rule children = %s", got)
	}
	for _, f := range Children([]string{"compaction"}) {
		if strings.HasPrefix(f.Name, "compact_") || f.Name == "prune_protected_turns" {
			t.Errorf("alias or removed key offered: %s", f.Name)
		}
	}
	if len(LibFunctions()) != 5 {
		t.Errorf("lib functions: %d", len(LibFunctions()))
	}
}
