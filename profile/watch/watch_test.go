package watch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// collector gathers batches; waitFor blocks until a batch holds path.
type collector struct {
	t       *testing.T
	batches chan []string
	seen    [][]string
}

func newCollector(t *testing.T) (*collector, *Watcher) { return newHookedCollector(t, nil) }

// newHookedCollector is newCollector with Options.beforeAdd set.
func newHookedCollector(t *testing.T, beforeAdd func(dir string)) (*collector, *Watcher) {
	c := &collector{t: t, batches: make(chan []string, 100)}
	w, err := NewWithOptions(func(b []string) { c.batches <- b }, Options{Quiet: 20 * time.Millisecond, beforeAdd: beforeAdd})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return c, w
}

// waitFor fails the test if no batch mentions path within a generous bound
// (a liveness guard, not a timing assertion).
func (c *collector) waitFor(path string) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case b := <-c.batches:
			c.seen = append(c.seen, b)
			if slices.Contains(b, path) {
				return
			}
		case <-deadline:
			c.t.Fatalf("no batch reported %s; got %v", path, c.seen)
		}
	}
}

func (c *collector) everSeen(path string) bool {
	for _, b := range c.seen {
		if slices.Contains(b, path) {
			return true
		}
	}
	return false
}

func realTemp(t *testing.T) string {
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAtomicSaveDeleteAndNoise(t *testing.T) {
	dir := realTemp(t)
	target := filepath.Join(dir, "profiles.toml")
	testenv.Write(t, target, "a")
	c, w := newCollector(t)
	if err := w.Set([]string{target}); err != nil {
		t.Fatal(err)
	}
	// Noise in the same folder is not reported.
	testenv.Write(t, filepath.Join(dir, "unrelated.txt"), "x")
	// Atomic save: write a temp file, rename it over the target.
	tmp := filepath.Join(dir, ".profiles.toml.tmp")
	testenv.Write(t, tmp, "b")
	if err := os.Rename(tmp, target); err != nil {
		t.Fatal(err)
	}
	c.waitFor(target)
	if c.everSeen(filepath.Join(dir, "unrelated.txt")) || c.everSeen(tmp) {
		t.Fatalf("unrelated paths reported: %v", c.seen)
	}
	// The target keeps being watched after the rename replaced it.
	testenv.Write(t, target, "c")
	c.waitFor(target)
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	c.waitFor(target)
}

func TestNewFoldersOnTheWay(t *testing.T) {
	root := realTemp(t)
	target := filepath.Join(root, "proj", ".insomnia", "profiles.toml")
	c, w := newCollector(t)
	if err := w.Set([]string{target}); err != nil {
		t.Fatal(err)
	}
	if got := w.Watched(); !slices.Equal(got, []string{root}) {
		t.Fatalf("watched %v, want only the nearest existing folder", got)
	}
	testenv.Write(t, target, "default = \"x\"\n")
	c.waitFor(target)
	// Now its own folder is watched, and later edits are seen.
	if got := w.Watched(); !slices.Contains(got, filepath.Dir(target)) {
		t.Fatalf("watched %v", got)
	}
	testenv.Write(t, target, "default = \"y\"\n")
	c.waitFor(target)
	// The folder is removed and re-created: still followed.
	if err := os.RemoveAll(filepath.Join(root, "proj")); err != nil {
		t.Fatal(err)
	}
	c.waitFor(target)
	testenv.Write(t, target, "again")
	c.waitFor(target)
}

func TestWantedFolderReportsChildren(t *testing.T) {
	builtin := filepath.Join(realTemp(t), "profiles")
	if err := os.Mkdir(builtin, 0o755); err != nil {
		t.Fatal(err)
	}
	c, w := newCollector(t)
	if err := w.Set([]string{builtin}); err != nil {
		t.Fatal(err)
	}
	nix := filepath.Join(builtin, "coder.nix")
	testenv.Write(t, nix, "{}")
	c.waitFor(nix)
	// A new subfolder and then its profile.nix (builtin dir convention).
	sub := filepath.Join(builtin, "team", "profile.nix")
	if err := os.Mkdir(filepath.Dir(sub), 0o755); err != nil {
		t.Fatal(err)
	}
	c.waitFor(filepath.Dir(sub))
	testenv.Write(t, sub, "{}")
	c.waitFor(sub)
}

func TestSetReplacesAndStaysBounded(t *testing.T) {
	root := realTemp(t)
	a, b := filepath.Join(root, "a", "x.nix"), filepath.Join(root, "b", "y.nix")
	testenv.Write(t, a, "{}")
	testenv.Write(t, b, "{}")
	c, w := newCollector(t)
	var many []string
	for i := 0; i < 500; i++ {
		many = append(many, a, filepath.Join(root, "a", "n"+strings.Repeat("x", i%7)+".nix"))
	}
	if err := w.Set(many); err != nil {
		t.Fatal(err)
	}
	if got := w.Watched(); !slices.Equal(got, []string{filepath.Join(root, "a")}) {
		t.Fatalf("500 files in one folder must need one watch, got %v", got)
	}
	if err := w.Set([]string{b}); err != nil {
		t.Fatal(err)
	}
	if got := w.Watched(); !slices.Equal(got, []string{filepath.Join(root, "b")}) {
		t.Fatalf("after replace: %v", got)
	}
	testenv.Write(t, a, "changed") // no longer wanted
	testenv.Write(t, b, "changed")
	c.waitFor(b)
	if c.everSeen(a) {
		t.Fatalf("a is no longer watched: %v", c.seen)
	}
}

// A burst becomes one batch of unique paths: the batch timer is driven by
// the test, and it fires only after every event has been taken in.
func TestBurstIsOneBatch(t *testing.T) {
	dir := realTemp(t)
	var paths []string
	for i := 0; i < 20; i++ {
		paths = append(paths, filepath.Join(dir, "p"+string(rune('a'+i))+".nix"))
	}
	fire := make(chan time.Time)
	full := make(chan struct{}, 1)
	batches := make(chan []string, 10)
	opts := Options{
		after: func(time.Duration) <-chan time.Time { return fire },
		added: func(n int) {
			if n == len(paths) {
				select { // later rounds hit 20 again: never block the loop
				case full <- struct{}{}:
				default:
				}
			}
		},
	}
	w, err := NewWithOptions(func(b []string) { batches <- b }, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Set(paths); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ { // every file written 3 times
		for _, p := range paths {
			testenv.Write(t, p, "x")
		}
	}
	select {
	case <-full:
	case <-time.After(10 * time.Second):
		t.Fatal("events never arrived")
	}
	fire <- time.Now()
	b := <-batches
	if !slices.Equal(b, paths) {
		t.Fatalf("batch %v, want the 20 paths once each", b)
	}
	select {
	case extra := <-batches:
		t.Fatalf("a second batch without the timer firing: %v", extra)
	default:
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	w, err := New(func([]string) {})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// A folder removed between the look and its watch (RemoveAll racing the
// event of the folder below it): the watcher climbs to the parent instead
// of ending up watching nothing.
func TestFolderGoneBeforeItsWatch(t *testing.T) {
	root := realTemp(t)
	proj := filepath.Join(root, "proj")
	target := filepath.Join(proj, ".insomnia", "profiles.toml")
	if err := os.Mkdir(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	removed := false
	c, w := newHookedCollector(t, func(dir string) {
		if dir == proj && !removed {
			removed = true
			_ = os.RemoveAll(proj)
		}
	})
	if err := w.Set([]string{target}); err != nil {
		t.Fatal(err)
	}
	if got := w.Watched(); !removed || !slices.Equal(got, []string{root}) {
		t.Fatalf("watched %v (hook ran: %v), want the parent of the vanished folder", got, removed)
	}
	testenv.Write(t, target, "default = \"x\"\n")
	c.waitFor(target)
}

// A folder created between the look and the watch of its parent made no
// event the watcher could see: it looks again and watches the new folder.
func TestFolderAppearedBeforeItsParentsWatch(t *testing.T) {
	root := realTemp(t)
	target := filepath.Join(root, "proj", ".insomnia", "profiles.toml")
	created := false
	c, w := newHookedCollector(t, func(dir string) {
		if dir == root && !created {
			created = true
			testenv.Write(t, target, "default = \"x\"\n")
		}
	})
	if err := w.Set([]string{target}); err != nil {
		t.Fatal(err)
	}
	if got := w.Watched(); !created || !slices.Equal(got, []string{filepath.Dir(target)}) {
		t.Fatalf("watched %v (hook ran: %v), want the folder that appeared", got, created)
	}
	testenv.Write(t, target, "default = \"y\"\n")
	c.waitFor(target)
}
