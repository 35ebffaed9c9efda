package eval

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPruneDepth(t *testing.T) {
	within := []byte(`{"a":[[1,"[[[\"]]"],{"b":{}}]}`)
	out, depth := pruneDepth(within, 4, 0)
	if &out[0] != &within[0] || depth != 4 {
		t.Errorf("within the limit: copied or wrong depth %d", depth)
	}
	deep := `{"s":"a\\\"[{","d":` + strings.Repeat(`[{"k":`, 3000) + `"x"` + strings.Repeat(`}]`, 3000) + `,"after":true}`
	out, depth = pruneDepth([]byte(deep), 5, 0)
	if depth != 6001 {
		t.Errorf("depth %d, want 6001", depth)
	}
	want := `{"s":"a\\\"[{","d":[{"k":[{"k":"…truncated (depth > 5)"}]}],"after":true}`
	if string(out) != want || !json.Valid(out) {
		t.Errorf("pruned\n%s\nwant\n%s", out, want)
	}
}

// TestDeepValueIsCut: Nix builds 6,000 nested lists (or sets) from a few
// bytes; the result keeps MaxArtifactDepth levels, says how deep it was,
// and the wrapper records no positions below the cut.
func TestDeepValueIsCut(t *testing.T) {
	e := NewEvaluator(testOptions(t))
	for name, step := range map[string]string{"lists": "[ a ]", "sets": "{ inherit a; }"} {
		src := "{ manifest.deep = builtins.foldl' (a: _: " + step + ") [ ] (builtins.genList (i: i) 6000); }"
		r := e.Evaluate(t.Context(), Request{Path: writeFile(t, t.TempDir(), "deep.nix", src)})
		if r.Failure != nil {
			t.Fatalf("%s: %s", name, r.Failure.Message)
		}
		if r.Depth != 6003 {
			t.Errorf("%s: Depth %d, want 6003 (envelope, manifest and 6,001 levels)", name, r.Depth)
		}
		if d := scanDepth(r.Artifact); d != MaxArtifactDepth {
			t.Errorf("%s: kept artifact nests %d levels, want %d", name, d, MaxArtifactDepth)
		}
		if len(r.Artifact) > 2<<10 || !strings.Contains(string(r.Artifact), "truncated (depth > 64)") {
			t.Errorf("%s: artifact %d bytes: %.200s", name, len(r.Artifact), r.Artifact)
		}
		if len(r.Positions) > 2*MaxArtifactDepth {
			t.Errorf("%s: %d positions kept", name, len(r.Positions))
		}
	}
}
