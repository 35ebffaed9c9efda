package eval

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// runSpec is one child process: argv (never a shell), its folder, its whole
// environment, stdin, and the limits it runs under.
type runSpec struct {
	argv      []string
	dir       string
	env       []string
	stdin     []byte // nil: /dev/null
	timeout   time.Duration
	maxStdout int64
	maxStderr int64
	memLimit  uint64 // RLIMIT_AS in bytes; 0: none
	onStart   func(pid int)
}

// stopReason says why we killed the child ourselves.
type stopReason int

const (
	stopNone stopReason = iota
	stopTimeout
	stopCancelled
	stopOutputCap
)

// runOutcome is what happened to the child.
type runOutcome struct {
	stdout, stderr []byte
	startErr       error // the program could not be started
	stopped        stopReason
	cappedStream   string // "stdout" or "stderr" when stopped == stopOutputCap
	exitCode       int    // -1 when killed by a signal
	signal         syscall.Signal
}

// run starts the child in its own process group and returns when it has
// been reaped. Every way out (timeout, ctx, output cap) kills the whole
// group, so helpers Nix may start go with it, and Wait always runs, so no
// zombie is left.
func run(ctx context.Context, spec runSpec) runOutcome {
	cmd := exec.Command(spec.argv[0], spec.argv[1:]...)
	cmd.Dir = spec.dir
	cmd.Env = spec.env
	if spec.stdin != nil {
		cmd.Stdin = bytes.NewReader(spec.stdin)
	}
	// Pdeathsig: if this server dies, the kernel kills Nix too (no orphans).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pipes held open by a stray grandchild must not block Wait forever.
	cmd.WaitDelay = time.Second

	k := &killer{}
	out := &capWriter{limit: spec.maxStdout, name: "stdout", onCap: k.capHit}
	errw := &capWriter{limit: spec.maxStderr, name: "stderr", onCap: k.capHit}
	cmd.Stdout, cmd.Stderr = out, errw

	if ctx.Err() != nil {
		return runOutcome{stopped: stopCancelled, exitCode: -1}
	}
	if err := cmd.Start(); err != nil {
		return runOutcome{startErr: err, exitCode: -1}
	}
	k.arm(cmd.Process.Pid)
	limitMemory(cmd.Process.Pid, spec.memLimit)
	if spec.onStart != nil {
		spec.onStart(cmd.Process.Pid)
	}

	done := make(chan struct{})
	go k.watch(ctx, spec.timeout, done)
	err := cmd.Wait()
	close(done)
	// Anything left in the group (the leader is gone) goes too.
	k.killGroup()

	o := runOutcome{stdout: out.bytes(), stderr: errw.bytes(), exitCode: cmd.ProcessState.ExitCode()}
	o.stopped, o.cappedStream = k.result()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		o.signal = ws.Signal()
	} else if o.stopped == stopTimeout {
		// Nix finished on its own just as the timer fired: keep its result.
		o.stopped = stopNone
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) && o.stopped == stopNone && !errors.Is(err, exec.ErrWaitDelay) {
		o.startErr = err
	}
	return o
}

// limitMemory caps the child's address space. It is applied right after
// exec, before Nix has read the profile: Nix's own start-up (a few MB) runs
// unlimited, every later allocation counts. A failure (child already gone)
// is harmless.
func limitMemory(pid int, limit uint64) {
	if limit == 0 {
		return
	}
	rl := unix.Rlimit{Cur: limit, Max: limit}
	_ = unix.Prlimit(pid, unix.RLIMIT_AS, &rl, nil)
}

// killer kills one process group once and remembers the first reason.
type killer struct {
	mu     sync.Mutex
	pgid   int
	reason stopReason
	stream string
}

// arm sets the group to kill; a cap hit before Start returned kills now.
func (k *killer) arm(pid int) {
	k.mu.Lock()
	k.pgid = pid
	early := k.reason != stopNone
	k.mu.Unlock()
	if early {
		k.killGroup()
	}
}

func (k *killer) stop(r stopReason, stream string) {
	k.mu.Lock()
	if k.reason == stopNone {
		k.reason, k.stream = r, stream
	}
	k.mu.Unlock()
	k.killGroup()
}

func (k *killer) capHit(stream string) { k.stop(stopOutputCap, stream) }

func (k *killer) killGroup() {
	k.mu.Lock()
	pgid := k.pgid
	k.mu.Unlock()
	if pgid > 0 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

func (k *killer) result() (stopReason, string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reason, k.stream
}

// watch kills the group on timeout or cancellation, until done is closed.
func (k *killer) watch(ctx context.Context, timeout time.Duration, done <-chan struct{}) {
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-done:
	case <-timer:
		k.stop(stopTimeout, "")
	case <-ctx.Done():
		k.stop(stopCancelled, "")
	}
}

// capWriter keeps at most limit bytes; going over calls onCap (which kills
// the child) and drops the rest.
type capWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	limit  int64
	name   string
	capped bool
	onCap  func(stream string)
}

func (w *capWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	room := w.limit - int64(w.buf.Len())
	if w.limit <= 0 || int64(len(p)) <= room {
		w.buf.Write(p)
		w.mu.Unlock()
		return len(p), nil
	}
	if room > 0 {
		w.buf.Write(p[:room])
	}
	first := !w.capped
	w.capped = true
	w.mu.Unlock()
	if first {
		w.onCap(w.name)
	}
	// Report success so the copier keeps draining until the kill lands.
	return len(p), nil
}

func (w *capWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]byte(nil), w.buf.Bytes()...)
}
