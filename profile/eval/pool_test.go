package eval

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// prestartOptions are testOptions with the pool on.
func prestartOptions(t *testing.T, trusted bool) Options {
	opts := testOptions(t)
	opts.Prestart, opts.Trusted = true, trusted
	return opts
}

// awaitIdle waits until the pool holds n idle processes (a generous guard
// so a bug fails instead of hanging; nothing here is timed).
func awaitIdle(t *testing.T, e *Evaluator, n int) []int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(e.IdlePids()) != n {
		if time.Now().After(deadline) {
			t.Fatalf("pool never held %d idle processes (stats %+v)", n, e.PoolStats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return e.IdlePids()
}

// evalFresh evaluates with an empty cache, so Nix runs every time.
func evalFresh(e *Evaluator, req Request) Result {
	e.cache = NewCache(e.opts.CacheCount, e.opts.CacheBytes)
	return e.Evaluate(context.Background(), req)
}

// TestPrestartedEqualsCold: a pre-started process gives what a cold run
// of the same request gives, and it was really used.
func TestPrestartedEqualsCold(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		t.Run(strconv.FormatBool(trusted), func(t *testing.T) {
			opts := prestartOptions(t, trusted)
			path := filepath.Join(opts.ResourcesDir, "nix", "profiles", "default.nix")
			e := NewEvaluator(opts)
			t.Cleanup(e.Close)
			cold := evalFresh(e, Request{Path: path})
			awaitIdle(t, e, 1)
			warm := evalFresh(e, Request{Path: path})
			if st := e.PoolStats(); st.Hits != 1 || st.Misses != 1 {
				t.Fatalf("want one cold run then one pre-started: %+v", st)
			}
			if cold.Failure != nil || warm.Failure != nil {
				t.Fatalf("failures: cold %v, warm %v", cold.Failure, warm.Failure)
			}
			if !bytes.Equal(cold.Artifact, warm.Artifact) || len(cold.Positions) != len(warm.Positions) {
				t.Fatalf("pre-started result differs:\ncold %s\nwarm %s", cold.Artifact, warm.Artifact)
			}
		})
	}
}

// TestPrestartedSeesChangedImport: an import changed after the idle
// process started gives the new value, and the process that started before
// the change was not used (the request names no deps: what Nix read last
// time is enough).
func TestPrestartedSeesChangedImport(t *testing.T) {
	opts := prestartOptions(t, true)
	dir := t.TempDir()
	writeFile(t, dir, "x.nix", "1\n")
	path := writeFile(t, dir, "p.nix", "{ v = import ./x.nix; }\n")
	e := NewEvaluator(opts)
	t.Cleanup(e.Close)
	if r := evalFresh(e, Request{Path: path}); string(r.Artifact) != `{"v":1}` {
		t.Fatalf("first: %s %v", r.Artifact, r.Failure)
	}
	before := awaitIdle(t, e, 1)
	writeFile(t, dir, "x.nix", "2\n")
	r := evalFresh(e, Request{Path: path})
	if string(r.Artifact) != `{"v":2}` {
		t.Fatalf("after the change: %s %v", r.Artifact, r.Failure)
	}
	if st := e.PoolStats(); st.Stale != 1 || st.Hits != 0 {
		t.Fatalf("the process started before the change was used: %+v", st)
	}
	for _, pid := range before {
		awaitGone(t, pid)
	}
}

// TestCloseKillsIdle: Close leaves no idle process, zombie or sandbox.
func TestCloseKillsIdle(t *testing.T) {
	opts := prestartOptions(t, false)
	opts.Roots = []string{opts.ResourcesDir}
	s := NewScheduler(opts, func(string, Result) {})
	path := filepath.Join(opts.ResourcesDir, "nix", "profiles", "default.nix")
	if r := evalFresh(s.ev, Request{Path: path}); r.Failure != nil {
		t.Fatal(r.Failure)
	}
	pids := awaitIdle(t, s.ev, 1)
	home := envOf(t, pids[0], "HOME")
	if _, err := os.Stat(home); err != nil || !strings.Contains(home, "insomnia-lsp-sandbox-") {
		t.Fatalf("idle untrusted process has no sandbox home: %q %v", home, err)
	}
	s.Close()
	for _, pid := range pids {
		if _, _, st, ok := procStat(pid); ok {
			t.Errorf("idle Nix %d survived Close (state %s)", pid, st)
		}
	}
	if _, err := os.Stat(filepath.Dir(home)); !os.IsNotExist(err) {
		t.Errorf("sandbox %s left after Close: %v", filepath.Dir(home), err)
	}
}

// TestOtherOptionsTakeNoIdle: a restricted request never uses a process
// started for a trusted one (their argv, environment and sandbox differ),
// and closing the evaluator of the old options kills its process.
func TestOtherOptionsTakeNoIdle(t *testing.T) {
	opts := prestartOptions(t, true)
	path := filepath.Join(opts.ResourcesDir, "nix", "profiles", "default.nix")
	e := NewEvaluator(opts)
	t.Cleanup(e.Close)
	evalFresh(e, Request{Path: path})
	trustedPid := awaitIdle(t, e, 1)[0]
	if r := evalFresh(e, Request{Path: path, Restricted: true}); r.Failure != nil {
		t.Fatal(r.Failure)
	}
	if st := e.PoolStats(); st.Hits != 0 || st.Misses != 2 {
		t.Fatalf("restricted request took the trusted process: %+v", st)
	}
	awaitIdle(t, e, 2)
	e.Close()
	awaitGone(t, trustedPid)
	if n := len(e.IdlePids()); n != 0 {
		t.Fatalf("%d idle after Close", n)
	}
}

// awaitGone waits until pid no longer exists.
func awaitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, _, _, ok := procStat(pid); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d still exists", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// envOf reads one variable of a live process's environment.
func envOf(t *testing.T, pid int, name string) string {
	t.Helper()
	data := testenv.Read(t, "/proc/"+strconv.Itoa(pid)+"/environ")
	for _, kv := range strings.Split(string(data), "\x00") {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// TestPoolBoundUnderRace: many keys replenished at once, their starts
// finishing together, never leave more than poolMaxIdle processes alive
// once the starts are done (two starts that both saw room for one more
// used to file both). The children are `sleep`, so the case runs many
// rounds cheaply; each round checks the processes really alive.
func TestPoolBoundUnderRace(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	for round := range 20 {
		var mu sync.Mutex
		var started []*child
		gate := make(chan struct{})
		p := newPool(func(procPlan) (*child, error) {
			<-gate // every start finishes at about the same time
			c, err := startChild(runSpec{argv: []string{sleep, "60"}}, true)
			if err == nil {
				mu.Lock()
				started = append(started, c)
				mu.Unlock()
			}
			return c, err
		})
		for k := range 2 * poolMaxIdle {
			plan := procPlan{argv: []string{"nix", strconv.Itoa(k)}}
			p.take(plan, nil) // a miss marks the key as used
			p.replenish(plan)
			if k == poolMaxIdle {
				close(gate)
			}
		}
		p.wg.Wait()
		// Keys replenished after the first starts were filed: once more,
		// now that some are idle and others start.
		for k := range 2 * poolMaxIdle {
			p.replenish(procPlan{argv: []string{"nix", strconv.Itoa(k)}})
		}
		p.wg.Wait()
		alive := 0
		mu.Lock()
		for _, c := range started {
			if c.alive() {
				alive++
			}
		}
		mu.Unlock()
		p.close()
		if alive > poolMaxIdle {
			t.Fatalf("round %d: %d processes alive once the starts were done, want at most %d", round, alive, poolMaxIdle)
		}
	}
}
