package eval

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// busyLoop spins for minutes in constant memory (a billion additions).
const busyLoop = "builtins.foldl' (a: i: builtins.foldl' (b: j: b + 1) a (builtins.genList (x: x) 1000)) 0 (builtins.genList (x: x) 1000000)\n"

// pids records the Nix processes an evaluator starts.
type pids struct {
	mu   sync.Mutex
	list []int
}

func (p *pids) add(pid int) { p.mu.Lock(); p.list = append(p.list, pid); p.mu.Unlock() }

func (p *pids) all() []int { p.mu.Lock(); defer p.mu.Unlock(); return append([]int(nil), p.list...) }

func trackedEvaluator(opts Options) (*Evaluator, *pids) {
	e := NewEvaluator(opts)
	p := &pids{}
	e.pidHook = p.add
	return e, p
}

// procStat reads (ppid, pgrp, state) of a live process.
func procStat(pid int) (ppid, pgrp int, state string, ok bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, "", false
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ppid, _ = strconv.Atoi(f[1])
	pgrp, _ = strconv.Atoi(f[2])
	return ppid, pgrp, f[0], true
}

// assertNoProcesses fails if any started Nix, anything in its process
// group, or any child of ours (zombies included) is left.
func assertNoProcesses(t *testing.T, started []int) {
	t.Helper()
	if len(started) == 0 {
		t.Fatal("no Nix process was started")
	}
	groups := map[int]bool{}
	for _, pid := range started {
		groups[pid] = true
		if _, _, st, ok := procStat(pid); ok {
			t.Errorf("Nix pid %d still exists (state %s)", pid, st)
		}
	}
	entries, _ := os.ReadDir("/proc")
	me := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, pgrp, st, ok := procStat(pid)
		if ok && (groups[pgrp] || ppid == me) {
			t.Errorf("process %d left (ppid %d, group %d, state %s)", pid, ppid, pgrp, st)
		}
	}
}

func TestTimeoutKillsLoop(t *testing.T) {
	opts := testOptions(t)
	opts.Timeout = time.Second
	e, started := trackedEvaluator(opts)
	r := e.Evaluate(context.Background(), Request{Path: fixture(t, "relative/loop.nix"), Text: []byte(busyLoop)})
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeTimeout || r.Failure.Message != "evaluation stopped after 1 s: infinite loop?" {
		t.Fatalf("got %+v", r.Failure)
	}
	assertNoProcesses(t, started.all())
	// A timeout depends on load, so it is not cached.
	if e.Cache().Len() != 0 {
		t.Fatalf("timeout was cached")
	}
}

func TestCancelKillsGroup(t *testing.T) {
	opts := testOptions(t)
	e, started := trackedEvaluator(opts)
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once Nix runs; the hook fires right after start.
	e.pidHook = func(pid int) { started.add(pid); go cancel() }
	r := e.Evaluate(ctx, Request{Path: fixture(t, "relative/loop.nix"), Text: []byte(busyLoop)})
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeCancelled {
		t.Fatalf("got %+v", r.Failure)
	}
	assertNoProcesses(t, started.all())
}

// TestCaps: an evaluation over a cap fails with the cap's kind and says
// which cap, and leaves no process behind.
func TestCaps(t *testing.T) {
	for _, c := range []struct {
		name, file, text, kind, says string
		set                          func(*Options)
	}{
		{"stdout", "relative/big.nix", `{ s = builtins.concatStringsSep "" (builtins.genList (x: "aaaaaaaaaa") 200000); }` + "\n",
			diagnostics.CodeOutputCap, "more than 64 KiB on stdout", func(o *Options) { o.MaxStdout = 64 << 10 }},
		{"memory", "relative/mem.nix", "{ n = builtins.length (builtins.genList (x: toString x) 20000000); }\n",
			diagnostics.CodeMemoryLimit, "256 MiB", func(o *Options) { o.MemoryLimit = 256 << 20 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions(t)
			c.set(&opts)
			e, started := trackedEvaluator(opts)
			r := e.Evaluate(context.Background(), Request{Path: fixture(t, c.file), Text: []byte(c.text)})
			if r.Failure == nil || r.Failure.Kind != c.kind || !strings.Contains(r.Failure.Message, c.says) {
				t.Fatalf("got %+v", r.Failure)
			}
			assertNoProcesses(t, started.all())
		})
	}
}

