package nixsyntax

import (
	"reflect"
	"sync"
	"testing"
)

// TestSharedTreeChecks: the session hands one tree to the keystroke's
// checks and to concurrent hovers, so the lazily computed scopes must be
// made once (under -race an unguarded cache fails here) and agree.
func TestSharedTreeChecks(t *testing.T) {
	f := Parse([]byte("let a = 1; b = { x = 1; x = 2; }; in { c = a; d = undefinedName; }\n"))
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, d := range f.Diagnostics("p.nix") {
				got[i] = append(got[i], d.Code)
			}
		}()
	}
	wg.Wait()
	if len(got[0]) < 2 {
		t.Fatalf("want the duplicate and the undefined name, got %v", got[0])
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], got[0]) {
			t.Errorf("reader %d saw %v, reader 0 %v", i, got[i], got[0])
		}
	}
}
