package hostile

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// TestKeyShapedStoreID: a pasted key's fix proposes an id the secret store
// holds (the only one of its kind). A store whose only llm id is itself a
// key must not have it echoed (not in the diagnostic, the code action's
// title or edit, where the last-line redaction leaves newText alone, nor
// the log; the harness scans every frame) nor proposed in its masked form.
func TestKeyShapedStoreID(t *testing.T) {
	c := start(t, caseOpts{setup: func(root, home string) {
		testenv.Write(t, filepath.Join(home, "data", "secrets", "store.json"),
			`{"version":1,"entries":{"llm.`+canary+`":{}}}`)
	}})
	pasted := "sk-ant-api03-" + randomHex(24) + "QQQQ" // the user's own key, in the profile
	path := c.open("p.nix", profile(t, "  pod.name = \"p\";\n  model.auth = \""+pasted+"\";\n"))
	d := c.expect(path, "plaintext-secret")
	res, err := c.p.Call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uriOf(path)},
		"range": d.Range, "context": map[string]any{"diagnostics": []any{}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res), `"newText":"lib.secrets.ref \"llm.anthropic.default\""`) {
		t.Errorf("want the fix to propose llm.anthropic.default (from the model.ref), not the key-shaped id (masked): %s", res)
	}
	t.Logf("code actions: %.300s", res)
	c.healthy(path)
}

// A key pasted as a let name is an unused binding too: the fixes offered
// for it never show the key in their titles (an editor lists them), and
// none keeps it in the file under another name (`_sk-ant-…`).
func TestKeyShapedUnusedBinding(t *testing.T) {
	c := start(t, caseOpts{})
	pasted := "sk-ant-api03-" + randomHex(24) + "QQQQ"
	text := strings.Replace(profile(t, "  pod.name = \"p\";\n"), "let ", "let\n  "+pasted+" = 1;\n  ", 1)
	path := c.open("p.nix", text)
	d := c.expect(path, "unused-binding")
	res, err := c.p.Call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uriOf(path)},
		"range": d.Range, "context": map[string]any{"diagnostics": []any{}}})
	if err != nil {
		t.Fatal(err)
	}
	var actions []struct {
		Title string `json:"title"`
		Edit  any    `json:"edit"`
	}
	if err := json.Unmarshal(res, &actions); err != nil {
		t.Fatalf("code actions %s: %v", res, err)
	}
	removes := false
	for _, a := range actions {
		if strings.Contains(a.Title, pasted[8:]) {
			t.Errorf("a fix title shows the key: %q", a.Title)
		}
		if strings.HasPrefix(a.Title, "Rename to _") {
			t.Errorf("a fix keeps the key in the file: %q", a.Title)
		}
		removes = removes || strings.HasPrefix(a.Title, "Remove the unused binding")
	}
	if !removes {
		t.Errorf("no fix removes the binding: %s", res)
	}
	t.Logf("code actions: %.400s", res)
	c.healthy(path)
}
