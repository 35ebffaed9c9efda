package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// progressDelay: evaluations that end sooner show no progress at all, so
// quick edits do not flicker a spinner.
const progressDelay = 300 * time.Millisecond

// progress is the server's one $/progress tracker. It reports long
// evaluations, one token per profile (cancelling one kills that
// evaluation), and pod starts (task), all with server-created tokens.
type progress struct {
	s      *Server
	mu     sync.Mutex               // guards active, seq and every item's begun and closed
	active map[string]*progressItem // evaluations, by profile path
	seq    int                      // numbers the tokens
}

type progressItem struct {
	token  string
	timer  *time.Timer
	begun  bool
	closed bool
}

// progressValue is a typed WorkDoneProgressBegin, Report or End value.
type progressValue struct {
	Kind        string `json:"kind"` // begin, report or end
	Title       string `json:"title,omitempty"`
	Message     string `json:"message,omitempty"`
	Cancellable *bool  `json:"cancellable,omitempty"`
}

func newProgress(s *Server) *progress { return &progress{s: s, active: map[string]*progressItem{}} }

// tokenLocked names a new token (p.mu held).
func (p *progress) tokenLocked(kind string) string {
	p.seq++
	return fmt.Sprintf("insomnia-%s-%d", kind, p.seq)
}

func (p *progress) begin(key, title string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.active[key]; old != nil {
		return // still running: the same token covers the newer version
	}
	it := &progressItem{token: p.tokenLocked("eval")}
	it.timer = time.AfterFunc(progressDelay, func() { p.start(key, it, title) })
	p.active[key] = it
}

func (p *progress) start(key string, it *progressItem, title string) {
	if !p.create(it.token) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if it.closed {
		return
	}
	it.begun = true
	yes := true
	p.send(it.token, progressValue{Kind: "begin", Title: title, Cancellable: &yes})
}

// create asks the client for a token; false when it does not support
// server-created progress.
func (p *progress) create(token string) bool {
	err := p.s.client.WorkDoneProgressCreate(p.s.ctx, &protocol.WorkDoneProgressCreateParams{Token: protocol.String(token)})
	return err == nil
}

func (p *progress) end(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it := p.active[key]
	if it == nil {
		return
	}
	delete(p.active, key)
	it.closed = true
	it.timer.Stop()
	if it.begun {
		p.send(it.token, progressValue{Kind: "end"})
	}
}

func (p *progress) send(token string, v progressValue) {
	raw, _ := json.Marshal(v)
	_ = p.s.client.Progress(p.s.ctx, &protocol.ProgressParams{Token: protocol.String(token), Value: raw})
}

// keyOf finds the profile a token belongs to.
func (p *progress) keyOf(token string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, it := range p.active {
		if it.token == token {
			return k, true
		}
	}
	return "", false
}

// progressTask reports one pod start; without client support it reports nothing.
type progressTask struct {
	p     *progress
	token string
	ok    bool
}

// task begins a progress that is not cancellable (a pod start).
func (p *progress) task(ctx context.Context, title, message string) *progressTask {
	p.mu.Lock()
	t := &progressTask{p: p, token: p.tokenLocked("pod")}
	p.mu.Unlock()
	if t.ok = p.create(t.token); t.ok {
		no := false
		p.send(t.token, progressValue{Kind: "begin", Title: title, Message: message, Cancellable: &no})
	}
	return t
}

// report shows one stderr line of the pod, redacted (a pod may echo its
// configuration) before it is cut: a cut key may no longer look like one.
func (t *progressTask) report(line string) {
	line = strings.TrimSpace(secrets.Redact(line))
	if !t.ok || line == "" {
		return
	}
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	t.p.send(t.token, progressValue{Kind: "report", Message: line})
}

func (t *progressTask) end(message string) {
	if t.ok {
		t.p.send(t.token, progressValue{Kind: "end", Message: message})
	}
}

// WorkDoneProgressCancel kills the evaluation behind a progress the user cancelled.
func (s *Server) WorkDoneProgressCancel(ctx context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	tok, ok := params.Token.(protocol.String)
	if !ok {
		return nil
	}
	key, ok := s.progress.keyOf(string(tok))
	if !ok {
		return nil
	}
	s.sess.CancelEval(key)
	s.progress.end(key)
	return nil
}
