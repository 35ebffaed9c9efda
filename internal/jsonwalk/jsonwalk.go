// Package jsonwalk rewrites the strings at a path of a decoded JSON value
// (map[string]any, []any, string, ...), as manifests' path fields need:
// the spawn package normalises a pod's snapshot with it and the pod
// double joins the paths it resolves.
package jsonwalk

// Rewrite applies f to every string found at path below *v. A path is
// object keys, and "*" for every element of a list; what is missing or
// of another type is left alone.
func Rewrite(v *any, path []string, f func(string) string) {
	if len(path) == 0 {
		if s, ok := (*v).(string); ok {
			*v = f(s)
		}
		return
	}
	switch t := (*v).(type) {
	case map[string]any:
		if e, ok := t[path[0]]; ok {
			Rewrite(&e, path[1:], f)
			t[path[0]] = e
		}
	case []any:
		if path[0] == "*" {
			for i := range t {
				Rewrite(&t[i], path[1:], f)
			}
		}
	}
}
