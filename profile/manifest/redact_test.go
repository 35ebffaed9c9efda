package manifest

import (
	"encoding/json"
	"strings"
	"testing"
)

const canary = "sk-ant-CANARY0123456789abcdef0123456789"

func TestRedactedKeepsRefsMasksPlaintext(t *testing.T) {
	doc := `{"model":{"ref":"anthropic/claude","auth":{"kind":"secret_ref","ref":"llm.anthropic.default"},
	"base_url":"https://user:hunter2pass@api.example.com/v1?api_key=abc123def"},
	"web":{"search":{"api_key_env":"BRAVE_SEARCH_API_KEY","api_key":"plainvalue1234"}},
	"compaction":{"model":{"auth":"` + canary + `"}},
	"notes":["see ` + canary + ` here"],"n":1.5,"e":{},"a":[]}`
	out, err := Redacted([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, leak := range []string{canary, "CANARY", "hunter2pass", "abc123def", "plainvalue1234"} {
		if strings.Contains(text, leak) {
			t.Errorf("Redacted leaks %q:\n%s", leak, text)
		}
	}
	for _, keep := range []string{`"ref": "llm.anthropic.default"`, `"ref": "anthropic/claude"`,
		`"api_key_env": "BRAVE_SEARCH_API_KEY"`, `"n": 1.5`, `"e": {}`, `"a": []`, "sk-a…(39 chars)"} {
		if !strings.Contains(text, keep) {
			t.Errorf("Redacted lost %q:\n%s", keep, text)
		}
	}
	if !json.Valid(out) {
		t.Errorf("not valid JSON:\n%s", text)
	}
	if strings.Index(text, `"model"`) > strings.Index(text, `"web"`) {
		t.Errorf("key order not kept:\n%s", text)
	}
}

func TestRedactedBadInput(t *testing.T) {
	if _, err := Redacted([]byte(`{"a":`)); err == nil {
		t.Error("no error for truncated JSON")
	}
	if s := RedactedString([]byte(`{"k":"` + canary)); strings.Contains(s, "CANARY") {
		t.Errorf("error text leaks: %s", s)
	}
}

func TestValueAt(t *testing.T) {
	art := `{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":".","permission":"read"}]},
	"model":{"ref":"anthropic/m","base_url":"https://u:hunter2pass@h/v1","auth":{"kind":"secret_ref","ref":"llm.anthropic.default"}}}}`
	res, problems := Resolve(json.RawMessage(art), "/ws", ProfileSource{Kind: "path", Path: "/ws/p.nix"})
	if res == nil {
		t.Fatal(problems)
	}
	cases := map[string]string{
		"pod.name":             `"p"`,
		"scope.allow.0.target": `"/ws/."`,
		"model.auth":           "{\n  \"kind\": \"secret_ref\",\n  \"ref\": \"llm.anthropic.default\"\n}",
		"worker.max_tokens":    "null",
		"model.base_url":       `"https://u:…(11 chars)@h/v1"`,
	}
	for p, want := range cases {
		got, ok := res.ValueAt(strings.Split(p, "."))
		if !ok || got != want {
			t.Errorf("ValueAt(%s) = %q, %v; want %q", p, got, ok, want)
		}
	}
	for _, p := range []string{"pod.nope", "scope.allow.5", "pod.name.x"} {
		if _, ok := res.ValueAt(strings.Split(p, ".")); ok {
			t.Errorf("ValueAt(%s) found", p)
		}
	}
}
