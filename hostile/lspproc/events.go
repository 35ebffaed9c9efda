package lspproc

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"
)

// Diag is one published diagnostic, decoded loosely (a test must see what
// the server sent, not what a typed decoder accepts).
type Diag struct {
	Range    Range           `json:"range"`
	Severity int             `json:"severity"`
	RawCode  json.RawMessage `json:"code"`
	Source   string          `json:"source"`
	Message  string          `json:"message"`
}

// Range is an LSP range (0-based lines, UTF-16 columns).
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Position is an LSP position.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// Code is the diagnostic's code as text.
func (d Diag) Code() string { return strings.Trim(string(d.RawCode), `"`) }

// Publish is one textDocument/publishDiagnostics.
type Publish struct {
	Seq     int // 1-based, per file
	At      time.Time
	Version int32 // -1 when absent
	Diags   []Diag
}

// Status is one insomnia/evaluationStatus notification.
type Status struct {
	At      time.Time
	Path    string
	State   string
	Message string
}

// keepPublishes bounds the per-file history (10,000 edits must not grow it).
const keepPublishes = 4096

type events struct {
	mu       sync.Mutex // guards every field below
	changed  chan struct{}
	pubs     map[string][]Publish
	seq      map[string]int
	statuses []Status
	messages []string
	other    map[string]int // other notifications and requests by method
}

func newEvents() *events {
	return &events{changed: make(chan struct{}), pubs: map[string][]Publish{}, seq: map[string]int{},
		other: map[string]int{}}
}

// record runs f under the lock and wakes every waiter.
func (e *events) record(f func()) {
	e.mu.Lock()
	f()
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
}

// handle answers the server's requests and records its notifications.
func (p *Proc) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	params := append([]byte(nil), req.Params()...)
	now := time.Now()
	switch req.Method() {
	case "textDocument/publishDiagnostics":
		p.onPublish(now, params)
	case "insomnia/evaluationStatus":
		p.onStatus(now, params)
	case "window/showMessage", "window/logMessage":
		var m struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(params, &m)
		p.ev.record(func() { p.ev.messages = append(p.ev.messages, m.Message) })
	case "workspace/configuration":
		var q struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(params, &q)
		out := make([]json.RawMessage, len(q.Items))
		for i := range out {
			out[i] = p.settings
		}
		return out, nil
	case "workspace/applyEdit":
		p.ev.record(func() { p.ev.other[req.Method()]++ })
		return map[string]any{"applied": false, "failureReason": "lspproc does not apply edits"}, nil
	default:
		p.ev.record(func() { p.ev.other[req.Method()]++ })
	}
	return nil, nil
}

func (p *Proc) onPublish(at time.Time, params []byte) {
	var m struct {
		URI         uri.URI `json:"uri"`
		Version     *int32  `json:"version"`
		Diagnostics []Diag  `json:"diagnostics"`
	}
	if json.Unmarshal(params, &m) != nil {
		return
	}
	path := filepath.Clean(m.URI.FsPath())
	v := int32(-1)
	if m.Version != nil {
		v = *m.Version
	}
	p.ev.record(func() {
		p.ev.seq[path]++
		h := append(p.ev.pubs[path], Publish{Seq: p.ev.seq[path], At: at, Version: v, Diags: m.Diagnostics})
		if len(h) > keepPublishes {
			h = append([]Publish(nil), h[len(h)-keepPublishes/2:]...)
		}
		p.ev.pubs[path] = h
	})
}

func (p *Proc) onStatus(at time.Time, params []byte) {
	var m struct {
		URI     uri.URI `json:"uri"`
		State   string  `json:"state"`
		Message string  `json:"message"`
	}
	if json.Unmarshal(params, &m) != nil {
		return
	}
	st := Status{At: at, Path: filepath.Clean(m.URI.FsPath()), State: m.State, Message: m.Message}
	p.ev.record(func() { p.ev.statuses = append(p.ev.statuses, st) })
}

// WaitFor waits until cond holds (checked after every message from the
// server and every 50 ms) or timeout passes.
func (p *Proc) WaitFor(timeout time.Duration, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		p.ev.mu.Lock()
		ch := p.ev.changed
		p.ev.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			if cond() {
				return nil
			}
			return ErrTimeout
		}
	}
}

// Diagnostics returns the latest published set of path and its sequence
// number (0: nothing published yet).
func (p *Proc) Diagnostics(path string) ([]Diag, int) {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	h := p.ev.pubs[path]
	if len(h) == 0 {
		return nil, 0
	}
	last := h[len(h)-1]
	return last.Diags, last.Seq
}

// PublishSeq is the number of publishes seen for path.
func (p *Proc) PublishSeq(path string) int {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	return p.ev.seq[path]
}

// AwaitPublish waits for the first publish of path after sequence number
// after that satisfies ok, and returns it.
func (p *Proc) AwaitPublish(path string, after int, timeout time.Duration, ok func(Publish) bool) (Publish, error) {
	var found Publish
	err := p.WaitFor(timeout, func() bool {
		p.ev.mu.Lock()
		defer p.ev.mu.Unlock()
		for _, pub := range p.ev.pubs[path] {
			if pub.Seq > after && ok(pub) {
				found = pub
				return true
			}
		}
		return false
	})
	return found, err
}

// AwaitDiagnostics waits until the latest set of path satisfies ok.
func (p *Proc) AwaitDiagnostics(path string, timeout time.Duration, ok func([]Diag) bool) ([]Diag, error) {
	var got []Diag
	err := p.WaitFor(timeout, func() bool {
		d, seq := p.Diagnostics(path)
		got = d
		return seq > 0 && ok(d)
	})
	return got, err
}

// AwaitCode waits until path's latest set has a diagnostic with code.
func (p *Proc) AwaitCode(path, code string, timeout time.Duration) (Diag, error) {
	var found Diag
	_, err := p.AwaitDiagnostics(path, timeout, func(ds []Diag) bool {
		for _, d := range ds {
			if d.Code() == code {
				found = d
				return true
			}
		}
		return false
	})
	return found, err
}

// Statuses returns the evaluationStatus notifications received so far.
func (p *Proc) Statuses() []Status {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	return append([]Status(nil), p.ev.statuses...)
}

// StatusCount is how many statuses were received (cheap, for waiting).
func (p *Proc) StatusCount() int {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	return len(p.ev.statuses)
}

// Messages returns window/showMessage and logMessage texts.
func (p *Proc) Messages() []string {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	return append([]string(nil), p.ev.messages...)
}
