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
