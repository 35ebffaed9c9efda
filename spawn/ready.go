package spawn

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

const (
	readyPrefix  = "INSOMNIA-READY"
	logPoll      = 100 * time.Millisecond // upstream polls stderr.log every 100 ms
	connectPoll  = 50 * time.Millisecond  // and the socket every 50 ms
	tailLines    = 8
	maxLineBytes = 4096 // longer stderr lines are cut, so a runaway pod cannot grow our memory
)

// watcher follows stderr.log and then the socket until the pod is ready.
type watcher struct {
	j       job
	logPath string
	c       *child
	offset  int64
	partial []byte
	tail    []string
	ready   *Ready
	bad     string // a malformed ready line
}

func newWatcher(j job, logPath string, c *child) *watcher {
	return &watcher{j: j, logPath: logPath, c: c}
}

func (w *watcher) fail(k Kind, detail string, err error) *Error {
	return &Error{Kind: k, Pod: w.j.pod, PID: w.c.pid, Log: w.logPath, Tail: w.tail, Detail: detail, Err: err}
}

// wait returns when the socket accepts, the pod exits, the ready line is
// malformed, the deadline passes or ctx ends, whichever is first.
func (w *watcher) wait(ctx context.Context) (Ready, error) {
	d := w.j.deadline
	if d <= 0 {
		d = DefaultDeadline
	}
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		if r, done, err := w.step(); done || err != nil {
			return r, err
		}
		interval := logPoll
		if w.ready != nil {
			interval = connectPoll
		}
		select {
		case <-ctx.Done():
			return Ready{}, w.fail(KindCanceled, "", ctx.Err())
		case <-deadline.C:
			return Ready{}, w.fail(KindTimeout, "no ready socket within "+d.String(), nil)
		case <-w.c.exited:
			return w.afterExit()
		case <-time.After(interval):
		}
	}
}

// step reads new log lines and, once the ready line is known, tries the
// socket. done reports a final outcome.
func (w *watcher) step() (Ready, bool, error) {
	w.readLines()
	if w.bad != "" {
		return Ready{}, true, w.fail(KindMalformed, quoteLine(w.bad), nil)
	}
	if w.ready == nil {
		return Ready{}, false, nil
	}
	ok, err := probe(w.ready.Socket)
	if err != nil {
		return Ready{}, true, w.fail(KindSocket, w.ready.Socket, err)
	}
	return *w.ready, ok, nil
}

// afterExit gives a pod that exited one last look: its last lines may hold
// the reason, or a malformed ready line; a socket that still accepts means
// the program handed the pod to another process, which is fine.
func (w *watcher) afterExit() (Ready, error) {
	if r, done, err := w.step(); done || err != nil {
		return r, err
	}
	return Ready{}, w.fail(KindExitedEarly, w.c.status(), nil)
}

// readLines consumes whatever the pod appended to stderr.log since last time.
func (w *watcher) readLines() {
	f, err := os.Open(w.logPath)
	if err != nil {
		return // not there yet, or removed by the pod; the deadline still runs
	}
	defer f.Close()
	if _, err := f.Seek(w.offset, io.SeekStart); err != nil {
		return
	}
	buf, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	w.offset += int64(len(buf))
	w.partial = append(w.partial, buf...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > maxLineBytes {
		// A line too long to wait for: flush up to its last blank, so a
		// key is not split into pieces too short to be recognised (and
		// redacted) on either side.
		cut := bytes.LastIndexAny(w.partial, " \t")
		if cut <= 0 || len(w.partial)-cut > maxLineBytes {
			cut = len(w.partial)
		}
		w.line(string(w.partial[:cut]))
		w.partial = append([]byte(nil), w.partial[cut:]...)
	}
}

// line takes one stderr line. It is redacted whole before anything cuts it
// (the tail, progress, a malformed-line detail): a cut key is a shorter
// run the detector may no longer recognise, whose characters then show.
func (w *watcher) line(s string) {
	s = strings.TrimRight(s, "\r")
	if strings.HasPrefix(s, readyPrefix) && w.ready == nil && w.bad == "" {
		if name, sock, ok := ParseReadyLine(s); ok {
			w.ready = &Ready{PodName: name, Socket: sock}
		} else {
			w.bad = cutLine(secrets.Redact(s))
		}
		return
	}
	s = cutLine(secrets.Redact(s))
	w.tail = append(w.tail, s)
	if len(w.tail) > tailLines {
		w.tail = w.tail[len(w.tail)-tailLines:]
	}
	if w.j.progress != nil {
		w.j.progress(s)
	}
}

// cutLine bounds a redacted line so a runaway pod cannot grow our memory.
func cutLine(s string) string {
	if len(s) > maxLineBytes {
		return s[:maxLineBytes]
	}
	return s
}

// ParseReadyLine splits `INSOMNIA-READY\t<name>\t<socket>` at the first tab
// after the prefix (a socket path may itself contain tabs). An empty name or
// socket is malformed, as upstream.
func ParseReadyLine(line string) (name, socket string, ok bool) {
	rest, found := strings.CutPrefix(line, readyPrefix+"\t")
	if !found {
		return "", "", false
	}
	name, socket, found = strings.Cut(rest, "\t")
	if !found || name == "" || socket == "" {
		return "", "", false
	}
	return name, socket, true
}

func quoteLine(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.ReplaceAll(s, "\t", `\t`)
}

// probe connects to a unix socket once. "Not there yet" (ENOENT) and "not
// accepting yet" (ECONNREFUSED, EAGAIN) are not errors: the caller retries.
func probe(socket string) (bool, error) {
	conn, err := net.DialTimeout("unix", socket, time.Second)
	if err == nil {
		conn.Close()
		return true, nil
	}
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EAGAIN) {
		return false, nil
	}
	return false, err
}
