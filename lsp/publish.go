package lsp

import (
	"encoding/json"
	"sort"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Diagnostic layers. Each is replaced as a whole by its producer; a file's
// published set is the union of its layers (as terraform-ls keeps them).
const (
	layerSyntax   = "syntax"   // parser and scope checks, every keystroke
	layerEval     = "eval"     // Nix evaluation and manifest checks
	layerRegistry = "registry" // profiles.toml checks
)

// publisher merges diagnostics per (file, layer) and sends a file's set only
// when it changed since the last send.
//
// Sending happens on its own goroutine: a handler running on the read loop
// must never block on a write (both ends' read loops blocked on writes is a
// deadlock), and only the newest set of a file matters.
type publisher struct {
	s      *Server
	mu     sync.Mutex
	layers map[string]map[string][]diagnostics.Diagnostic // file -> layer -> diags
	sent   map[string]string                              // file -> last queued fingerprint
	queue  []string                                       // files waiting to be sent, in order
	ready  map[string][]diagnostics.Diagnostic            // file -> set to send
	wake   chan struct{}
}

func newPublisher(s *Server) *publisher {
	p := &publisher{s: s, layers: map[string]map[string][]diagnostics.Diagnostic{}, sent: map[string]string{},
		ready: map[string][]diagnostics.Diagnostic{}, wake: make(chan struct{}, 1)}
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

// set replaces one layer of one file and publishes the file if its set changed.
func (p *publisher) set(file, layer string, diags []diagnostics.Diagnostic) {
	p.mu.Lock()
	m := p.layers[file]
	if m == nil {
		m = map[string][]diagnostics.Diagnostic{}
		p.layers[file] = m
	}
	if len(diags) == 0 {
		delete(m, layer)
	} else {
		m[layer] = diags
	}
	all := capDiagnostics(p.merged(file))
	fp := fingerprint(all)
	if p.sent[file] == fp {
		p.mu.Unlock()
		return
	}
	p.sent[file] = fp
	if _, queued := p.ready[file]; !queued {
		p.queue = append(p.queue, file)
	}
	p.ready[file] = all
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// replaceOwned sets layer for every file in byFile and clears it on files
// that had it from the same owner before (owner is usually a profile path).
func (p *publisher) replaceOwned(owner, layer string, byFile map[string][]diagnostics.Diagnostic, prev []string) []string {
	files := make([]string, 0, len(byFile))
	for f, d := range byFile {
		p.set(f, layer+"@"+owner, d)
		files = append(files, f)
	}
	for _, f := range prev {
		if _, ok := byFile[f]; !ok {
			p.set(f, layer+"@"+owner, nil)
		}
	}
	sort.Strings(files)
	return files
}

// get returns the merged diagnostics of a file (for code actions and check).
func (p *publisher) get(file string) []diagnostics.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.merged(file)
}

func (p *publisher) merged(file string) []diagnostics.Diagnostic {
	names := make([]string, 0, len(p.layers[file]))
	for n := range p.layers[file] {
		names = append(names, n)
	}
	sort.Strings(names)
	var all []diagnostics.Diagnostic
	for _, n := range names {
		all = append(all, p.layers[file][n]...)
	}
	return all
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

func fingerprint(d []diagnostics.Diagnostic) string {
	b, _ := json.Marshal(d)
	return string(b)
}
