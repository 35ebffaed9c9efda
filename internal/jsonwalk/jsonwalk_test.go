package jsonwalk

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(`{"a":{"b":"x"},"l":[{"p":"y"},{"p":3},{"q":"z"}],"n":"keep"}`), &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][]string{{"a", "b"}, {"l", "*", "p"}, {"missing", "x"}, {"a", "*"}} {
		Rewrite(&v, p, strings.ToUpper)
	}
	got, _ := json.Marshal(v)
	if want := `{"a":{"b":"X"},"l":[{"p":"Y"},{"p":3},{"q":"z"}],"n":"keep"}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
