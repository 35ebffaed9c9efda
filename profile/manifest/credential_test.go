package manifest

import "testing"

// The credential positions follow from the schema's x-credential marks:
// the auth of every model (main, extract, consolidation), credential-named
// keys of the objects that say where a credential comes from, and nothing
// outside the schema or in other objects.
func TestCredentialPosition(t *testing.T) {
	cases := map[string]bool{
		"model.auth":                               true,
		"memory.extract_model.auth":                true,
		"memory.consolidation_model.auth":          true,
		"model.api_key":                            true,
		"model.auth.key":                           true,
		"model.auth.token":                         true,
		"web.search.api_key":                       true,
		"web.search.password":                      true,
		"web.search.api_key_env":                   false, // an environment variable name
		"model.auth.env":                           false,
		"model.auth.ref":                           false,
		"model.max_tokens":                         false,
		"model.model_id":                           false,
		"pod.name":                                 false,
		"pod.token":                                false, // pod configures no credential
		"web.fetch.api_key":                        false,
		"programs.wleave.settings.buttons.keybind": false,
		"programs.git.signing.key":                 false,
		"services.foo.auth":                        false,
		"auth":                                     false,
	}
	for p, want := range cases {
		if got := CredentialPosition(splitDots(p)); got != want {
			t.Errorf("CredentialPosition(%s) = %v, want %v", p, got, want)
		}
	}
}

// Every field the schema marks is reachable and a model's auth is among
// them, so the marks cannot silently disappear from the schema.
func TestCredentialMarks(t *testing.T) {
	s, err := schema()
	if err != nil {
		t.Fatal(err)
	}
	if !s.sourceNames["auth"] || len(s.sourceNames) != 1 {
		t.Errorf("x-credential source fields: %v, want just auth", s.sourceNames)
	}
	for _, p := range []string{"model", "model.auth", "web.search"} {
		if n := s.at(splitDots(p)); n == nil || !holdsCredential(n) {
			t.Errorf("%s should hold an x-credential field", p)
		}
	}
}

func splitDots(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}
