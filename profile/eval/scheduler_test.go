package eval

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// collector gathers onResult calls.
type collector struct {
	mu   sync.Mutex
	got  map[string][]Result
	each chan string
}

func newCollector() *collector {
	return &collector{got: map[string][]Result{}, each: make(chan string, 100)}
}

func (c *collector) on(key string, r Result) {
	c.mu.Lock()
	c.got[key] = append(c.got[key], r)
	c.mu.Unlock()
	c.each <- key
}

func (c *collector) results(key string) []Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Result(nil), c.got[key]...)
}

// wait blocks for n results (a generous guard so a bug fails, not hangs).
func (c *collector) wait(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-c.each:
		case <-time.After(60 * time.Second):
			t.Fatalf("result %d of %d never came", i+1, n)
		}
	}
}

func newTestScheduler(t *testing.T, opts Options) (*Scheduler, *collector, *pids) {
	c := newCollector()
	s := NewScheduler(opts, c.on)
	p := &pids{}
	s.ev.pidHook = p.add
	t.Cleanup(s.Close)
	return s, c, p
}

// TestBurst: 50 quick edits give at most 2 evaluations, and the one result
// is the last text's.
func TestBurst(t *testing.T) {
	opts := testOptions(t)
	s, c, _ := newTestScheduler(t, opts)
	path := fixture(t, "relative/burst.nix")
	var last string
	for i := 0; i < 50; i++ {
		last = fmt.Sprintf("{ manifest.pod.name = \"edit-%d\"; }\n", i)
		s.Submit(path, Request{Path: path, Text: []byte(last)}, false)
		time.Sleep(2 * time.Millisecond)
	}
	c.wait(t, 1)
	s.Close()
	st := s.Stats()
	rs := c.results(path)
	t.Logf("burst of 50: %d evaluations, %d results", st.Started, len(rs))
	if st.Started > 2 || len(rs) != 1 {
		t.Fatalf("stats %+v, %d results", st, len(rs))
	}
	if want := `{"manifest":{"pod":{"name":"edit-49"}}}`; string(rs[0].Artifact) != want {
		t.Fatalf("final artifact %s, want %s", rs[0].Artifact, want)
	}
}

// TestSupersededIsKilled: a save during a running evaluation kills it;
// only the newer result is reported.
func TestSupersededIsKilled(t *testing.T) {
	opts := testOptions(t)
	started := make(chan string, 10)
	opts.OnStart = func(key string) { started <- key }
	s, c, p := newTestScheduler(t, opts)
	path := fixture(t, "relative/super.nix")
	s.Submit(path, Request{Path: path, Text: []byte(busyLoop)}, true)
	<-started
	s.Submit(path, Request{Path: path, Text: []byte("{ v = 1; }\n")}, true)
	c.wait(t, 1)
	s.Close()
	rs := c.results(path)
	if len(rs) != 1 || string(rs[0].Artifact) != `{"v":1}` {
		t.Fatalf("results %+v", rs)
	}
	assertNoProcesses(t, p.all())
}

// TestCancelAndClose: Cancel kills without a report; Close kills all
// running evaluations and leaves no process.
func TestCancelAndClose(t *testing.T) {
	opts := testOptions(t)
	opts.MaxConcurrent = 2
	started := make(chan string, 10)
	opts.OnStart = func(key string) { started <- key }
	s, c, p := newTestScheduler(t, opts)
	for i := 0; i < 3; i++ {
		path := fixture(t, fmt.Sprintf("relative/loop%d.nix", i))
		s.Submit(path, Request{Path: path, Text: []byte(busyLoop)}, true)
	}
	first := <-started
	<-started
	s.Cancel(first)
	<-started // the third starts once the first is gone
	if n := s.Running(); n > 2 {
		t.Fatalf("%d running, limit 2", n)
	}
	s.Close()
	st := s.Stats()
	if st.MaxRunning != 2 || st.Running != 0 || st.Delivered != 0 {
		t.Fatalf("stats %+v", st)
	}
	assertNoProcesses(t, p.all())
	select {
	case k := <-c.each:
		t.Fatalf("a result for %s was reported after Cancel/Close", k)
	default:
	}
}

