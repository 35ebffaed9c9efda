package session

import (
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
)

// What the server reads from disk itself goes through internal/safefile:
// regular files only, under a cap, so a profile, import or registry that
// is /dev/zero, /dev/stdin (our own protocol stream) or a FIFO can neither
// grow our memory nor block us.

// ReadSource reads a profile or imported Nix file from disk.
func ReadSource(path string) ([]byte, error) { return safefile.Read(path, safefile.MaxSourceBytes) }

// ReadRegistryFile reads a profiles.toml from disk.
func ReadRegistryFile(path string) ([]byte, error) {
	return safefile.Read(path, safefile.MaxRegistryBytes)
}

// refusedImports places, on the files that import them, a diagnostic for
// each file of path's import closure that exists but may not be read (not
// regular, or over the cap). Empty: every import is fine (or missing, which
// Nix reports itself).
func (w *Session) refusedImports(path string, deps []string) map[string][]diagnostics.Diagnostic {
	refused := map[string]error{}
	for _, d := range deps {
		if w.docs.text(d) != nil {
			continue // an open buffer is read from the editor
		}
		if err := safefile.Check(d, safefile.MaxSourceBytes); safefile.IsRefused(err) {
			refused[d] = err
		}
	}
	if len(refused) == 0 {
		return nil
	}
	byFile := map[string][]diagnostics.Diagnostic{}
	for _, f := range append([]string{path}, deps...) {
		if refused[f] != nil {
			continue // never parse a refused file to find its imports
		}
		tree := w.Tree(f)
		if tree == nil {
			continue
		}
		for _, ref := range nixsyntax.ImportRefs(tree) {
			target := filepath.Clean(nixsyntax.ResolveImport(filepath.Dir(f), ref.Path))
			if err := refused[target]; err != nil {
				byFile[f] = append(byFile[f], diagnostics.Diagnostic{File: f, Range: ref.Range,
					Severity: diagnostics.Error, Code: diagnostics.CodeFileNotRead,
					Message: err.Error() + "; the profile is not evaluated while it imports it"})
			}
		}
	}
	if len(byFile) == 0 {
		// Found through the graph only (e.g. an import since removed):
		// still say so on the profile.
		for d, err := range refused {
			byFile[path] = append(byFile[path], diagnostics.Diagnostic{File: path, Severity: diagnostics.Error,
				Code: diagnostics.CodeFileNotRead, Message: err.Error() + " (imported through " + d + ")"})
		}
	}
	return byFile
}

// refuse records that a profile was not evaluated and why: an error status
// for pickers and lenses, and byFile as its evaluation diagnostics.
func (w *Session) refuse(path, msg string, byFile map[string][]diagnostics.Diagnostic) {
	w.log.Info("not evaluating a profile", zap.String("profile", path), zap.String("why", msg))
	st := w.state(path)
	w.mu.Lock()
	st.Evaluating = false
	st.Latest = &check.Outcome{NixError: true, Errors: 1, Message: msg, Finished: time.Now()}
	prev := st.diagFiles
	w.mu.Unlock()
	files := w.diags.replaceOwned(path, LayerEval, byFile, nil, prev)
	w.mu.Lock()
	st.diagFiles = files
	w.settleLocked(path)
	w.mu.Unlock()
	go w.notifyStatus(path) // may run on the read loop: never write from it
}
