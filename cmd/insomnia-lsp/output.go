package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// cliDiagnostic is one diagnostic as the command line prints it: 1-based
// line and column in bytes, as Nix counts them, and the file relative to
// the launch directory when it is under it.
type cliDiagnostic struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	// col16 and endCol16 are the 1-based columns in UTF-16 code units, as
	// LSP counts them (SARIF's and GitHub's columns).
	col16, endCol16 int
}

// String is `file:line:col: severity: message [code]`, on one line: every
// field is escaped, so a file name with a newline cannot forge a line (a CI
// log command).
func (d cliDiagnostic) String() string {
	loc := ""
	if d.File != "" {
		loc = fmt.Sprintf("%s:%d:%d: ", textsafe.Escape(d.File), d.Line, d.Column)
	}
	return fmt.Sprintf("%s%s: %s [%s]", loc, d.Severity, textsafe.Escape(oneLine(d.Message)), textsafe.Escape(d.Code))
}

// printer converts LSP positions (UTF-16) to Nix's byte columns, reading
// each file once.
type printer struct {
	cwd   string
	lines map[string]*diagnostics.Lines
}

func newPrinter(cwd string) *printer {
	return &printer{cwd: cwd, lines: map[string]*diagnostics.Lines{}}
}

// convert sorts by file and position and drops repeats: a file imported by
// several profiles gets the same diagnostic from each, and a problem both
// the static pass and the evaluation see (a plaintext key) comes twice on
// one line; the first column wins.
func (p *printer) convert(ds []diagnostics.Diagnostic) []cliDiagnostic {
	all := make([]cliDiagnostic, 0, len(ds))
	for _, d := range ds {
		c := cliDiagnostic{File: p.rel(d.File), Severity: d.Severity.String(), Code: d.Code,
			Message: secrets.Redact(d.Message)}
		if d.File != "" {
			c.Line, c.Column = p.nixPos(d.File, d.Range.Start)
			c.EndLine, c.EndColumn = p.nixPos(d.File, d.Range.End)
			c.col16, c.endCol16 = d.Range.Start.Col+1, d.Range.End.Col+1
		}
		all = append(all, c)
	}
	sort.SliceStable(all, func(i, j int) bool { return less(all[i], all[j]) })
	out := all[:0]
	seen := map[cliDiagnostic]bool{}
	for _, c := range all {
		key := cliDiagnostic{File: c.File, Line: c.Line, Severity: c.Severity, Code: c.Code, Message: c.Message}
		if !seen[key] {
			seen[key] = true
			out = append(out, c)
		}
	}
	return out
}

func less(a, b cliDiagnostic) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	if a.Severity != b.Severity {
		return a.Severity < b.Severity
	}
	return a.Code+a.Message < b.Code+b.Message
}

// nixPos is the 1-based line and byte column of an LSP position.
func (p *printer) nixPos(file string, pos diagnostics.Pos) (int, int) {
	l, ok := p.lines[file]
	if !ok {
		if text, err := os.ReadFile(file); err == nil {
			l = diagnostics.NewLines(text)
		}
		p.lines[file] = l
	}
	if l == nil {
		return pos.Line + 1, pos.Col + 1
	}
	start := l.Offset(diagnostics.Pos{Line: pos.Line})
	return pos.Line + 1, l.Offset(pos) - start + 1
}

// rel shortens paths under the launch directory.
func (p *printer) rel(file string) string {
	if file == "" {
		return ""
	}
	r, err := filepath.Rel(p.cwd, file)
	if err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return file
	}
	return r
}

func writeDiagnostics(w io.Writer, ds []cliDiagnostic, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(ds)
	}
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func count(ds []cliDiagnostic) (errs, warns int) {
	for _, d := range ds {
		switch d.Severity {
		case diagnostics.Error.String():
			errs++
		case diagnostics.Warning.String():
			warns++
		}
	}
	return errs, warns
}

// oneLine keeps a diagnostic on one line for grep and CI logs.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
