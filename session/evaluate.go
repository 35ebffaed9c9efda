package session

import (
	"context"
	"fmt"
	"path/filepath"

	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
)

// schedule queues a profile for evaluation: debounced after an edit, at once
// after a save. It never waits for Nix.
func (w *Session) Schedule(path string, immediate bool) {
	w.mu.Lock()
	sched := w.sched
	w.mu.Unlock()
	if sched == nil || !w.mayEvaluate(path) {
		return
	}
	// The text as it is now (buffer, else disk), so the Scheduler can see
	// that an open of a profile the index is evaluating is the same run.
	text := w.Text(path)
	if tooLarge(text) {
		return // its one diagnostic says so (refuseLarge)
	}
	deps := w.graph.closure(path)
	if byFile := w.refusedImports(path, deps); len(byFile) > 0 {
		sched.Cancel(path)
		w.refuse(path, "not evaluated: it imports a file the server does not read (see the import)", byFile)
		return
	}
	deps = w.readableDeps(path, deps)
	overlays := map[string][]byte{}
	for _, d := range deps {
		if t := w.docs.text(d); t != nil {
			overlays[d] = t
		}
	}
	w.mu.Lock()
	w.pending[path] = true // before Submit: the result may come at once
	w.mu.Unlock()
	immediate = immediate || w.opts.Headless
	sched.Submit(path, eval.Request{Path: path, Text: text, Deps: deps, Overlays: overlays,
		Restricted: !w.TrustedPath(path)}, immediate)
}

// settle marks a profile's newest submission as delivered (or dropped).
// Called with w.mu held.
func (w *Session) settleLocked(path string) {
	delete(w.pending, path)
	if len(w.pending) == 0 {
		w.idle.Broadcast()
	}
}

// WaitIdle returns once every submitted evaluation has delivered its
// result, or ctx is done, or the session closed.
func (w *Session) WaitIdle(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() {
		w.mu.Lock()
		w.idle.Broadcast()
		w.mu.Unlock()
	})
	defer stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.pending) > 0 && !w.closed && ctx.Err() == nil {
		w.idle.Wait()
	}
}

func (w *Session) onEvalStart(path string) {
	st := w.state(path)
	w.mu.Lock()
	st.Evaluating = true
	w.mu.Unlock()
	w.notifyStatus(path)
	// The Spawn lens says "evaluating…" now: without this refresh it kept
	// the previous result's title ("fix 1 error first") for as long as Nix ran.
	w.client.RefreshLenses()
	w.client.ProgressBegin(path, "Evaluating "+w.Name(path).Display)
}

// onEvalResult turns a finished evaluation into diagnostics (on the profile
// and on imported files), the state hover reads, and a status notification.
func (w *Session) onEvalResult(path string, r eval.Result) {
	w.client.ProgressEnd(path)
	out, byFile := check.Result(w.checkProfile(path), r)
	out.Text = r.Text
	if out.Text == nil { // Nix read the file from disk
		out.Text = w.DiskText(path)
	}
	st := w.state(path)
	w.mu.Lock()
	st.Evaluating = false
	st.Latest = out
	if out.Display != nil {
		st.LastGood = out
	}
	prev := st.diagFiles
	w.mu.Unlock()
	files := w.diags.replaceOwned(path, LayerEval, byFile, w.evaluatedTexts(path, out.Text, byFile), prev)
	w.mu.Lock()
	st.diagFiles = files
	w.settleLocked(path)
	w.mu.Unlock()
	w.logEvaluation(path, r, out)
	if out.NixMissing {
		w.tellNixMissing()
	}
	w.notifyStatus(path)
	w.client.RefreshLenses()
	w.client.RefreshInlayHints()
}

// evaluatedTexts is the text each file's findings were computed on: the
// profile's as Nix read it, an imported file's as it is now (its buffer or
// disk text was what the evaluation read, unless it changed meanwhile: then
// a newer evaluation is already on its way).
func (w *Session) evaluatedTexts(path string, text []byte, byFile map[string][]diagnostics.Diagnostic) map[string][]byte {
	out := map[string][]byte{path: text}
	for f := range byFile {
		if f != path {
			out[f] = w.Text(f)
		}
	}
	return out
}

// logEvaluation writes the one info line of an evaluation, readable as it
// stands: "evaluated project:coder in 43 ms: ok" (or "2 errors", "nix error").
func (w *Session) logEvaluation(path string, r eval.Result, out *check.Outcome) {
	result := "ok"
	switch st := (ProfileState{Latest: out}).Readiness(); st.Reason {
	case NixMissing:
		result = "Nix not found"
	case NixFailed:
		result = "nix error"
	case HasErrors:
		result = fmt.Sprintf("%d errors", st.Errors)
		if st.Errors == 1 {
			result = "1 error"
		}
	case Unresolved:
		result = "the manifest does not resolve"
	}
	if r.Cached {
		result += " (cached)"
	}
	w.log.Info(fmt.Sprintf("evaluated %s in %d ms: %s", w.Name(path).Display, r.Duration.Milliseconds(), result),
		zap.String("profile", path), zap.Duration("took", r.Duration), zap.Bool("prestarted", r.Prestarted),
		zap.Int("errors", out.Errors))
}

