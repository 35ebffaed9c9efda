package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// envName is what an environment variable name looks like.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// upperEnvLike reports whether v looks like an environment variable name
// (secrets.EnvNameLike): values under credential-named keys that look like
// this are taken for variable names, not keys (e.g. api_key = "OPENAI_API_KEY").
func upperEnvLike(v string) bool { return secrets.EnvNameLike(v) }

// credentialFindings runs the secret checks on an evaluated artifact: every
// string of the manifest, every secret reference, and key shapes anywhere
// else in the artifact (e.g. a key pasted into profile.description).
func credentialFindings(art *manifest.Artifact, ids []string) []finding {
	var out []finding
	root, _ := art.Manifest.(map[string]any)
	eachString(art.Manifest, art.Pointer, nil, func(l leaf) {
		if art.RawForm && len(l.path) > 0 && l.path[0] == "profile" {
			return // envelope metadata, scanned below
		}
		hint := secretHint{provider: modelProvider(root, l.path), ids: ids}
		if f, ok := stringFinding(l.pointer, l.path, l.value, l.parent, hint); ok {
			out = append(out, f)
		}
	})
	eachSecretRef(art.Manifest, art.Pointer, func(ptr, id string) {
		out = append(out, refFindings(ptr, id, ids)...)
	})
	for key, v := range art.Root {
		if "/"+key == art.Pointer || (art.RawForm && key != "profile") {
			continue
		}
		eachString(v, "/"+manifest.EscapePointer(key), []string{key}, func(l leaf) {
			if secrets.LooksSecret(l.value) {
				out = append(out, plaintext(l.pointer, l.path, l.value, secretHint{ids: ids}))
			}
		})
	}
	return out
}

// modelProvider names the provider of the model a path lies in: the
// provider of its ref, else its scheme's vendor ("" when not in a model).
func modelProvider(root map[string]any, path []string) string {
	for i, k := range path {
		if k != "model" && k != "extract_model" && k != "consolidation_model" {
			continue
		}
		v, _ := lookup(root, "/"+strings.Join(path[:i+1], "/"))
		m, _ := v.(map[string]any)
		ref, _ := m["ref"].(string)
		scheme, _ := m["scheme"].(string)
		return providerName(ref, scheme)
	}
	return ""
}

// providerName turns a model ref or scheme into an id segment. Only a
// plain, non-secret-looking provider is used, since it goes into a Fix.
func providerName(ref, scheme string) string {
	if p, _, ok := strings.Cut(ref, "/"); ok && p != "" && secrets.ValidateID(p) == nil && !secrets.LooksSecret(p) {
		return p
	}
	switch scheme {
	case "anthropic", "gemini":
		return scheme
	case "openai_chat", "openai_responses":
		return "openai"
	}
	return ""
}

// stringFinding applies the plaintext and env-name rules to one string at
// attribute path (keys from the manifest root). A value is judged by what
// it is (secrets.Plaintext); only in a credential position of the schema
// (model.auth, web.search.api_key...) is any value taken for a key, so a
// `keybind = "q"` or a `password = "hunter2"` elsewhere is not reported.
func stringFinding(ptr string, path []string, v string, parent map[string]any, hint secretHint) (finding, bool) {
	path = stripEnvelope(path)
	key, parentKey := lastKeys(path)
	isRef := key == "ref" && parent != nil && parent["kind"] == "secret_ref"
	switch {
	case v == "":
		return finding{}, false
	case secrets.Plaintext(v, key, false):
		return plaintext(ptr, path, v, hint), true
	case isRef:
		return finding{}, false // checked by refFindings
	case key == "base_url" && secrets.URLCredential(v):
		return plaintext(ptr, path, v, hint), true
	case isEnvField(key, parentKey, parent):
		if !envName.MatchString(v) {
			return finding{code: diagnostics.CodeEnvNameInvalid, pointer: ptr, sev: diagnostics.Error,
				message: fmt.Sprintf("%s must name an environment variable (letters, digits and _, not starting with a digit), e.g. %s",
					manifest.Dotted(path), exampleEnv(path))}, true
		}
	case manifest.CredentialPosition(path) && secrets.Plaintext(v, key, true):
		return plaintext(ptr, path, v, hint), true
	}
	return finding{}, false
}

func isEnvField(key, parentKey string, parent map[string]any) bool {
	if key == "api_key_env" {
		return true
	}
	return key == "env" && parentKey == "auth" && (parent == nil || parent["kind"] == "api_key")
}

func exampleEnv(path []string) string {
	if slices.Contains(path, "web") {
		return "BRAVE_SEARCH_API_KEY"
	}
	return "INSOMNIA_API_KEY_ANTHROPIC"
}

// lastKeys returns the last two keys of path, skipping array indexes. It
// runs for every literal on every keystroke, hence no allocation.
func lastKeys(path []string) (key, parent string) {
	found := 0
	for i := len(path) - 1; i >= 0 && found < 2; i-- {
		if isIndex(path[i]) {
			continue
		}
		if found == 0 {
			key = path[i]
		} else {
			parent = path[i]
		}
		found++
	}
	return key, parent
}

func isIndex(k string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return k != ""
}

