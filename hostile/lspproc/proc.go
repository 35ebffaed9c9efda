// Package lspproc runs the real insomnia-lsp binary as a child process and
// speaks LSP over its stdin/stdout, as an editor does. The hostile-input
// suite and the benchmark driver (cmd/insomnia-lsp-bench) share it; unlike
// internal/lsptest it tests the process, not the package: flags, stdio
// framing, logs, child processes and memory are all real.
package lspproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/insomnia-lsp/insomnia-lsp/internal/rpccodec"
)

// Build compiles ./cmd/insomnia-lsp of the module at repoRoot into outDir
// and returns the binary's path.
func Build(repoRoot, outDir string) (string, error) {
	bin := filepath.Join(outDir, "insomnia-lsp")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/insomnia-lsp")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/insomnia-lsp: %v\n%s", err, out)
	}
	return bin, nil
}

// Options say how to start the server.
type Options struct {
	Binary string   // path of insomnia-lsp
	Args   []string // after "serve", e.g. --log-file F --log-level debug
	Env    []string // added to (and overriding) the current environment
	Dir    string   // working directory; "" = current
	// Needles are strings that must never appear on the server's stdout or
	// stderr (a canary secret, lines of /etc/passwd); Found reports hits.
	Needles []string
	// Settings answer workspace/configuration (and are sent as
	// initializationOptions by Initialize unless InitOptions is set); nil = null.
	Settings any
	// InitOptions, when not nil, are the initializationOptions instead of
	// Settings: trust (`trusted`, `trustedRoots`) only counts there.
	InitOptions any
}

// Proc is one running server and the editor side of its connection.
type Proc struct {
	cmd    *exec.Cmd
	Pid    int
	conn   jsonrpc2.Conn
	cancel context.CancelFunc
	stdin  io.WriteCloser
	waited chan struct{}
	state  *os.ProcessState
	waitMu sync.Mutex // guards state (set once the child is reaped)

	rw          *pipeRW
	watch       *needleWatch
	settings    []byte
	initOptions []byte
	ev          *events
	frames      *frameMeter
	versions    map[string]int32
	vmu         sync.Mutex // guards versions
}

// Start launches `insomnia-lsp serve` and connects to it.
func Start(opts Options) (*Proc, error) {
	cmd := exec.Command(opts.Binary, append([]string{"serve"}, opts.Args...)...)
	cmd.Dir = opts.Dir
	cmd.Env = append(os.Environ(), opts.Env...)
	// Its own process group, so a test can tell its processes from others.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w := newNeedleWatch(opts.Needles)
	cmd.Stderr = w.writer("stderr")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	settings, err := marshalOrNull(opts.Settings)
	init := settings
	if err == nil && opts.InitOptions != nil {
		init, err = marshalOrNull(opts.InitOptions)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	p := &Proc{cmd: cmd, Pid: cmd.Process.Pid, stdin: stdin, waited: make(chan struct{}), watch: w,
		settings: settings, initOptions: init, ev: newEvents(), versions: map[string]int32{}}
	go p.wait()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.frames = &frameMeter{}
	rw := &pipeRW{Reader: io.TeeReader(stdout, io.MultiWriter(w.writer("stdout"), p.frames)), w: stdin}
	p.rw = rw
	p.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(rw), jsonrpc2.WithCodec(rpccodec.Codec{}))
	p.conn.Go(ctx, p.handle)
	return p, nil
}

func (p *Proc) wait() {
	_ = p.cmd.Wait()
	p.waitMu.Lock()
	p.state = p.cmd.ProcessState
	p.waitMu.Unlock()
	close(p.waited)
}

// Exited reports whether the process has ended, and its exit code.
func (p *Proc) Exited() (bool, int) {
	select {
	case <-p.waited:
		p.waitMu.Lock()
		defer p.waitMu.Unlock()
		return true, p.state.ExitCode()
	default:
		return false, 0
	}
}

// Close sends shutdown and exit, then closes the server's stdin (as
// editors tear down the transport), and waits up to timeout for the
// process to end; it kills the process group when the server does not go
// by itself.
func (p *Proc) Close(timeout time.Duration) (int, error) { return p.close(timeout, true) }

// CloseKeepStdin is Close without closing stdin: the server must exit on
// the exit notification alone.
func (p *Proc) CloseKeepStdin(timeout time.Duration) (int, error) { return p.close(timeout, false) }

func (p *Proc) close(timeout time.Duration, closeStdin bool) (int, error) {
	if done, code := p.Exited(); done {
		p.cancel()
		return code, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, shutErr := p.conn.Call(ctx, "shutdown", nil, nil)
	_ = p.conn.Notify(ctx, "exit", nil)
	if closeStdin {
		_ = p.stdin.Close()
	}
	select {
	case <-p.waited:
	case <-ctx.Done():
		p.Kill()
		<-p.waited
		p.cancel()
		return -1, fmt.Errorf("server did not exit within %v of exit (shutdown: %v); killed", timeout, shutErr)
	}
	p.cancel()
	_ = p.conn.Close()
	_, code := p.Exited()
	if shutErr != nil {
		return code, fmt.Errorf("shutdown: %w", shutErr)
	}
	return code, nil
}

// Kill ends the server's process group at once.
func (p *Proc) Kill() {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}

// Found returns the needles seen on stdout or stderr ("stream: needle").
func (p *Proc) Found() []string { return p.watch.found() }

// OutputBytes is how many bytes the server wrote on stdout and stderr.
func (p *Proc) OutputBytes() int64 { return p.watch.total() }

// pipeRW joins the child's stdout (read) and stdin (write). Writes are
// serialised so a raw frame never interleaves with the connection's own
// (each of which is one Write).
type pipeRW struct {
	io.Reader
	mu sync.Mutex // serialises Write on w
	w  io.WriteCloser
}

func (r *pipeRW) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.w.Write(b)
}

func (r *pipeRW) Close() error { return r.w.Close() }

// WriteFrame sends body as one framed message, byte for byte: for input
// that encoding/json would not produce (invalid UTF-8 inside strings).
func (p *Proc) WriteFrame(body []byte) error {
	_, err := p.rw.Write(append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))), body...))
	return err
}

// ErrTimeout is returned by the await helpers.
var ErrTimeout = errors.New("timed out")
