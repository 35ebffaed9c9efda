package manifest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func nested(depth int) string {
	return `{"pod":{"name":"p"},"deep":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
}

func TestRedactedWithinDepth(t *testing.T) {
	full, err := Redacted([]byte(nested(6000)))
	if err != nil {
		t.Fatal(err)
	}
	out, cut, err := RedactedWithin([]byte(nested(6000)), DisplayLimits())
	if err != nil {
		t.Fatal(err)
	}
	if string(full) != string(out) {
		t.Errorf("Redacted is not cut to DisplayLimits")
	}
	if !json.Valid(out) {
		t.Fatalf("not valid JSON:\n%.500s", out)
	}
	if cut != "deeper than 32 levels" || !strings.Contains(string(out), `"…truncated (depth > 32)"`) {
		t.Errorf("cut %q, output lacks the depth marker:\n%.2000s", cut, out)
	}
	// 31 levels of lists under the root object, each on its own lines.
	if len(out) > 4<<10 {
		t.Errorf("6,000 levels cut at 32 still take %d bytes", len(out))
	}
	if !strings.Contains(string(out), `"name": "p"`) {
		t.Errorf("lost the shallow part:\n%.500s", out)
	}
	shallow, cut, _ := RedactedWithin([]byte(nested(31)), DisplayLimits())
	if cut != "" || strings.Contains(string(shallow), "truncated") {
		t.Errorf("32 levels are cut: %q", cut)
	}
}

func TestRedactedWithinBytes(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"env":{`)
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, `"VAR_%d":"value %d",`, i, i)
	}
	b.WriteString(`"LAST":"x"},"list":[1,2,3]}`)
	const limit = 64 << 10
	out, cut, err := RedactedWithin([]byte(b.String()), Limits{Depth: 32, Bytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) {
		t.Fatalf("not valid JSON:\n%.500s", out[len(out)-500:])
	}
	if len(out) > limit+256 || len(out) < limit {
		t.Errorf("%d bytes for a %d-byte limit", len(out), limit)
	}
	if cut != "over 64 KiB" || !strings.Contains(string(out), `"…truncated": "…truncated (over 64 KiB)"`) {
		t.Errorf("cut %q; end of output:\n%s", cut, out[len(out)-200:])
	}
	if strings.Contains(string(out), `"list"`) {
		t.Errorf("entries after the cut are still shown")
	}
}

// A long credential is masked before it is cut: the cut never shows more.
func TestRedactedWithinStringsAfterRedaction(t *testing.T) {
	long := strings.Repeat("a", 200<<10)
	doc := `{"api_key":"` + canary + long + `","note":"` + long + `"}`
	out, cut, err := RedactedWithin([]byte(doc), Limits{Bytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "CANARY") {
		t.Errorf("the cut shows the credential")
	}
	if !json.Valid(out) || len(out) > 66<<10 || cut == "" || !strings.Contains(string(out), "…truncated (204800 bytes)") {
		t.Errorf("long string not cut (%d bytes, cut %q): %.200s", len(out), cut, out)
	}
}

// Shorten re-cuts a display form without masking it again.
func TestShortenKeepsMasks(t *testing.T) {
	disp, err := Redacted([]byte(`{"api_key":"` + canary + `","pad":["` + strings.Repeat("x", 100) + `"]}`))
	if err != nil {
		t.Fatal(err)
	}
	again, cut, err := Shorten(disp, Limits{Bytes: 1 << 20})
	if err != nil || string(again) != string(disp) || cut != "" {
		t.Errorf("Shorten changed a display form under its limit (%q, %v):\n%s\n%s", cut, err, disp, again)
	}
	short, cut, _ := Shorten(disp, Limits{Bytes: 20})
	if cut == "" || !json.Valid(short) || strings.Contains(string(short), "xxxxxxxxxx") {
		t.Errorf("Shorten to 20 bytes: cut %q\n%s", cut, short)
	}
}
