package main

import (
	"fmt"
	"io"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/report"
)

// checkFormat picks the output format from --format and --json (the older
// spelling of --format json); "" when they disagree or the name is unknown.
func checkFormat(format string, asJSON bool) string {
	if asJSON && (format == "" || format == "json") {
		return "json"
	}
	if asJSON {
		return ""
	}
	switch format {
	case "":
		return "text"
	case "text", "json", "sarif", "github":
		return format
	}
	return ""
}

// writeFormat prints the diagnostics of a check in one format.
func writeFormat(w io.Writer, format string, ds []cliDiagnostic, cwd string) error {
	switch format {
	case "sarif":
		b, err := report.SARIF(findings(ds), report.SARIFTool{Name: "insomnia-lsp", Version: version,
			InformationURI: "https://github.com/insomnia-lsp/insomnia-lsp", Rules: documentedRules(), SrcRoot: cwd})
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "github":
		_, err := w.Write(report.GitHub(findings(ds)))
		return err
	}
	return writeDiagnostics(w, ds, format == "json")
}

// findings are the diagnostics for report: UTF-16 columns, one-line
// messages.
func findings(ds []cliDiagnostic) []report.Finding {
	out := make([]report.Finding, 0, len(ds))
	for _, d := range ds {
		out = append(out, report.Finding{File: d.File, Line: d.Line, EndLine: d.EndLine,
			Column: d.col16, EndColumn: d.endCol16, Severity: d.Severity, Code: d.Code, Message: oneLine(d.Message)})
	}
	return out
}

// documentedRules are the codes of diagnostics/CODES.md as SARIF rules.
func documentedRules() []report.Rule {
	var out []report.Rule
	for _, c := range diagnostics.DocumentedCodes() {
		out = append(out, report.Rule{ID: c.Code, Level: c.Severity,
			Description: fmt.Sprintf("%s (%s), e.g. %s", c.Code, c.Severity, c.Example)})
	}
	return out
}
