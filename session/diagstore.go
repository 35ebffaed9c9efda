package session

import (
	"encoding/json"
	"sort"
	"sync"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Diagnostic layers. Each is replaced as a whole by its producer; a file's
// published set is the union of its layers (as terraform-ls keeps them).
const (
	LayerSyntax   = "syntax"   // parser and scope checks, every keystroke
	LayerEval     = "eval"     // Nix evaluation and manifest checks
	LayerRegistry = "registry" // profiles.toml checks
)

// diagStore merges diagnostics per (file, layer) and hands a file's set to
// the client only when it changed since the last time.
type diagStore struct {
	client Client
	mu     sync.Mutex                                     // guards layers, texts, bases and sent
	layers map[string]map[string][]diagnostics.Diagnostic // file -> layer -> diags
	texts  map[string][]byte                              // file -> text of its newest syntax layer
	bases  map[string]map[string][]byte                   // file -> layer -> text the layer was computed on
	sent   map[string]string                              // file -> fingerprint last handed out
}

func newDiagStore(c Client) *diagStore {
	return &diagStore{client: c, layers: map[string]map[string][]diagnostics.Diagnostic{},
		texts: map[string][]byte{}, bases: map[string]map[string][]byte{}, sent: map[string]string{}}
}

// set replaces one layer of one file and publishes the file if its set changed.
func (p *diagStore) set(file, layer string, diags []diagnostics.Diagnostic) {
	p.setOn(file, layer, nil, diags)
}

// setSyntax replaces a file's syntax layer, computed on text: the text
// stale evaluation findings are moved onto (mergeLayers).
func (p *diagStore) setSyntax(file string, text []byte, diags []diagnostics.Diagnostic) {
	p.mu.Lock()
	p.texts[file] = text
	p.mu.Unlock()
	p.set(file, LayerSyntax, diags)
}

// setOn replaces one layer computed on base (nil: the current text).
func (p *diagStore) setOn(file, layer string, base []byte, diags []diagnostics.Diagnostic) {
	p.mu.Lock()
	if p.bases[file] == nil {
		p.bases[file] = map[string][]byte{}
	}
	p.bases[file][layer] = base
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
	// Handed out under the lock so two producers' sets of one file reach
	// the client in the order they were merged.
	p.client.PublishDiagnostics(file, all)
	p.mu.Unlock()
}

// replaceOwned sets layer for every file in byFile and clears it on files
// that had it from the same owner before (owner is usually a profile path).
// bases gives the text each file's findings were computed on (may be nil).
func (p *diagStore) replaceOwned(owner, layer string, byFile map[string][]diagnostics.Diagnostic, bases map[string][]byte, prev []string) []string {
	files := make([]string, 0, len(byFile))
	for f, d := range byFile {
		p.setOn(f, layer+"@"+owner, bases[f], d)
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

// get returns the merged diagnostics of a file.
func (p *diagStore) get(file string) []diagnostics.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.merged(file)
}

// files lists every file that has diagnostics, sorted.
func (p *diagStore) files() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.layers))
	for f, m := range p.layers {
		if len(m) > 0 {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func (p *diagStore) merged(file string) []diagnostics.Diagnostic {
	names := make([]string, 0, len(p.layers[file]))
	for n := range p.layers[file] {
		names = append(names, n)
	}
	sort.Strings(names)
	return mergeLayers(names, p.layers[file], p.texts[file], p.bases[file])
}

func fingerprint(d []diagnostics.Diagnostic) string {
	b, _ := json.Marshal(d)
	return string(b)
}
