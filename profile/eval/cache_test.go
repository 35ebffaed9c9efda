package eval

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCacheBounds: least recently used results leave first, by count and
// by bytes.
func TestCacheBounds(t *testing.T) {
	c := NewCache(2, 1<<20)
	r := func(s string) Result { return Result{Artifact: json.RawMessage(`"` + s + `"`)} }
	c.put("a", r("a"), nil)
	c.put("b", r("b"), nil)
	if _, ok := c.get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.put("c", r("c"), nil)
	if _, ok := c.get("b"); ok {
		t.Fatal("b should have been evicted (least recently used)")
	}
	if _, ok := c.get("a"); !ok || c.Len() != 2 {
		t.Fatalf("a missing or len %d", c.Len())
	}

	big := NewCache(100, 4096)
	for i := 0; i < 10; i++ {
		big.put(string(rune('a'+i)), r(strings.Repeat("x", 1000)), nil)
	}
	if big.Bytes() > 4096 || big.Len() >= 10 || big.Len() == 0 {
		t.Fatalf("bytes %d len %d", big.Bytes(), big.Len())
	}
	big.put("huge", r(strings.Repeat("x", 8192)), nil)
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

// TestDepDigestTakenOnce: a dep's digest is taken once per evaluation, for
// the key before Nix runs, and the cache entry keeps that one: a dep that
// changed while Nix ran is a miss later, not a stale hit.
func TestDepDigestTakenOnce(t *testing.T) {
	dir := t.TempDir()
	dep := writeFile(t, dir, "dep.nix", "1")
	dg := digests{}
	req := Request{Path: filepath.Join(dir, "p.nix"), Deps: []string{dep}}
	key := cacheKey("fp", "2.8.0", req, []byte("import ./dep.nix"), dg)
	if _, ok := dg[dep]; !ok {
		t.Fatal("the key's digest of the dep was not kept for the cache entry")
	}
	writeFile(t, dir, "dep.nix", "2") // changed while "Nix ran"
	c := NewCache(4, 1<<20)
	c.put(key, Result{Artifact: json.RawMessage("1"), Deps: []string{dep}}, dg)
	if _, ok := c.get(key); ok {
		t.Fatal("a dep changed during the run served the old result")
	}
	// Unchanged since the key: a hit.
	dg = digests{}
	key = cacheKey("fp", "2.8.0", req, []byte("import ./dep.nix"), dg)
	c.put(key, Result{Artifact: json.RawMessage("2"), Deps: []string{dep}}, dg)
	if r, ok := c.get(key); !ok || string(r.Artifact) != "2" {
		t.Fatalf("unchanged dep: hit %v %s", ok, r.Artifact)
	}
}
