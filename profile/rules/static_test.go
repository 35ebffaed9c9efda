package rules

import (
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

func lit(line int, value string, path ...string) StaticString {
	return StaticString{File: profileFile, Range: lineLoc(line).Range, Value: value, AttrPath: path}
}

func TestStatic(t *testing.T) {
	in := StaticInput{
		Strings: []StaticString{
			lit(1, "anthropic", "manifest", "model", "scheme"),
			lit(2, canary, "manifest", "model", "auth"),
			lit(3, "BRAVE KEY", "manifest", "web", "search", "api_key_env"),
			lit(4, "OPENAI_API_KEY", "manifest", "model", "auth", "env"),
			lit(5, "llm.anthropic.default", "manifest", "compaction", "model", "auth"), // a secrets.ref id
			lit(6, "codex-oauth/gpt-5.5", "manifest", "compaction", "model", "ref"),
			lit(7, "ghp_abcdefghijklmnopqrstuvwxyz0123456789"), // unbound, e.g. in a let
			lit(8, ".", "manifest", "scope", "allow", "0", "target"),
		},
		SecretCalls: []SecretCall{
			{File: profileFile, Range: lineLoc(5).Range, ID: "llm.anthropic.default"},
			{File: profileFile, Range: lineLoc(9).Range, ID: "llm.antropic.default"},
			{File: profileFile, Range: lineLoc(10).Range, ID: "bad id"},
		},
		SecretIDs: []string{"llm.anthropic.default"},
	}
	got := Static(in)
	want := []struct {
		line    int
		code    string
		message string
		fix     string
	}{
		{2, diagnostics.CodePlaintextSecret, `plaintext credential in model.auth (sk-a…(39 chars)): store it in the secret store and write secrets.ref "llm.anthropic.default"`, `secrets.ref "llm.anthropic.default"`},
		{3, diagnostics.CodeEnvNameInvalid, "web.search.api_key_env must name an environment variable (letters, digits and _, not starting with a digit), e.g. BRAVE_SEARCH_API_KEY", ""},
		{7, diagnostics.CodePlaintextSecret, `plaintext credential in the profile (ghp_…(40 chars)): store it in the secret store and write secrets.ref "profile.secret"`, `secrets.ref "profile.secret"`},
		{9, diagnostics.CodeSecretUnknown, `secret "llm.antropic.default" is not in the secret store; did you mean "llm.anthropic.default"?`, `"llm.anthropic.default"`},
		{10, diagnostics.CodeSecretInvalidID, `invalid secret id "bad id": secret id may contain only ASCII letters, digits, '.', '_', '-' and '/'`, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		d := got[i]
		fix := ""
		if d.Fix != nil {
			fix = d.Fix.NewText
		}
		if d.Range != lineLoc(w.line).Range || d.Code != w.code || d.Message != w.message || fix != w.fix {
			t.Errorf("diagnostic %d:\n got line %d %s %q fix %q\nwant line %d %s %q fix %q",
				i, d.Range.Start.Line, d.Code, d.Message, fix, w.line, w.code, w.message, w.fix)
		}
	}
}

// Without store ids the unknown-id check is off, the syntax check is not.
func TestStaticWithoutStore(t *testing.T) {
	got := Static(StaticInput{SecretCalls: []SecretCall{{ID: "x.y"}, {ID: "/abs"}}})
	if len(got) != 1 || got[0].Code != diagnostics.CodeSecretInvalidID {
		t.Errorf("got %+v", got)
	}
}

func TestStaticCanary(t *testing.T) {
	var strs []StaticString
	for i, p := range [][]string{{"model", "auth"}, {"model", "scheme"}, {"x"}, {"web", "search", "api_key_env"}, {"model", "base_url"}} {
		strs = append(strs, lit(i, canary, p...), lit(i, "https://u:"+canary+"@h", p...))
	}
	got := Static(StaticInput{Strings: strs, SecretCalls: []SecretCall{{ID: canary}, {ID: canary + " x"}}, SecretIDs: []string{}})
	if len(got) < len(strs) {
		t.Errorf("only %d diagnostics for %d secret literals", len(got), len(strs))
	}
	assertNoCanary(t, got)
}

func TestSuggestSecretID(t *testing.T) {
	cases := []struct {
		path     []string
		provider string
		want     string
	}{
		{[]string{"model", "auth"}, "anthropic", "llm.anthropic.default"},
		{[]string{"manifest", "memory", "extract_model", "auth"}, "openai", "llm.openai.default"},
		{[]string{"model", "auth"}, "", "llm.default"},
		{[]string{"web", "search", "api_key"}, "", "brave.search.default"},
		{[]string{"manifest", "tools", "0", "Token"}, "", "tools.token"},
		{[]string{"bad key!"}, "", "profile.secret"},
	}
	for _, c := range cases {
		if got := SuggestSecretID(c.path, c.provider); got != c.want {
			t.Errorf("SuggestSecretID(%v, %q) = %q, want %q", c.path, c.provider, got, c.want)
		}
	}
}

// A value is judged by what it is: outside a credential position of the
// schema a credential-like field name alone is no finding (home-manager's
// key bindings, a test's password), a key shape or random token is; in a
// credential position any value but an environment variable name is.
func TestStaticJudgesValues(t *testing.T) {
	cases := []struct {
		lit  StaticString
		want bool
	}{
		{lit(1, "q", "programs", "wleave", "settings", "buttons", "keybind"), false},
		{lit(2, "hunter2", "users", "users", "alice", "password"), false},
		{lit(3, "abc", "services", "foo", "token"), false},
		{lit(4, "<C-k>", "programs", "neovim", "keymaps", "0", "key"), false},
		{lit(5, "hunter2", "manifest", "model", "auth"), true},
		{lit(6, "hunter2", "manifest", "model", "api_key"), true},
		{lit(7, "hunter2", "manifest", "web", "search", "api_key"), true},
		{lit(8, "OPENAI_API_KEY", "manifest", "model", "api_key"), false},
		{lit(9, canary, "programs", "foo", "settings", "keybind"), true},
		{lit(10, "hunter2", "manifest", "pod", "password"), false},
	}
	for _, c := range cases {
		got := Static(StaticInput{Strings: []StaticString{c.lit}})
		if (len(got) == 1 && got[0].Code == diagnostics.CodePlaintextSecret) != c.want || len(got) > 1 {
			t.Errorf("%v = %q: got %+v, want a plaintext-secret finding: %v", c.lit.AttrPath, c.lit.Value, got, c.want)
		}
	}
}

// A key in a model whose provider the syntax does not show (the model
// comes from a preset) is proposed the store's id of that kind, so the fix
// leaves no secret-unknown; with no such id the suggestion stands.
func TestPlaintextProposesAStoreID(t *testing.T) {
	key := "sk-ant-api03-" + strings.Repeat("Zx9Qw", 8)
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"brave.search.default", "llm.anthropic.default"}, `secrets.ref "llm.anthropic.default"`},
		{[]string{"llm.openai.work", "llm.anthropic.default"}, `secrets.ref "llm.default"`}, // which one is the user's call
		{[]string{"llm.defualt", "llm.anthropic.default"}, `secrets.ref "llm.defualt"`},
		{[]string{"brave.search.default"}, `secrets.ref "llm.default"`},
		{nil, `secrets.ref "llm.default"`},
		{[]string{"llm." + key}, `secrets.ref "llm.default"`}, // a key pasted as an id is not proposed
	} {
		got := Static(StaticInput{Strings: []StaticString{lit(1, key, "manifest", "model", "auth")}, SecretIDs: tc.ids})
		if len(got) != 1 || got[0].Fix == nil || got[0].Fix.NewText != tc.want {
			t.Errorf("store %q: got %+v, want one finding with the fix %s", tc.ids, got, tc.want)
		}
	}
}