// TestSchedulerCache: an unchanged profile is never evaluated twice.
func TestSchedulerCache(t *testing.T) {
	opts := testOptions(t)
	s, c, _ := newTestScheduler(t, opts)
	path := fixture(t, "profile/profile.nix")
	s.Submit(path, Request{Path: path}, true)
	c.wait(t, 1)
	s.Submit(path, Request{Path: path}, true)
	c.wait(t, 1)
	st := s.Stats()
	rs := c.results(path)
	if st.Started != 1 || st.CacheHits != 1 || !rs[1].Cached || string(rs[1].Artifact) != string(rs[0].Artifact) {
		t.Fatalf("stats %+v, cached=%v", st, rs[1].Cached)
	}
}

// TestImportChangeReevaluates: resubmitting a profile after one of its
// imports changed on disk runs Nix again and reports the new value.
func TestImportChangeReevaluates(t *testing.T) {
	opts := testOptions(t)
	s, c, _ := newTestScheduler(t, opts)
	dir := t.TempDir()
	path := writeFile(t, dir, "p.nix", "{ manifest.model = import ./m.nix; }\n")
	dep := writeFile(t, dir, "m.nix", "{ scheme = \"one\"; }\n")
	s.Submit(path, Request{Path: path, Deps: []string{dep}}, true)
	c.wait(t, 1)
	writeFile(t, dir, "m.nix", "{ scheme = \"two\"; }\n")
	s.Submit(path, Request{Path: path, Deps: []string{dep}}, true)
	c.wait(t, 1)
	rs := c.results(path)
	if st := s.Stats(); st.Started != 2 || string(rs[1].Artifact) != `{"manifest":{"model":{"scheme":"two"}}}` {
		t.Fatalf("stats %+v, artifact %s", st, rs[1].Artifact)
	}
	if len(rs[1].Deps) != 1 || rs[1].Deps[0] != dep {
		t.Fatalf("deps %v", rs[1].Deps)
	}
}

// TestSameRequestInFlightRunsOnce: submitting the request already being
// evaluated (a profile opened while the workspace index evaluates it)
// starts no second Nix and delivers one result; a different text still
// supersedes it.
func TestSameRequestInFlightRunsOnce(t *testing.T) {
	opts := testOptions(t)
	started := make(chan string, 10)
	opts.OnStart = func(key string) { started <- key }
	s, c, _ := newTestScheduler(t, opts)
	dir := t.TempDir()
	path := writeFile(t, dir, "p.nix", "")
	// About a second of work, so the second Submit finds it in flight.
	slow := "{ v = builtins.foldl' (a: i: builtins.foldl' (b: j: b + 1) a (builtins.genList (x: x) 1000)) 0 (builtins.genList (x: x) 1000); }\n"
	s.Submit(path, Request{Path: path, Text: []byte(slow)}, true)
	<-started
	s.Submit(path, Request{Path: path, Text: []byte(slow)}, false)
	c.wait(t, 1)
	if st := s.Stats(); st.Started != 1 || st.Joined != 1 || st.Delivered != 1 {
		t.Fatalf("same request in flight ran again: %+v", st)
	}
	s.Submit(path, Request{Path: path, Text: []byte(busyLoop)}, true)
	<-started
	s.Submit(path, Request{Path: path, Text: []byte("{ v = 2; }\n")}, true)
	c.wait(t, 1)
	rs := c.results(path)
	if st := s.Stats(); st.Started != 3 || string(rs[len(rs)-1].Artifact) != `{"v":2}` {
		t.Fatalf("a new text did not supersede the running one: %+v, %s", st, rs[len(rs)-1].Artifact)
	}
}