// plaintext reports a credential written in the profile. The message shows
// only the masked form; the fix proposes a store reference.
func plaintext(ptr string, path []string, v string, hint secretHint) finding {
	id := storeID(SuggestSecretID(path, hint.provider), hint.ids)
	where := manifest.Dotted(path)
	if where == "" {
		where = "the profile"
	}
	return finding{code: diagnostics.CodePlaintextSecret, pointer: ptr, sev: diagnostics.Error,
		message: fmt.Sprintf("plaintext credential in %s (%s): store it in the secret store and write secrets.ref %q",
			where, secrets.Mask(v), id),
		fix: &diagnostics.Fix{Title: fmt.Sprintf("Replace with secrets.ref %q", id), NewText: fmt.Sprintf("secrets.ref %q", id)}}
}

// secretHint is what a plaintext finding's proposed store id is chosen
// from: the provider of the model it lies in, and the ids the store holds.
type secretHint struct {
	provider string
	ids      []string // nil: the store is unknown
}

// storeID prefers an id the store holds: the suggestion itself, else the
// closest id of the same kind (`llm.…` for a model's key), else the only
// one of that kind, so the fix applied leaves no secret-unknown behind.
// Otherwise the suggestion stands: it names what to add to the store.
func storeID(suggested string, ids []string) string {
	if len(ids) == 0 || slices.Contains(ids, suggested) {
		return suggested
	}
	kind, _, _ := strings.Cut(suggested, ".")
	var same []string
	for _, id := range ids {
		// A key pasted as an id is not proposed: the fix would insert its
		// redacted form.
		if strings.HasPrefix(id, kind+".") && !secrets.LooksSecret(id) {
			same = append(same, id)
		}
	}
	if near := secrets.Closest(suggested, same, 1); len(near) > 0 {
		return near[0]
	}
	if len(same) == 1 {
		return same[0]
	}
	return suggested // none, or several to choose from: the user knows which
}

// SuggestSecretID derives a store id from where a credential was found:
// llm.<provider>.default inside a model (provider from its ref or scheme),
// brave.search.default under web.search, else the attribute path joined
// with dots. The result always passes secrets.ValidateID.
func SuggestSecretID(path []string, provider string) string {
	var clean []string
	for _, k := range stripEnvelope(path) {
		if !isIndex(k) {
			clean = append(clean, strings.ToLower(k))
		}
	}
	for _, m := range []string{"model", "extract_model", "consolidation_model"} {
		if slices.Contains(clean, m) {
			if provider == "" || secrets.ValidateID(provider) != nil {
				return "llm.default"
			}
			return "llm." + provider + ".default"
		}
	}
	if len(clean) >= 2 && clean[0] == "web" && clean[1] == "search" {
		return "brave.search.default"
	}
	if id := strings.Join(clean, "."); id != "" && secrets.ValidateID(id) == nil {
		return id
	}
	return "profile.secret"
}

// stripEnvelope removes a leading manifest/config key (static attribute
// paths include it; manifest paths do not).
func stripEnvelope(path []string) []string {
	if len(path) > 0 && (path[0] == "manifest" || path[0] == "config") {
		return path[1:]
	}
	return path
}

// eachSecretRef calls fn for every {"kind":"secret_ref","ref":id} object.
func eachSecretRef(v any, ptr string, fn func(ptr, id string)) {
	switch t := v.(type) {
	case map[string]any:
		if t["kind"] == "secret_ref" {
			if id, ok := t["ref"].(string); ok {
				fn(ptr+"/ref", id)
			}
		}
		for k, x := range t {
			eachSecretRef(x, ptr+"/"+manifest.EscapePointer(k), fn)
		}
	case []any:
		for i, x := range t {
			eachSecretRef(x, fmt.Sprintf("%s/%d", ptr, i), fn)
		}
	}
}

// refFindings checks one secret reference id: its syntax, then (when the
// store's ids are known) that it exists, naming the closest ids.
func refFindings(ptr, id string, ids []string) []finding {
	if secrets.LooksSecret(id) {
		return nil // reported as plaintext-secret by the string walk
	}
	if err := secrets.ValidateID(id); err != nil {
		return []finding{{code: diagnostics.CodeSecretInvalidID, pointer: ptr, sev: diagnostics.Error,
			message: fmt.Sprintf("invalid secret id %s: %v", manifest.QuoteValue(id), err)}}
	}
	if ids == nil || slices.Contains(ids, id) {
		return nil
	}
	var fix *diagnostics.Fix
	if near := secrets.Closest(id, ids, 3); len(near) > 0 {
		fix = diagnostics.Suggest(strconv.Quote(id), strconv.Quote(near[0]))
	}
	return []finding{{code: diagnostics.CodeSecretUnknown, pointer: ptr, sev: diagnostics.Error, message: unknownSecretMessage(id, ids), fix: fix}}
}

func unknownSecretMessage(id string, ids []string) string {
	msg := fmt.Sprintf("secret %q is not in the secret store", id)
	switch near := secrets.Closest(id, ids, 3); {
	case len(ids) == 0:
		return msg + " (the store has no entries yet)"
	case len(near) > 0:
		return msg + "; did you mean " + quoteList(near) + "?"
	case len(ids) <= 5:
		return msg + "; it has " + quoteList(ids)
	}
	return msg + fmt.Sprintf(" (%d ids, none close)", len(ids))
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
