package hostile

import (
	"fmt"
	"path/filepath"
	"runtime"
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
	seen, last := 0, 0
	// The pool refills after each take, and an evicted process takes a
	// moment to be reaped: in flight there may be a few more (never more
	// than the pool plus one per CPU); once settled, at most four stay.
	deadline := time.Now().Add(6 * time.Second)
	for time.Now().Before(deadline) {
		n := len(c.p.NixChildren())
		if n > 4+runtime.NumCPU() {
			t.Fatalf("%d Nix processes after the evaluations, want at most 4 idle plus %d in flight: %+v", n, runtime.NumCPU(), c.p.NixChildren())
		}
		seen, last = max(seen, n), n
		time.Sleep(200 * time.Millisecond)
	}
	if last > 4 {
		t.Errorf("%d Nix processes once settled, want at most 4 idle: %+v", last, c.p.NixChildren())
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
