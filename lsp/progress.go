package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"go.lsp.dev/protocol"
)

// progressDelay: evaluations that end sooner show no progress at all, so
// quick edits do not flicker a spinner.
const progressDelay = 300 * time.Millisecond

// progress reports long evaluations with server-created $/progress tokens,
// one per profile; cancelling one kills that evaluation.
type progress struct {
	s      *Server
	mu     sync.Mutex
	active map[string]*progressItem // by profile path
	seq    int
}

type progressItem struct {
	token  string
	timer  *time.Timer
	begun  bool
	closed bool
}

func newProgress(s *Server) *progress { return &progress{s: s, active: map[string]*progressItem{}} }

func (p *progress) begin(key, title string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.active[key]; old != nil {
		return // still running: the same token covers the newer version
	}
	p.seq++
	it := &progressItem{token: fmt.Sprintf("insomnia-eval-%d", p.seq)}
	it.timer = time.AfterFunc(progressDelay, func() { p.start(key, it, title) })
	p.active[key] = it
}

func (p *progress) start(key string, it *progressItem, title string) {
	ctx := p.s.ctx
	if err := p.s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: protocol.String(it.token)}); err != nil {
		return // the client does not support server-created progress
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if it.closed {
		return
	}
	it.begun = true
	p.send(ctx, it.token, map[string]any{"kind": "begin", "title": title, "cancellable": true})
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
		p.send(p.s.ctx, it.token, map[string]any{"kind": "end"})
	}
}

func (p *progress) send(ctx context.Context, token string, value map[string]any) {
	raw, _ := json.Marshal(value)
	_ = p.s.client.Progress(ctx, &protocol.ProgressParams{Token: protocol.String(token), Value: raw})
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
