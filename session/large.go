package session

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/limits"
)

// tooLarge says whether text is over the size the server analyses.
func tooLarge(text []byte) bool { return len(text) > limits.MaxProfileBytes }

// tooLargeDiag is the one diagnostic a too-large file gets, on its first
// character.
func tooLargeDiag(path string, n int) []diagnostics.Diagnostic {
	return []diagnostics.Diagnostic{{File: path, Severity: diagnostics.Error, Code: diagnostics.CodeFileTooLarge,
		Range: diagnostics.Range{End: diagnostics.Pos{Col: 1}}, Message: limits.TooLarge(n)}}
}

// refuseLarge stands in for parsing a .nix buffer over the limit: its tree
// is dropped (so no feature parses it later), and the one diagnostic
// replaces its syntax layer. It is neither indexed nor evaluated.
func (w *Session) refuseLarge(doc *Document) {
	w.mu.Lock()
	delete(w.parsed, doc.Path)
	w.mu.Unlock()
	w.queueSyntax(doc.Path, doc.Text, func() []diagnostics.Diagnostic { return tooLargeDiag(doc.Path, len(doc.Text)) })
}

// capDiagnostics keeps the limits.MaxDiagnosticsPerFile most severe of a
// file's diagnostics (errors first, each severity in its order) and adds
// one entry counting the rest, at the first one left out, with its
// severity (the worst left out). An editor shows no more than this anyway,
// and the notification stays small.
func capDiagnostics(ds []diagnostics.Diagnostic) []diagnostics.Diagnostic {
	if len(ds) <= limits.MaxDiagnosticsPerFile {
		return ds
	}
	sorted := slices.Clone(ds)
	slices.SortStableFunc(sorted, func(a, b diagnostics.Diagnostic) int { return cmp.Compare(a.Severity, b.Severity) })
	dropped := sorted[limits.MaxDiagnosticsPerFile:]
	first := dropped[0]
	more := diagnostics.Diagnostic{File: first.File, Range: first.Range, Severity: first.Severity,
		Code: diagnostics.CodeTooManyProblems, Message: fmt.Sprintf("%d more problems not shown", len(dropped))}
	return append(sorted[:limits.MaxDiagnosticsPerFile:limits.MaxDiagnosticsPerFile], more)
}
