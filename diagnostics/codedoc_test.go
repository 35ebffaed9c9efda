package diagnostics

import (
	"regexp"
	"testing"
)

// The parser reads every row of the table, with its severity and example.
func TestDocumentedCodes(t *testing.T) {
	docs := DocumentedCodes()
	rows := regexp.MustCompile("(?m)^\\| `").FindAllString(codesMD, -1)
	if len(docs) == 0 || len(docs) != len(rows) {
		t.Fatalf("parsed %d codes, CODES.md has %d rows", len(docs), len(rows))
	}
	byCode := map[string]CodeDoc{}
	for _, d := range docs {
		byCode[d.Code] = d
		if !validSeverity(d.Severity) || d.Example == "" {
			t.Errorf("bad row %+v", d)
		}
	}
	if d := byCode[CodeMissingRequired]; d.Severity != "error" || d.Example != "missing required field: pod.name" {
		t.Errorf("missing-required parsed as %+v", d)
	}
	if d := byCode[CodeUnknownField]; d.Severity != "warning" {
		t.Errorf("unknown-field parsed as %+v", d)
	}
}

func validSeverity(s string) bool {
	switch s {
	case "error", "warning", "information", "hint":
		return true
	}
	return false
}
