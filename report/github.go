package report

import (
	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
)

// GitHub renders findings as GitHub Actions workflow commands, one a line:
// `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=CODE::MESSAGE`.
// Every field is first made control-free (textsafe) and then escaped as
// the runner expects, so no field can end the command or start another.
func GitHub(fs []Finding) []byte {
	var b strings.Builder
	for _, f := range fs {
		var props []string
		if f.File != "" {
			props = append(props, "file="+ghProperty(f.File),
				fmt.Sprintf("line=%d", f.Line), fmt.Sprintf("col=%d", f.Column),
				fmt.Sprintf("endLine=%d", f.EndLine), fmt.Sprintf("endColumn=%d", f.EndColumn))
		}
		props = append(props, "title="+ghProperty(f.Code))
		fmt.Fprintf(&b, "::%s %s::%s\n", ghCommand(f.Severity), strings.Join(props, ","), ghData(f.Message))
	}
	return []byte(b.String())
}

// ghCommand maps a severity to the annotation commands GitHub knows.
func ghCommand(severity string) string {
	switch severity {
	case "error", "warning":
		return severity
	}
	return "notice"
}

// ghData escapes a command's message as the runner unescapes it.
func ghData(s string) string {
	s = textsafe.Escape(s)
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value: as data, plus the separators.
func ghProperty(s string) string {
	return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(ghData(s))
}