// TestEnvironmentPared: a profile cannot read our environment's secrets
// (a name off the allow-list; INSOMNIA_* is on it, see env.go).
func TestEnvironmentPared(t *testing.T) {
	opts := testOptions(t)
	t.Setenv("EDITOR_TEST_TOKEN", "do-not-leak")
	r := NewEvaluator(opts).Evaluate(context.Background(), Request{Path: fixture(t, "relative/env.nix"),
		Text: []byte(`{ t = builtins.getEnv "EDITOR_TEST_TOKEN"; h = builtins.getEnv "HOME" != ""; }`)})
	if r.Failure != nil || string(r.Artifact) != `{"h":true,"t":""}` {
		t.Fatalf("got %+v %s", r.Failure, r.Artifact)
	}
}

// TestRestrictedMode: untrusted profiles still read their folder and the
// bundled library, but not /etc/passwd, and fetch nothing.
func TestRestrictedMode(t *testing.T) {
	opts := testOptions(t)
	opts.Trusted = false
	path := fixture(t, "relative/untrusted.nix")
	lib := filepath.Join(opts.ResourcesDir, "nix", "profile-lib.nix")
	ok := "let lib = import " + nixString(lib) + " {}; in lib.mkProfile { name = \"u\"; manifest.model = import ./helper.nix; }\n"
	r := NewEvaluator(opts).Evaluate(context.Background(), Request{Path: path, Text: []byte(ok)})
	if r.Failure != nil {
		t.Fatalf("untrusted profile within bounds failed: %+v", r.Failure)
	}
	wantAt(t, r.Positions, "/profile/name", path, 0, strings.Index(ok, "name = "))
	for _, bad := range []string{
		"{ x = builtins.readFile /etc/passwd; }\n",
		"{ x = builtins.readFile \"/etc/passwd\"; }\n",
		"{ x = builtins.fetchurl \"http://127.0.0.1:9/x\"; }\n",
		"{ x = import ../../eval.go; }\n",
	} {
		r := NewEvaluator(opts).Evaluate(context.Background(), Request{Path: path, Text: []byte(bad)})
		if r.Failure == nil || r.Failure.Kind != diagnostics.CodeNixError || !strings.Contains(r.Failure.Message, "forbidden in restricted mode") {
			t.Errorf("%q: got %+v %s", bad, r.Failure, r.Artifact)
			continue
		}
		if strings.Contains(r.Failure.Message, "root:") || r.Failure.Location == nil {
			t.Errorf("%q: message %q, location %v", bad, r.Failure.Message, r.Failure.Location)
		}
	}
}

// TestKilledFromOutside: a signal we did not send is reported as such.
func TestKilledFromOutside(t *testing.T) {
	opts := testOptions(t)
	e := NewEvaluator(opts)
	p := &pids{}
	e.pidHook = func(pid int) { p.add(pid); go syscall.Kill(pid, syscall.SIGKILL) }
	r := e.Evaluate(context.Background(), Request{Path: fixture(t, "relative/loop.nix"), Text: []byte(busyLoop)})
	if r.Failure == nil || r.Failure.Kind != diagnostics.CodeKilled || !strings.Contains(r.Failure.Message, "killed") {
		t.Fatalf("got %+v", r.Failure)
	}
	assertNoProcesses(t, p.all())
}

// TestInvalidJSON: stdout that is not the wrapper's JSON (Nix cannot
// produce it, so the run outcome is built by hand).
func TestInvalidJSON(t *testing.T) {
	e := NewEvaluator(Options{})
	sm := newSourceMap("/p.nix", []byte("{}"), 1, "")
	for _, out := range []string{"", "{\"x\":", "[1]", `{"positions":[]}`} {
		r := e.interpret(runOutcome{stdout: []byte(out)}, sm)
		if r.Failure == nil || r.Failure.Kind != diagnostics.CodeInvalidJSON {
			t.Errorf("%q: got %+v", out, r.Failure)
		}
	}
}

// TestResourcesWithoutWrapper: a resources dir without our wrapper (an
// installed upstream one) still evaluates, and stays readable when untrusted.
func TestResourcesWithoutWrapper(t *testing.T) {
	needNix(t)
	upstream := t.TempDir()
	if err := os.MkdirAll(filepath.Join(upstream, "nix"), 0o755); err != nil {
		t.Fatal(err)
	}
	lib := writeFile(t, filepath.Join(upstream, "nix"), "profile-lib.nix", "{ }: { mkProfile = a: { manifest = a; }; }\n")
	opts := Options{ResourcesDir: upstream}
	text := "(import " + nixString(lib) + " {}).mkProfile { pod.name = \"x\"; }\n"
	r := NewEvaluator(opts).Evaluate(context.Background(), Request{Path: fixture(t, "relative/up.nix"), Text: []byte(text)})
	if r.Failure != nil || string(r.Artifact) != `{"manifest":{"pod":{"name":"x"}}}` {
		t.Fatalf("got %+v %s", r.Failure, r.Artifact)
	}
}
