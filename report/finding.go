// Package report renders findings (diagnostics as the command line prints
// them) in the formats CI reads: GitHub Actions workflow commands and SARIF
// 2.1.0. It takes a list of findings and returns bytes, and knows nothing
// of how the findings were made.
package report

// Finding is one diagnostic to report.
type Finding struct {
	// File is relative to the source root when under it, else absolute;
	// empty for a finding on no file.
	File string
	// Line and EndLine are 1-based.
	Line, EndLine int
	// Column and EndColumn are 1-based, in UTF-16 code units (as LSP
	// positions, SARIF's default column kind and GitHub's annotations).
	Column, EndColumn int
	Severity          string // error, warning, info or hint
	Code              string
	Message           string // one line, already redacted
}
