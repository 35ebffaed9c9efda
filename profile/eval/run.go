package eval

import (
	"bytes"
	"context"
	"errors"
	"io"
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
	if ctx.Err() != nil {
		return runOutcome{stopped: stopCancelled, exitCode: -1}
	}
	c, err := startChild(spec, spec.stdin != nil)
	if err != nil {
		return runOutcome{startErr: err, exitCode: -1}
	}
	return c.finish(ctx, spec)
}

// child is a started process: its group's killer, its captured output, and
// exited, closed once it has been reaped. A pre-started Nix (pool.go) is a
// child that waits on its stdin pipe until finish writes the profile.
type child struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser // nil: stdin is /dev/null
	k       *killer
	out     *capWriter
	errw    *capWriter
	started time.Time
	exited  chan struct{}
	waitErr error  // set before exited is closed
	cleanup func() // runs once the process is reaped (sandbox removal)
}

// startChild starts spec's process in its own group, with a pipe for stdin
// when pipeStdin (else /dev/null). A goroutine reaps it whenever it ends,
// so a killed idle child never stays a zombie.
func startChild(spec runSpec, pipeStdin bool) (*child, error) {
	cmd := exec.Command(spec.argv[0], spec.argv[1:]...)
	cmd.Dir = spec.dir
	cmd.Env = spec.env
	// Pdeathsig: if this server dies, the kernel kills Nix too (no orphans).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pipes held open by a stray grandchild must not block Wait forever.
	cmd.WaitDelay = time.Second

	c := &child{cmd: cmd, k: &killer{}, exited: make(chan struct{})}
	c.out = &capWriter{limit: spec.maxStdout, name: "stdout", onCap: c.k.capHit}
	c.errw = &capWriter{limit: spec.maxStderr, name: "stderr", onCap: c.k.capHit}
	cmd.Stdout, cmd.Stderr = c.out, c.errw
	if pipeStdin {
		var err error
		if c.stdin, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c.k.arm(cmd.Process.Pid)
	limitMemory(cmd.Process.Pid, spec.memLimit)
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// alive reports whether the child has not exited yet.
func (c *child) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// kill ends an unused child's group, waits until it is reaped and cleans up.
func (c *child) kill() {
	c.k.killGroup()
	<-c.exited
	c.done()
}

// done runs the cleanup once.
func (c *child) done() {
	if c.cleanup != nil {
		c.cleanup()
		c.cleanup = nil
	}
}

// finish hands the child spec.stdin, waits for it under spec's timeout and
// ctx, and returns what happened. The limits count from here, not from the
// start of a pre-started child.
func (c *child) finish(ctx context.Context, spec runSpec) runOutcome {
	if spec.onStart != nil {
		spec.onStart(c.cmd.Process.Pid)
	}
	go c.k.watch(ctx, spec.timeout, c.exited)
	if c.stdin != nil {
		go func() {
			// A write error means Nix ended (or was killed) early; its exit
			// status says why.
			_, _ = c.stdin.Write(spec.stdin)
			_ = c.stdin.Close()
		}()
	}
	<-c.exited
	// Anything left in the group (the leader is gone) goes too.
	c.k.killGroup()
	c.done()
	return c.outcome()
}

// outcome reads a reaped child.
func (c *child) outcome() runOutcome {
	ps := c.cmd.ProcessState
	o := runOutcome{stdout: c.out.bytes(), stderr: c.errw.bytes(), exitCode: ps.ExitCode()}
	o.stopped, o.cappedStream = c.k.result()
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		o.signal = ws.Signal()
	} else if o.stopped == stopTimeout {
		// Nix finished on its own just as the timer fired: keep its result.
		o.stopped = stopNone
	}
	var ee *exec.ExitError
	err := c.waitErr
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
	mu     sync.Mutex // guards pgid, reason and stream
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
	mu     sync.Mutex // guards buf and capped (stdout and stderr copiers write concurrently)
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
