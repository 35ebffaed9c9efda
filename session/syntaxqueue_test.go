package session

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.lsp.dev/uri"
)

// Every job runs, one at a time, in the order added; wait sees them done.
func TestSyntaxQueueOrder(t *testing.T) {
	q := newSyntaxQueue()
	var got []int // only jobs touch it, and they never overlap
	for i := range 200 {
		q.add(func() { got = append(got, i) })
	}
	q.wait()
	if len(got) != 200 {
		t.Fatalf("%d of 200 jobs ran", len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("job %d ran as %d: out of order", v, i)
		}
	}
}

// Adds from several goroutines (run with -race): all run, never two at once.
func TestSyntaxQueueConcurrentAdds(t *testing.T) {
	q := newSyntaxQueue()
	var mu sync.Mutex // guards running and ran
	running, ran := 0, 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				q.add(func() {
					mu.Lock()
					running++
					if running > 1 {
						t.Error("two jobs at once")
					}
					mu.Unlock()
					mu.Lock()
					running--
					ran++
					mu.Unlock()
				})
			}
		}()
	}
	wg.Wait()
	q.wait()
	if ran != 400 {
		t.Fatalf("%d of 400 jobs ran", ran)
	}
}

// A change's syntax layer is computed off the caller, and Diagnostics
// waits for it: a code action right after a change sees that version's.
func TestDiagnosticsAfterChangeAreTheChanges(t *testing.T) {
	w := New(Options{Cwd: t.TempDir()})
	dir := filepath.Join(t.TempDir(), ".insomnia")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "profiles.toml"), nil, 0o644); err != nil { // makes the folder a project's
		t.Fatal(err)
	}
	path := filepath.Join(dir, "p.nix")
	u := uri.File(path)
	for i, text := range []string{"{ a = 1; a = 2; }", "{ a = 1; }", "{ a = 1; a = 2; b = 1; b = 2; }"} {
		w.Change(NewDocument(u, int32(i), []byte(text)))
		dups := 0
		for _, d := range w.Diagnostics(path) {
			if d.Code == "duplicate-attribute" {
				dups++
			}
		}
		if want := []int{1, 0, 2}[i]; dups != want {
			t.Fatalf("version %d: %d duplicate-attribute diagnostics, want %d", i, dups, want)
		}
	}
}
