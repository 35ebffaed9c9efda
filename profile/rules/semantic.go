package rules

import (
	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"

	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// modelPointers are the four places a ModelManifest can stand, relative to
// the manifest root, with their dotted names.
var modelPointers = []struct{ ptr, name string }{
	{"/model", "model"},
	{"/compaction/model", "compaction.model"},
	{"/memory/extract_model", "memory.extract_model"},
	{"/memory/consolidation_model", "memory.consolidation_model"},
}

// semantic runs the checks upstream makes only when the pod is built
// (contract §2.6), plus the two path gotchas of §1.1 and §2.4.
func semantic(root map[string]any, at string, in ManifestInput) []finding {
	if root == nil {
		return nil
	}
	var out []finding
	for _, m := range modelPointers {
		out = append(out, modelFindings(root, at, m.ptr, m.name, in.Providers)...)
	}
	out = append(out, scopeFinding(root, at, in)...)
	out = append(out, storePaths(root, at)...)
	return out
}

// lookup follows a pointer relative to the manifest root.
func lookup(root map[string]any, ptr string) (any, bool) {
	var cur any = root
	for _, key := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func modelFindings(root map[string]any, at, ptr, name string, providers []string) []finding {
	v, present := lookup(root, ptr)
	if !present || v == nil {
		if ptr == "/model" {
			return []finding{{code: CodeModelIncomplete, pointer: at, sev: diagnostics.Error,
				message: "no model is set: set model.ref = \"<provider>/<model>\" or model.scheme, model.model_id and model.auth"}}
		}
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil // type-mismatch already
	}
	if ref, ok := m["ref"].(string); ok {
		return providerFinding(ref, at+ptr+"/ref", name, providers)
	}
	if m["ref"] != nil {
		return nil
	}
	var missing []string
	for _, k := range []string{"scheme", "model_id", "auth"} {
		if m[k] == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s has no ref and no %s: set ref = \"<provider>/<model>\" or all of scheme, model_id and auth (use auth = { kind = \"none\"; } for backends without auth)",
		name, strings.Join(missing, ", "))
	return []finding{{code: CodeModelIncomplete, pointer: at + ptr, message: msg, sev: diagnostics.Error}}
}

func providerFinding(ref, ptr, name string, providers []string) []finding {
	if providers == nil {
		providers = BuiltinProviders
	}
	provider, model, found := strings.Cut(ref, "/")
	if !found || provider == "" || model == "" {
		return []finding{{code: CodeUnknownProvider, pointer: ptr, sev: diagnostics.Error,
			message: fmt.Sprintf("%s.ref must be \"<provider>/<model>\", got %s", name, manifest.QuoteValue(ref))}}
	}
	for _, p := range providers {
		if p == provider {
			return nil
		}
	}
	msg := fmt.Sprintf("unknown provider %s in %s.ref; known providers: %s", manifest.QuoteValue(provider), name, strings.Join(providers, ", "))
	var fix *diagnostics.Fix
	if near := secrets.Closest(provider, providers, 1); len(near) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", near[0])
		fix = diagnostics.Suggest(strconv.Quote(ref), strconv.Quote(near[0]+"/"+model))
	}
	return []finding{{code: CodeUnknownProvider, pointer: ptr, message: msg, sev: diagnostics.Error, fix: fix}}
}

// scopeFinding warns when no allow rule covers the launch directory: the
// pod then fails with "pwd is not readable under the configured scope".
// In a registry profile "." is the profile's own folder (contract §2.4).
func scopeFinding(root map[string]any, at string, in ManifestInput) []finding {
	if in.Workspace == "" {
		return nil
	}
	allow, _ := lookup(root, "/scope/allow")
	rules, _ := allow.([]any)
	if len(rules) == 0 {
		return nil // missing-required already
	}
	base := in.Workspace
	if in.Registry {
		base = in.ProfileDir
	}
	ws := filepath.Clean(in.Workspace)
	firstRelative := -1
	for i, r := range rules {
		rule, _ := r.(map[string]any)
		target, ok := rule["target"].(string)
		if !ok {
			return nil // type problems already reported; do not guess
		}
		if !strings.HasPrefix(target, "/") && firstRelative < 0 {
			firstRelative = i
		}
		recursive, isBool := rule["recursive"].(bool)
		if covers(filepath.Clean(manifest.JoinPath(base, target)), ws, recursive || !isBool) {
			return nil
		}
	}
	ptr := at + "/scope/allow"
	msg := fmt.Sprintf("no scope.allow rule covers the launch directory %s, so the pod will not start there (pwd is not readable)", ws)
	if firstRelative >= 0 {
		ptr += "/" + strconv.Itoa(firstRelative) + "/target"
		if in.Registry {
			msg += fmt.Sprintf(`; in a registry profile relative targets such as "." are joined to the profile's folder %s`, filepath.Clean(in.ProfileDir))
		}
	}
	return []finding{{code: CodeScopeOutsideLaunch, pointer: ptr, message: msg, sev: diagnostics.Warning}}
}

func covers(target, dir string, recursive bool) bool {
	if target == dir {
		return true
	}
	return recursive && (target == "/" || strings.HasPrefix(dir, target+"/"))
}

// storePaths flags /nix/store paths in path fields: a Nix path literal
// (target = ./.;) is copied into the store, so the pod would work on a
// read-only copy instead of the workspace (contract §1.1).
func storePaths(root map[string]any, at string) []finding {
	var out []finding
	eachString(root, at, nil, func(l leaf) {
		if !strings.HasPrefix(l.value, "/nix/store/") {
			return
		}
		if d, ok := manifest.Field(l.path); !ok || d.Path == "" {
			return
		}
		out = append(out, finding{code: CodeStorePath, pointer: l.pointer, sev: diagnostics.Warning,
			message: fmt.Sprintf("%s is a Nix store path (%s): a path literal such as ./. is copied into the store; write the path as a string (\".\") to mean the folder itself",
				manifest.Dotted(l.path), storeName(l.value))})
	})
	return out
}

// storeName shortens /nix/store/<hash>-name/rest to …-name/rest.
func storeName(p string) string {
	rest := strings.TrimPrefix(p, "/nix/store/")
	if i := strings.IndexByte(rest, '-'); i > 0 {
		return "/nix/store/…" + rest[i:]
	}
	return p
}

// leaf is one string value of the manifest with its location.
type leaf struct {
	pointer string
	path    []string // keys from the manifest root, indexes included
	value   string
	parent  map[string]any // the object holding the value (nil in arrays)
}

func eachString(v any, ptr string, path []string, fn func(leaf)) {
	walkStrings(v, ptr, path, nil, fn)
}

func walkStrings(v any, ptr string, path []string, parent map[string]any, fn func(leaf)) {
	switch t := v.(type) {
	case string:
		fn(leaf{pointer: ptr, path: path, value: t, parent: parent})
	case map[string]any:
		for k, x := range t {
			walkStrings(x, ptr+"/"+manifest.EscapePointer(k), appendPath(path, k), t, fn)
		}
	case []any:
		for i, x := range t {
			idx := strconv.Itoa(i)
			walkStrings(x, ptr+"/"+idx, appendPath(path, idx), nil, fn)
		}
	}
}

func appendPath(path []string, key string) []string {
	out := make([]string, len(path)+1)
	copy(out, path)
	out[len(path)] = key
	return out
}
