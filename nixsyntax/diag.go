package nixsyntax

import "github.com/insomnia-lsp/insomnia-lsp/diagnostics"

// Diagnostic codes.
const (
	CodeSyntax        = diagnostics.CodeSyntax
	CodeDuplicateAttr = diagnostics.CodeDuplicateAttr
	CodeDuplicateArg  = diagnostics.CodeDuplicateArg
	CodeUndefined     = diagnostics.CodeUndefined
	CodeUnusedBinding = diagnostics.CodeUnusedBinding
	CodeUnusedFormal  = diagnostics.CodeUnusedFormal
)

// SyntaxDiagnostics returns only the syntax errors (lexer and parser).
func (f *File) SyntaxDiagnostics(path string) []diagnostics.Diagnostic {
	out := make([]diagnostics.Diagnostic, 0, len(f.errs))
	for _, e := range f.errs {
		d := diagnostics.Diagnostic{File: path, Range: f.Range(e.start, e.end),
			Severity: diagnostics.Error, Code: CodeSyntax, Message: e.msg}
		if e.fix != "" {
			d.Fix = &diagnostics.Fix{Title: "Insert '" + e.fix + "'", NewText: e.fix}
		}
		out = append(out, d)
	}
	return out
}
