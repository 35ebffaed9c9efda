package eval

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// countingNix writes a stand-in for nix-instantiate that logs each start
// and end to log, makes `--version` slow (so probes would overlap if each
// caller ran its own) and fails `--version` while failFile exists, then
// runs the real Nix.
func countingNix(t *testing.T, dir string) (program, log, failFile string) {
	t.Helper()
	real, err := exec.LookPath(DefaultProgram)
	if err != nil {
		t.Skip("nix-instantiate not on PATH: this test runs real Nix")
	}
	log, failFile = filepath.Join(dir, "calls.log"), filepath.Join(dir, "fail-version")
	script := fmt.Sprintf(`#!/bin/sh
echo "start $$ $1" >> %[1]q
if [ "$1" = "--version" ]; then
  sleep 0.3
  if [ -e %[2]q ]; then echo "end $$" >> %[1]q; exit 1; fi
fi
%[3]q "$@"
rc=$?
echo "end $$" >> %[1]q
exit $rc
`, log, failFile, real)
	program = writeFile(t, dir, "nix-instantiate", script)
	if err := os.Chmod(program, 0o755); err != nil {
		t.Fatal(err)
	}
	return program, log, failFile
}

// callStats reads the log: `--version` starts, all starts, and the most
// processes that were alive at once.
func callStats(t *testing.T, log string) (probes, starts, maxAlive int) {
	t.Helper()
	data := testenv.Read(t, log)
	alive := 0
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		switch f := strings.Fields(l); f[0] {
		case "start":
			starts++
			alive++
			maxAlive = max(maxAlive, alive)
			if len(f) > 2 && f[2] == "--version" {
				probes++
			}
		case "end":
			alive--
		}
	}
	return probes, starts, maxAlive
}

// TestVersionProbeShared: a workspace's worth of profiles submitted at
// once runs one `--version` probe in all, and never more Nix processes
// than MaxConcurrent, probe included.
func TestVersionProbeShared(t *testing.T) {
	opts := testOptions(t)
	dir := t.TempDir()
	opts.Program, _, _ = countingNix(t, dir)
	log := filepath.Join(dir, "calls.log")
	opts.MaxConcurrent = 2
	s, c, _ := newTestScheduler(t, opts)
	const n = 12
	for i := 0; i < n; i++ {
		path := writeFile(t, dir, fmt.Sprintf("p%d.nix", i), fmt.Sprintf("{ manifest.pod.name = \"p%d\"; }\n", i))
		s.Submit(path, Request{Path: path}, true)
	}
	c.wait(t, n)
	for i := 0; i < n; i++ {
		rs := c.results(filepath.Join(dir, fmt.Sprintf("p%d.nix", i)))
		if len(rs) != 1 || rs[0].Failure != nil {
			t.Fatalf("profile %d: %+v", i, rs)
		}
	}
	probes, starts, maxAlive := callStats(t, log)
	t.Logf("%d profiles: %d probes, %d processes, at most %d at once", n, probes, starts, maxAlive)
	if probes != 1 || starts != n+1 || maxAlive > opts.MaxConcurrent {
		t.Fatalf("%d probes (want 1), %d processes (want %d), %d at once (limit %d)",
			probes, starts, n+1, maxAlive, opts.MaxConcurrent)
	}
}

// TestVersionProbeRetried: a failed probe is not remembered (installing
// Nix needs no restart), a good one is.
func TestVersionProbeRetried(t *testing.T) {
	opts := testOptions(t)
	dir := t.TempDir()
	program, log, failFile := countingNix(t, dir)
	opts.Program = program
	writeFile(t, dir, "fail-version", "")
	ev := NewEvaluator(opts)
	ctx := context.Background()
	if _, err := ev.NixVersion(ctx); err == nil || err.(*Failure).Kind != diagnostics.CodeNixMissing {
		t.Fatalf("failing probe: err %v, want nix-missing", err)
	}
	if err := os.Remove(failFile); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if v, err := ev.NixVersion(ctx); err != nil || v == "" {
			t.Fatalf("probe %d after the fix: %q %v", i, v, err)
		}
	}
	if probes, _, _ := callStats(t, log); probes != 2 {
		t.Fatalf("%d probes, want 2 (one failed, one remembered)", probes)
	}
}

// TestVersionProbeLeaderCancelled: when the caller running the probe is
// cancelled, a caller still waiting gets the version anyway.
func TestVersionProbeLeaderCancelled(t *testing.T) {
	opts := testOptions(t)
	dir := t.TempDir()
	opts.Program, _, _ = countingNix(t, dir)
	ev := NewEvaluator(opts)
	leader, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		_, err := ev.NixVersion(leader)
		errs <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the leader start its probe
	type answer struct {
		v   string
		err error
	}
	waiter := make(chan answer, 1)
	go func() {
		v, err := ev.NixVersion(context.Background())
		waiter <- answer{v, err}
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-errs; err == nil || err.(*Failure).Kind != diagnostics.CodeCancelled {
		t.Errorf("cancelled leader: %v, want cancelled", err)
	}
	if a := <-waiter; a.err != nil || a.v == "" {
		t.Fatalf("waiter: %q %v, want the version", a.v, a.err)
	}
}
