package diagnostics

import (
	_ "embed"
	"regexp"
	"strings"
)

// codesMD is the documented code table, the one source of rule
// descriptions for reports (SARIF rules).
//
//go:embed CODES.md
var codesMD string

// CodeDoc is one documented diagnostic code.
type CodeDoc struct {
	Code     string
	Severity string // error, warning, ...
	Example  string // an example message
}

// codeRow is a row of the table in CODES.md: | `code` | severity | example |.
var codeRow = regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| ([a-z]+) \\| (.*) \\|$")

// DocumentedCodes parses the table of CODES.md, in its order. It is the
// only reader of that file's layout: when the codes move into a Go table,
// only this function changes.
func DocumentedCodes() []CodeDoc {
	var out []CodeDoc
	for _, m := range codeRow.FindAllStringSubmatch(codesMD, -1) {
		out = append(out, CodeDoc{Code: m[1], Severity: m[2], Example: strings.TrimSpace(m[3])})
	}
	return out
}
