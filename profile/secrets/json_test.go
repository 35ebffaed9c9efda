package secrets

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	const key = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	doc, _ := json.Marshal(map[string]any{
		"message": "undefined variable '" + key + "'",
		"escaped": "line one\n" + key + "\tafter",
		key:       []any{1, "ok", map[string]string{"name": key}},
		"newText": key,
		"plain":   "nothing to see here, a long enough ordinary sentence",
	})
	out := RedactJSON(doc, "newText")
	var back map[string]any
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if back["newText"] != key {
		t.Errorf("a kept key's value changed: %v", back["newText"])
	}
	delete(back, "newText")
	again, _ := json.Marshal(back)
	if strings.Contains(string(again), key[4:]) {
		t.Errorf("key left in %s", again)
	}
	if !strings.Contains(string(again), Mask(key)) || back["plain"] != "nothing to see here, a long enough ordinary sentence" {
		t.Errorf("want masks and untouched plain text, got %s", again)
	}
}

// Nothing to mask, or not JSON: the same bytes come back.
func TestRedactJSONUnchanged(t *testing.T) {
	for _, doc := range []string{`{"a":"b","n":[1,2,3]}`, `{"a":"unterminated sk-ant-api03-Zq8RkT2mWv9Lp`, `null`} {
		if out := RedactJSON([]byte(doc)); string(out) != doc {
			t.Errorf("RedactJSON(%s) = %s", doc, out)
		}
	}
}

// A file URI is a location the editor opens: a random-looking folder name
// in it stays (in a message the same name is masked, as any such token),
// while a key shape is masked even there.
func TestRedactJSONKeepsURIs(t *testing.T) {
	const folder = "Xq7Zk2WmR9tB4vN8cL3pH6sJ1dF5gK0yAb"
	if !HighEntropy(folder) {
		t.Fatal("the folder name is not high entropy: the case proves nothing")
	}
	uri := "file:///tmp/" + folder + "/p.nix"
	doc := `{"uri":"` + uri + `","message":"cannot read /tmp/` + folder + `/p.nix"}`
	out := string(RedactJSON([]byte(doc)))
	if !strings.Contains(out, `"uri":"`+uri+`"`) {
		t.Errorf("the URI changed: %s", out)
	}
	if strings.Contains(out, `"message":"cannot read /tmp/`+folder) {
		t.Errorf("the message keeps the random-looking name: %s", out)
	}
	const key = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	if out := string(RedactJSON([]byte(`{"uri":"file:///tmp/` + key + `.nix"}`))); strings.Contains(out, key[4:]) {
		t.Errorf("a key-shaped file name is left in a URI: %s", out)
	}
}
