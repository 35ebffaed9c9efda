package session

import (
	"path/filepath"

	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// updateWatches watches the registries, the builtin folder, every discovered
// profile and its imports, and the secret store (a bounded set of files:
// the watcher watches their folders, never a tree).
func (w *Session) updateWatches() {
	w.mu.Lock()
	wt, store := w.watcher, w.dirs.SecretStore()
	w.mu.Unlock()
	regs := w.registries()
	if wt == nil || len(regs) == 0 {
		return
	}
	var paths []string
	for _, reg := range regs {
		paths = append(paths, reg.WatchPaths()...)
		for _, e := range reg.Entries {
			paths = append(paths, e.Path)
			paths = append(paths, w.graph.closure(filepath.Clean(e.Path))...)
		}
	}
	if store != "" {
		paths = append(paths, store)
	}
	if err := wt.Set(paths); err != nil {
		w.log.Warn("watch", zap.Error(err))
	}
}

// onFilesChanged handles one batch of changes on disk.
func (w *Session) onFilesChanged(paths []string) {
	w.mu.Lock()
	store := w.dirs.SecretStore()
	reg := w.reg
	w.mu.Unlock()
	rediscover := false
	for _, p := range paths {
		switch {
		case p == store:
			w.loadSecrets()
			w.refreshStatic()
		case filepath.Base(p) == "profiles.toml" || (reg != nil && filepath.Dir(p) == reg.BuiltinDir) ||
			(reg != nil && filepath.Dir(filepath.Dir(p)) == reg.BuiltinDir):
			rediscover = true
		}
	}
	if rediscover {
		w.Rediscover()
	}
	// Changed files that are not open in the editor: re-evaluate them (when
	// profiles) and their dependents. Open buffers are the editor's truth.
	for _, p := range paths {
		if w.docs.get(p) != nil || filepath.Ext(p) != ".nix" {
			continue
		}
		if text := w.DiskText(p); text != nil {
			w.graph.setImports(p, importsOf(p, nixsyntax.Parse(text)))
			if w.IsProfile(p, text) {
				w.Schedule(p, true)
			}
		}
		for _, d := range w.graph.dependents(p) {
			if w.IsProfile(d, w.Text(d)) {
				w.Schedule(d, true)
			}
		}
	}
	if rediscover {
		w.EvaluateAll()
		w.client.RefreshLenses()
	}
}

// refreshStatic re-runs the static checks of open buffers (the secret ids changed).
func (w *Session) refreshStatic() {
	for _, doc := range w.docs.all() {
		if filepath.Ext(doc.Path) == ".nix" {
			w.publishStatic(doc, w.parse(doc), w.Ours(doc.Path))
		}
	}
}
