package eval

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCacheBounds: least recently used results leave first, by count and
// by bytes.
func TestCacheBounds(t *testing.T) {
	c := NewCache(2, 1<<20)
	r := func(s string) Result { return Result{Artifact: json.RawMessage(`"` + s + `"`)} }
	c.put("a", r("a"))
	c.put("b", r("b"))
	if _, ok := c.get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.put("c", r("c"))
	if _, ok := c.get("b"); ok {
		t.Fatal("b should have been evicted (least recently used)")
	}
	if _, ok := c.get("a"); !ok || c.Len() != 2 {
		t.Fatalf("a missing or len %d", c.Len())
	}

	big := NewCache(100, 4096)
	for i := 0; i < 10; i++ {
		big.put(string(rune('a'+i)), r(strings.Repeat("x", 1000)))
	}
	if big.Bytes() > 4096 || big.Len() >= 10 || big.Len() == 0 {
		t.Fatalf("bytes %d len %d", big.Bytes(), big.Len())
	}
	big.put("huge", r(strings.Repeat("x", 8192)))
	if _, ok := big.get("huge"); ok {
		t.Fatal("a result over the byte bound was stored")
	}
}

// TestRawFormPositions: the raw form's /pod/name has its own position.
func TestRawFormPositions(t *testing.T) {
	opts := testOptions(t)
	path := fixture(t, "relative/raw.nix")
	r := evalText(t, opts, path, "{\n  pod = {\n    name = \"raw\";\n  };\n}\n")
	if r.Failure != nil {
		t.Fatal(r.Failure)
	}
	wantAt(t, r.Positions, "/pod/name", path, 2, 4)
	wantAt(t, r.Positions, "/pod", path, 1, 2)
}
