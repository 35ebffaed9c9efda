package lsp

import (
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
)

// schedule queues a profile for evaluation: debounced after an edit, at once
// after a save. It never waits for Nix.
func (w *workspace) schedule(path string, immediate bool) {
	w.mu.Lock()
	sched := w.sched
	w.mu.Unlock()
	if sched == nil || !w.mayEvaluate(path) {
		return
	}
	text := w.s.docs.text(path)
	if tooLarge(text) {
		return // its one diagnostic says so (refuseLarge)
	}
	deps := w.graph.closure(path)
	overlays := map[string][]byte{}
	for _, d := range deps {
		if t := w.s.docs.text(d); t != nil {
			overlays[d] = t
		}
	}
	sched.Submit(path, eval.Request{Path: path, Text: text, Deps: deps, Overlays: overlays}, immediate)
}

func (w *workspace) onEvalStart(path string) {
	st := w.state(path)
	w.mu.Lock()
	st.evaluating = true
	w.mu.Unlock()
	w.s.notifyStatus(path)
	w.s.progress.begin(path, "Evaluating "+w.qualifiedName(path))
}

// onEvalResult turns a finished evaluation into diagnostics (on the profile
// and on imported files), the state hover reads, and a status notification.
func (w *workspace) onEvalResult(path string, r eval.Result) {
	w.s.progress.end(path)
	out, byFile := check.Result(w.checkProfile(path), r)
	st := w.state(path)
	w.mu.Lock()
	st.evaluating = false
	st.latest = out
	if out.Display != nil {
		st.lastGood = out
	}
	prev := st.diagFiles
	w.mu.Unlock()
	files := w.s.pub.replaceOwned(path, layerEval, byFile, prev)
	w.mu.Lock()
	st.diagFiles = files
	w.mu.Unlock()
	w.s.log.Debug("evaluated", zap.String("profile", path), zap.Duration("took", r.Duration),
		zap.Bool("cached", r.Cached), zap.Int("errors", out.Errors))
	w.s.notifyStatus(path)
	w.s.refreshLenses()
}

// checkProfile is what check.Result needs to know about a profile.
func (w *workspace) checkProfile(path string) check.Profile {
	src, base := w.source(path)
	w.mu.Lock()
	ids := w.secretIDs
	w.mu.Unlock()
	return check.Profile{Path: path, Source: src, Base: base, SecretIDs: ids, Workspace: w.root(),
		Tree: func() *nixsyntax.File { return w.tree(path) }}
}

// source is a profile's provenance and the base directory for its relative
// paths (contract §1.3): the registry entry when it has one, else a path.
func (w *workspace) source(path string) (manifest.ProfileSource, string) {
	if reg := w.registry(); reg != nil {
		if es := reg.ByPath(path); len(es) > 0 {
			e := es[0]
			return manifest.ProfileSource{Kind: "registry", Source: string(e.Source), Name: e.Name, Path: e.Path}, reg.Base(e)
		}
	}
	return manifest.ProfileSource{Kind: "path", Path: path}, filepath.Dir(path)
}

// cancelEval stops a profile's evaluation (the user cancelled its progress).
func (w *workspace) cancelEval(path string) {
	w.mu.Lock()
	sched := w.sched
	st := w.profiles[path]
	if st != nil {
		st.evaluating = false
	}
	w.mu.Unlock()
	if sched != nil {
		sched.Cancel(path)
	}
	w.s.notifyStatus(path)
}

// mayEvaluate refuses, in an untrusted workspace, profiles outside the
// workspace folders and the bundled resources: restricted evaluation makes a
// profile's own folder readable, so a registry entry such as /etc/x.nix
// would open /etc to it.
func (w *workspace) mayEvaluate(path string) bool {
	if w.s.currentSettings().trusted() {
		return true
	}
	allowed := w.s.rootsCopy()
	w.mu.Lock()
	allowed = append(allowed, w.dirs.Resource)
	w.mu.Unlock()
	for _, dir := range allowed {
		if dir == "" {
			continue
		}
		if rel, err := filepath.Rel(dir, path); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return true
		}
	}
	w.s.log.Info("not evaluating a profile outside the untrusted workspace", zap.String("profile", path))
	w.refuseUntrusted(path)
	return false
}

// refuseUntrusted records why a profile was not evaluated: an error status
// for pickers and lenses, and a diagnostic on the registry entry naming it.
func (w *workspace) refuseUntrusted(path string) {
	msg := "not evaluated: the profile is outside this untrusted workspace (trust the workspace to evaluate it)"
	st := w.state(path)
	w.mu.Lock()
	st.evaluating = false
	st.latest = &check.Outcome{NixError: true, Errors: 1, Message: msg, Finished: time.Now()}
	w.mu.Unlock()
	byFile := map[string][]diagnostics.Diagnostic{}
	if e, ok := w.entry(path); ok && e.Origin.File != "" && e.Origin.File != path {
		byFile[e.Origin.File] = []diagnostics.Diagnostic{{File: e.Origin.File, Range: check.Widen(e.Origin.Range),
			Severity: diagnostics.Warning, Code: "untrusted-outside", Message: msg}}
	}
	w.mu.Lock()
	prev := st.diagFiles
	w.mu.Unlock()
	files := w.s.pub.replaceOwned(path, layerEval, byFile, prev)
	w.mu.Lock()
	st.diagFiles = files
	w.mu.Unlock()
	go w.s.notifyStatus(path) // may run on the read loop: never write from it
}
