package secrets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const canary = "sk-ant-CANARY0123456789abcdef0123456789"

func writeStore(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, StoreFile), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestListIDs(t *testing.T) {
	dir := writeStore(t, `{"version":1,"entries":{
	  "llm.anthropic.default":{"nonce":"00","ciphertext":"`+canary+`","tag":"ff"},
	  "brave.search.default":{"nonce":"01","ciphertext":"aa","tag":"bb"},
	  "team/openai-key":"not even an object"}}`)
	ids, err := ListIDs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids, ","); got != "brave.search.default,llm.anthropic.default,team/openai-key" {
		t.Errorf("ids = %s", got)
	}
}

func TestListIDsMissingAndBad(t *testing.T) {
	ids, err := ListIDs(t.TempDir())
	if err != nil || ids == nil || len(ids) != 0 {
		t.Errorf("missing store: ids=%v err=%v", ids, err)
	}
	for name, content := range map[string]string{
		"version 2":   `{"version":2,"entries":{}}`,
		"no version":  `{"entries":{}}`,
		"not json":    `{"version":1,"entries":{"a":"` + canary,
		"bad entries": `{"version":1,"entries":["` + canary + `"]}`,
	} {
		_, err := ListIDs(writeStore(t, content))
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "CANARY") {
			t.Errorf("%s: error leaks content: %v", name, err)
		}
	}
}

func TestValidateID(t *testing.T) {
	for _, ok := range []string{"llm.anthropic.default", "brave.search.default", "team/openai-key", "a", "A_b-c.d/e", strings.Repeat("x", 128)} {
		if err := ValidateID(ok); err != nil {
			t.Errorf("ValidateID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 129), "/abs", "~home", "a//b", "a/", "a/./b", "../x", "a/..", "sp ace", "é", "a:b", "."} {
		if err := ValidateID(bad); err == nil {
			t.Errorf("ValidateID(%q) accepted", bad)
		}
	}
}

func TestClosest(t *testing.T) {
	ids := []string{"llm.anthropic.default", "llm.openai.default", "brave.search.default"}
	if got := Closest("llm.antropic.default", ids, 2); len(got) == 0 || got[0] != "llm.anthropic.default" {
		t.Errorf("Closest = %v", got)
	}
	if got := Closest("zzz", ids, 3); len(got) != 0 {
		t.Errorf("unrelated suggestion: %v", got)
	}
}

func TestDetection(t *testing.T) {
	secretsLike := []string{canary, "sk-proj-abcdefghijklmnop1234", "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
		"github_pat_11ABCDEFG0123456789_abcdefghijk", "xoxb-1234567890-abcdefghij", "AKIAIOSFODNN7EXAMPLE",
		"AIzaSyA1234567890abcdefghijklmnopqrstuv", "glpat-abcdefghij0123456789",
		"Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0LmNbVcXz"}
	for _, s := range secretsLike {
		if !LooksSecret(s) {
			t.Errorf("not detected: %s", Mask(s))
		}
	}
	benign := []string{"/nix/store/0c7ww1ci4kml3ammcw5djqy7fbm2ymri-source", "claude-sonnet-4-20250514",
		"BRAVE_SEARCH_API_KEY", "task-abcdefghijklmnopqrstuvwxyz", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"123e4567-e89b-12d3-a456-426614174000", "codex-oauth/gpt-5.5", "llm.anthropic.default",
		"/tmp/TestManifestOnRealNixOutput3361276436/001", "TestManifestOnRealNixOutput2988001493", "/home/User/Projects/MyApplication2024/src/Main.java"}
	for _, s := range benign {
		if LooksSecret(s) {
			t.Errorf("false positive: %s", s)
		}
	}
}

func TestRedactAndMask(t *testing.T) {
	if got := Mask(canary); got != "sk-a…(39 chars)" {
		t.Errorf("Mask = %s", got)
	}
	if got := Mask("short"); got != "…(5 chars)" {
		t.Errorf("Mask short = %s", got)
	}
	in := "error: at /x.nix:3:5: value is a string: \"" + canary + "\" and https://u:hunter2@h/p?token=tok123&x=1 and AKIAIOSFODNN7EXAMPLE"
	out := Redact(in)
	for _, leak := range []string{"CANARY", "hunter2", "tok123", "AKIAIOSFODNN7EXAMPLE"} {
		if strings.Contains(out, leak) {
			t.Errorf("Redact leaks %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, "/x.nix:3:5") || !strings.Contains(out, "&x=1") {
		t.Errorf("Redact dropped non-secret text: %s", out)
	}
	if plain := "nothing to see: model codex-oauth/gpt-5.5"; Redact(plain) != plain {
		t.Errorf("Redact changed plain text")
	}
}

func TestCredentialNameAndURL(t *testing.T) {
	for _, n := range []string{"api_key", "token", "client_secret", "password", "apiKey", "access_token"} {
		if !CredentialName(n) {
			t.Errorf("CredentialName(%q) = false", n)
		}
	}
	for _, n := range []string{"api_key_env", "env", "ref", "max_tokens", "summary_target_tokens", "key_file", "model_id", "base_url"} {
		if CredentialName(n) {
			t.Errorf("CredentialName(%q) = true", n)
		}
	}
	for _, u := range []string{"https://u:p@h.example/v1", "https://h.example/v1?api_key=x", "https://h.example/?key=abc"} {
		if !URLCredential(u) {
			t.Errorf("URLCredential(%q) = false", u)
		}
	}
	for _, u := range []string{"https://api.anthropic.com", "http://localhost:11434/v1?model=x", "not a url"} {
		if URLCredential(u) {
			t.Errorf("URLCredential(%q) = true", u)
		}
	}
}

// Random base62 tokens (what most providers issue) are caught nearly always.
func TestHighEntropyCatchesRandomTokens(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	seed := uint32(12345)
	next := func() byte { // xorshift: deterministic, no global rand state
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return alphabet[seed%uint32(len(alphabet))]
	}
	caught := 0
	const n = 1000
	for i := 0; i < n; i++ {
		tok := make([]byte, 40)
		for j := range tok {
			tok[j] = next()
		}
		if HighEntropy(string(tok)) {
			caught++
		}
	}
	if caught < n*97/100 {
		t.Errorf("caught %d of %d random 40-char tokens", caught, n)
	}
}
