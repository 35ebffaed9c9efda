package lsp

import (
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// publisher sends each file's newest diagnostic set (the session decides
// what the set is and when it changed).
//
// Sending happens on its own goroutine: a handler running on the read loop
// must never block on a write (both ends' read loops blocked on writes is a
// deadlock), and only the newest set of a file matters.
type publisher struct {
	s     *Server
	mu    sync.Mutex                          // guards queue and ready
	queue []string                            // files waiting to be sent, in order
	ready map[string][]diagnostics.Diagnostic // file -> set to send
	wake  chan struct{}
}

func newPublisher(s *Server) *publisher {
	p := &publisher{s: s, ready: map[string][]diagnostics.Diagnostic{}, wake: make(chan struct{}, 1)}
	go p.loop()
	return p
}

func (p *publisher) loop() {
	for {
		select {
		case <-p.s.ctx.Done():
			return
		case <-p.wake:
		}
		for {
			p.mu.Lock()
			if len(p.queue) == 0 {
				p.mu.Unlock()
				break
			}
			file := p.queue[0]
			p.queue = p.queue[1:]
			diags := p.ready[file]
			delete(p.ready, file)
			p.mu.Unlock()
			p.send(file, diags)
		}
	}
}

// enqueue replaces the set waiting for file; it never blocks.
func (p *publisher) enqueue(file string, diags []diagnostics.Diagnostic) {
	p.mu.Lock()
	if _, queued := p.ready[file]; !queued {
		p.queue = append(p.queue, file)
	}
	p.ready[file] = diags
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *publisher) send(file string, diags []diagnostics.Diagnostic) {
	// No version: a file's set merges layers computed from different
	// versions (the evaluation lags the keystrokes), so any single version
	// would claim more than is true; the field is optional.
	params := &protocol.PublishDiagnosticsParams{URI: uri.File(file), Diagnostics: make([]protocol.Diagnostic, 0, len(diags))}
	for _, d := range diags {
		params.Diagnostics = append(params.Diagnostics, toProtoDiagnostic(d))
	}
	if err := p.s.client.PublishDiagnostics(p.s.ctx, params); err != nil {
		p.s.log.Debug("publish failed", zap.String("file", file), zap.Error(err))
	}
}