// checkProfile is what check.Result needs to know about a profile.
func (w *Session) checkProfile(path string) check.Profile {
	src, base := w.source(path)
	w.mu.Lock()
	ids := w.secretIDs
	w.mu.Unlock()
	return check.Profile{Path: path, Source: src, Base: base, SecretIDs: ids, Workspace: w.launchDir(path),
		TreeOf: w.Tree}
}

// launchDir is the folder scope checks judge a profile against: its
// project's, as the runtime launched there sees it (symlinks resolved).
func (w *Session) launchDir(path string) string {
	if reg := w.RegistryFor(path); reg != nil && reg.Workspace != "" {
		return reg.Workspace
	}
	return w.Root()
}

// source is a profile's provenance and the base directory for its relative
// paths (contract §1.3): the registry entry when it has one, else a path.
func (w *Session) source(path string) (manifest.ProfileSource, string) {
	if reg := w.RegistryFor(path); reg != nil {
		if es := reg.ByPath(path); len(es) > 0 {
			e := es[0]
			return manifest.ProfileSource{Kind: "registry", Source: string(e.Source), Name: e.Name, Path: e.Path}, reg.Base(e)
		}
	}
	return manifest.ProfileSource{Kind: "path", Path: path}, filepath.Dir(path)
}

// cancelEval stops a profile's evaluation (the user cancelled its progress).
func (w *Session) CancelEval(path string) {
	w.mu.Lock()
	sched := w.sched
	st := w.profiles[path]
	if st != nil {
		st.Evaluating = false
	}
	w.settleLocked(path)
	w.mu.Unlock()
	if sched != nil {
		sched.Cancel(path)
	}
	w.notifyStatus(path)
}

// mayEvaluate refuses, in an untrusted workspace, profiles outside the
// workspace folders and the bundled resources: restricted evaluation makes a
// profile's own folder readable, so a registry entry such as /etc/x.nix
// would open /etc to it, and the server feeds the profile's text to Nix
// itself. Paths are compared with symlinks resolved: a link inside the
// workspace to a file outside is outside.
func (w *Session) mayEvaluate(path string) bool {
	if w.TrustedPath(path) {
		return true
	}
	if w.allowedUntrusted(path) {
		return true
	}
	w.refuseUntrusted(path)
	return false
}

// readableDeps drops, in an untrusted workspace, the imports outside the
// allowed folders: restricted Nix refuses them whatever they hold, so the
// server need not read them to key its cache.
func (w *Session) readableDeps(path string, deps []string) []string {
	if w.TrustedPath(path) {
		return deps
	}
	out := deps[:0:0]
	for _, d := range deps {
		if w.allowedUntrusted(d) {
			out = append(out, d)
		}
	}
	return out
}

// allowedUntrusted says whether path (symlinks resolved) is inside a
// workspace folder or the bundled resources.
func (w *Session) allowedUntrusted(path string) bool {
	allowed := append(w.Roots(), w.opts.Readable...)
	w.mu.Lock()
	allowed = append(allowed, w.dirs.Resource)
	w.mu.Unlock()
	for _, dir := range allowed {
		if dir != "" && safefile.Within(path, dir) {
			return true
		}
	}
	return false
}

// refuseUntrusted records why a profile was not evaluated: an error status
// for pickers and lenses, and a diagnostic on the registry entry naming it.
func (w *Session) refuseUntrusted(path string) {
	msg := "not evaluated: the profile is outside this untrusted workspace (trust the workspace to evaluate it)"
	if real := safefile.Resolve(path); real != filepath.Clean(path) {
		msg = "not evaluated: the profile is a symlink to a file outside this untrusted workspace (trust the workspace to evaluate it)"
	}
	byFile := map[string][]diagnostics.Diagnostic{}
	if w.docs.get(path) != nil { // open in the editor: say it there too
		byFile[path] = []diagnostics.Diagnostic{{File: path, Severity: diagnostics.Warning,
			Code: diagnostics.CodeUntrustedOutside, Message: msg}}
	}
	if e, ok := w.Entry(path); ok && e.Origin.File != "" && e.Origin.File != path {
		byFile[e.Origin.File] = []diagnostics.Diagnostic{{File: e.Origin.File, Range: check.Widen(e.Origin.Range),
			Severity: diagnostics.Warning, Code: diagnostics.CodeUntrustedOutside, Message: msg}}
	}
	w.refuse(path, msg, byFile)
}

// notifyStatus hands the client a profile's current evaluation status.
func (w *Session) notifyStatus(path string) {
	w.client.EvaluationStatus(w.Status(path))
}

// Status is a profile's evaluation status as editors show it.
func (w *Session) Status(path string) Status {
	st, _ := w.Profile(path)
	r, n := st.Readiness(), w.Name(path)
	return Status{Path: path, URI: string(uri.File(path)), QualifiedName: n.Qualified,
		DisplayName: n.Display, IsDefault: n.Default, State: r.Word(), Message: r.Detail}
}
