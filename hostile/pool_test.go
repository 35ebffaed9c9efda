package hostile

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestPrestartedPool: with the pool on (the default for users), profiles in
// six folders (six pool keys) leave at most four idle Nix processes, none
// evaluating, and none outlives the server (finish checks what is left
// under the workspace after exit).
func TestPrestartedPool(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"prestart": true}}})
	var paths []string
	for i := range 6 {
		paths = append(paths, c.open(filepath.Join(fmt.Sprintf("f%d", i), "p.nix"), profile(t, "  pod.name = \"p\";\n")))
	}
	for _, p := range paths {
		if err := c.p.WaitFor(awaitLong, func() bool { s := lastState(c.p, p); return s == "ok" || s == "error" }); err != nil {
			t.Fatalf("%s never finished: %v", p, err)
		}
	}
	seen := 0
	// The pool refills after each take: give it a moment, then it must stay
	// within its bound.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		n := len(c.p.NixChildren())
		if n > 4 {
			t.Fatalf("%d Nix processes idle after the evaluations, want at most 4: %+v", n, c.p.NixChildren())
		}
		seen = max(seen, n)
		time.Sleep(200 * time.Millisecond)
	}
	if seen == 0 {
		t.Errorf("no pre-started Nix process seen: the pool is not on, so this case proves nothing")
	}
	// Idle processes are the pool's by design: healthy's "no Nix left"
	// does not apply while the server runs; finish checks after exit.
	if _, err := c.p.Hover(paths[0], 0, 0); err != nil {
		t.Errorf("hover after the case: %v", err)
	}
}
