// Package watch tells the server which of a bounded set of files changed,
// in batches. It watches the parent folders of the given paths (never a
// tree recursively), so atomic saves (temp file + rename), deletes and
// files appearing in new folders are all seen.
//
//	w, err := watch.New(func(paths []string) { ... })
//	w.Set([]string{registry, builtinDir, profile, import, secretStore})
//	defer w.Close()
package watch

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options tune batching.
type Options struct {
	// Quiet is how long no relevant event must arrive before a batch is
	// delivered (default 75 ms).
	Quiet time.Duration
	// MaxDelay bounds how long a batch can wait under a continuous stream of
	// events (default 1 s).
	MaxDelay time.Duration

	// after replaces time.After in tests that drive the batch timer.
	after func(time.Duration) <-chan time.Time
	// added is a test hook called with the pending set after each event.
	added func(pending int)
	// beforeAdd is a test hook run just before a folder's watch is added
	// (a test removes or creates folders there to hit the races).
	beforeAdd func(dir string)
}

// Watcher watches a set of files and folders. A wanted folder (such as the
// builtin profiles dir) reports changes of its direct children, including
// profile.nix inside its direct subfolders.
type Watcher struct {
	fw      *fsnotify.Watcher
	onBatch func([]string)
	opts    Options

	mu     sync.Mutex      // guards wanted and dirs
	wanted map[string]bool // cleaned absolute paths asked for
	dirs   map[string]bool // folders currently watched

	done chan struct{}
	wg   sync.WaitGroup
}

// New starts a watcher with default options; onBatch runs on the watcher's
// goroutine, one call at a time, with sorted unique paths.
func New(onBatch func([]string)) (*Watcher, error) {
	return NewWithOptions(onBatch, Options{})
}

// NewWithOptions starts a watcher with the given batching options.
func NewWithOptions(onBatch func([]string), opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = 75 * time.Millisecond
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = time.Second
	}
	if opts.after == nil {
		opts.after = time.After
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{fw: fw, onBatch: onBatch, opts: opts,
		wanted: map[string]bool{}, dirs: map[string]bool{}, done: make(chan struct{})}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Close stops watching and waits for the goroutine (and a running onBatch).
func (w *Watcher) Close() error {
	select {
	case <-w.done:
		return nil
	default:
	}
	close(w.done)
	err := w.fw.Close()
	w.wg.Wait()
	return err
}

// Set replaces the watched set. Paths that do not exist yet are fine: the
// nearest existing ancestor folder is watched until they appear.
func (w *Watcher) Set(paths []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wanted = map[string]bool{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			w.wanted[abs] = true
		}
	}
	return w.syncLocked()
}

// Watched lists the folders being watched (for logs and tests).
func (w *Watcher) Watched() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.dirs))
}

// syncLocked makes the watched folders match the wanted paths. Folders can
// vanish or appear between the look and the watch (inotify sees nothing in
// a folder before its watch is added), so after a round that added or
// missed a watch it looks again, until what it watches is what it finds: a
// folder gone before its watch means its parent is watched instead, one
// that appeared is watched too. A round that changed nothing needs no
// second look, so a settled tree costs one look per call.
func (w *Watcher) syncLocked() error {
	var errs []error
	want := w.wantedFolders()
	for round := 0; round < maxSyncRounds; round++ {
		added, missed := false, false
		for _, d := range slices.Sorted(maps.Keys(want)) {
			if w.dirs[d] {
				continue
			}
			if w.opts.beforeAdd != nil {
				w.opts.beforeAdd(d)
			}
			if err := w.fw.Add(d); err != nil {
				if errors.Is(err, os.ErrNotExist) {
					missed = true // gone since the look: the next round watches its parent
				} else {
					errs = append(errs, err)
				}
				continue
			}
			w.dirs[d] = true
			added = true
		}
		for d := range w.dirs {
			if !want[d] {
				_ = w.fw.Remove(d) // fails harmlessly if the folder is gone
				delete(w.dirs, d)
			}
		}
		if !added && !missed {
			break
		}
		next := w.wantedFolders()
		if !missed && maps.Equal(want, next) {
			break
		}
		want = next
	}
	return errors.Join(errs...)
}

// maxSyncRounds bounds syncLocked against a folder tree that keeps changing
// under it; the next event resyncs again.
const maxSyncRounds = 16

// wantedFolders is the set of folders the wanted paths need watched now.
func (w *Watcher) wantedFolders() map[string]bool {
	want := map[string]bool{}
	for p := range w.wanted {
		for _, d := range foldersFor(p) {
			want[d] = true
		}
	}
	return want
}

// foldersFor: the nearest existing folder holding p; for an existing folder
// p, also p and its direct subfolders (builtin */profile.nix).
func foldersFor(p string) []string {
	var out []string
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		out = append(out, p)
		if des, err := os.ReadDir(p); err == nil {
			for _, de := range des {
				if de.IsDir() {
					out = append(out, filepath.Join(p, de.Name()))
				}
			}
		}
	}
	d := filepath.Dir(p)
	for {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return append(out, d)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return out
		}
		d = parent
	}
}

// relevant maps one event to the wanted paths it may have changed, and
// says whether the watched folders must be recomputed.
func (w *Watcher) relevant(ev fsnotify.Event) (paths []string, resync bool) {
	if ev.Op == fsnotify.Chmod {
		return nil, false
	}
	name := filepath.Clean(ev.Name)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dirs[name] && ev.Op.Has(fsnotify.Remove|fsnotify.Rename) {
		resync = true
	}
	for p := range w.wanted {
		switch {
		case p == name:
			paths = append(paths, p)
			resync = resync || isDir(name) || ev.Op.Has(fsnotify.Remove|fsnotify.Rename)
		case within(name, p) && strings.Count(rel(p, name), string(filepath.Separator)) <= 1:
			paths = append(paths, name) // a child (or grandchild) of a wanted folder
			resync = resync || isDir(name)
		case within(p, name):
			// A folder on the way to a wanted path appeared or went away.
			resync = true
			paths = append(paths, p)
		}
	}
	if resync {
		_ = w.syncLocked() // a wanted path under a folder that came or went is in paths already
	}
	return paths, resync
}

func (w *Watcher) loop() {
	defer w.wg.Done()
	pending := map[string]bool{}
	var timer <-chan time.Time
	var first time.Time
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			paths, _ := w.relevant(ev)
			if len(paths) == 0 {
				continue
			}
			if len(pending) == 0 {
				first = time.Now()
			}
			for _, p := range paths {
				pending[p] = true
			}
			timer = w.opts.after(w.wait(first))
			if w.opts.added != nil {
				w.opts.added(len(pending))
			}
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.markAll(pending) // events were lost: everything may have changed
				timer = w.opts.after(0)
			}
		case <-timer:
			timer = nil
			if len(pending) > 0 {
				batch := slices.Sorted(maps.Keys(pending))
				pending = map[string]bool{}
				w.onBatch(batch)
			}
		}
	}
}

// wait is the quiet period, shortened so no batch waits past MaxDelay.
func (w *Watcher) wait(first time.Time) time.Duration {
	left := w.opts.MaxDelay - time.Since(first)
	if left < w.opts.Quiet {
		if left < 0 {
			return 0
		}
		return left
	}
	return w.opts.Quiet
}

func (w *Watcher) markAll(pending map[string]bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.wanted {
		pending[p] = true
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// within reports whether path is strictly inside root.
func within(path, root string) bool {
	r := rel(root, path)
	return r != "" && r != "." && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func rel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return ""
	}
	return r
}
