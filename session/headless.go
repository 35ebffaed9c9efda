package session

import (
	"path/filepath"
	"sort"
)

// What a headless session (the CLI's check) adds to the editor's flow: the
// files a user would open are analysed from disk, with the same rules and
// the same code as the server's.

// AddFile analyses a file named on the command line as if the user had
// opened it: a .nix file gets the syntax and scope checks whatever it holds,
// the secret checks and an evaluation only when ours and a profile (the
// server's rule); a profiles.toml gets the registry checks.
func (w *Session) AddFile(path string) { w.addFile(path, true) }

// addFile: named files always get the syntax checks; others (found through
// discovery) only when ours.
func (w *Session) addFile(path string, named bool) {
	path = filepath.Clean(path)
	if filepath.Base(path) == "profiles.toml" {
		w.publishRegistryFile(path)
		return
	}
	text := w.DiskText(path)
	if text == nil {
		return
	}
	doc := &Document{Path: path, Text: text}
	f := w.parse(doc) // kept: evaluation results are placed on this tree
	w.graph.setImports(path, importsOf(path, f))
	ours := w.Ours(path)
	if named && !ours {
		w.publishSyntax(doc, f)
		return
	}
	w.publishStatic(doc, f, ours)
	if w.isStarted() && w.IsProfile(path, text) && !w.isPending(path) && !w.hasResult(path) {
		w.Schedule(path, true)
	}
}

// AddDiscovered analyses every profile of every project discovered and the
// files they import (literal paths), as AddFile does.
func (w *Session) AddDiscovered() {
	w.publishRegistryFiles()
	w.EvaluateAll()
	seen := map[string]bool{}
	var queue []string
	for _, reg := range w.registries() {
		for _, e := range reg.Entries {
			queue = append(queue, filepath.Clean(e.Path))
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] || filepath.Ext(p) != ".nix" {
			continue
		}
		seen[p] = true
		w.addFile(p, false)
		queue = append(queue, w.graph.closure(p)...)
	}
}

// Evaluated lists the profiles with a finished evaluation, sorted.
func (w *Session) Evaluated() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for p, st := range w.profiles {
		if st.Latest != nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func (w *Session) isPending(path string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pending[path]
}

func (w *Session) hasResult(path string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.profiles[path]
	return st != nil && st.Latest != nil
}

// Parsed lists the .nix files the session has a tree of, sorted.
func (w *Session) Parsed() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.parsed))
	for p := range w.parsed {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
