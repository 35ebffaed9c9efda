package manifest

import "github.com/insomnia-lsp/insomnia-lsp/profile/secrets"

// The schema marks credential fields with x-credential: "source" where the
// credential comes from (model.auth; a string written there is the key
// itself) and "env" where an environment variable name holding it goes
// (api_key_env, auth.env). An object with such a field configures a
// credential: a user pasting a key into it (model.api_key, auth.key,
// web.search.api_key) writes a plaintext secret whatever the value looks
// like. Everywhere else a value is judged by what it is.

// CredentialPosition reports whether the field at path (keys from the
// manifest root; array indexes allowed) is a credential position: a field
// marked x-credential "source", or a credential-named field
// (secrets.CredentialName), known to the schema or not, of an object that
// has an x-credential field. Paths outside the schema are not.
func CredentialPosition(path []string) bool {
	s, err := schema()
	if err != nil || len(path) == 0 {
		return false
	}
	last := path[len(path)-1]
	named := secrets.CredentialName(last)
	if !named && !s.sourceNames[last] {
		return false // the common case: no schema walk
	}
	parent := s.at(path[:len(path)-1])
	if parent == nil {
		return false
	}
	prop, ok := parent.props()[last].(map[string]any)
	switch mark := node(prop).str("x-credential"); {
	case ok && mark == "source":
		return true
	case ok && mark == "env":
		return false
	}
	return named && holdsCredential(parent)
}

// holdsCredential reports whether an object schema has an x-credential
// field.
func holdsCredential(n node) bool {
	for _, p := range n.props() {
		if m, ok := p.(map[string]any); ok && node(m).str("x-credential") != "" {
			return true
		}
	}
	return false
}

// credentialSources lists the names of the fields marked x-credential
// "source" anywhere in the schema, so CredentialPosition can reject other
// names without walking it.
func credentialSources(v any, out map[string]bool) {
	switch t := v.(type) {
	case map[string]any:
		if props, ok := t["properties"].(map[string]any); ok {
			for name, p := range props {
				if m, ok := p.(map[string]any); ok && m["x-credential"] == "source" {
					out[name] = true
				}
			}
		}
		for _, x := range t {
			credentialSources(x, out)
		}
	case []any:
		for _, x := range t {
			credentialSources(x, out)
		}
	}
}
