package diagnostics

import (
	"regexp"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// CODES.md documents exactly the codes of AllCodes, in the same order.
func TestCodesDocumented(t *testing.T) {
	doc := testenv.Read(t, "CODES.md")
	rows := regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| (error|warning|information|hint) \\|").FindAllStringSubmatch(string(doc), -1)
	var listed []string
	for _, r := range rows {
		listed = append(listed, r[1])
	}
	if got, want := strings.Join(listed, "\n"), strings.Join(AllCodes(), "\n"); got != want {
		t.Errorf("CODES.md lists\n%s\n\nAllCodes is\n%s", got, want)
	}
}

// No code appears twice in the table.
func TestCodesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range AllCodes() {
		if seen[c] {
			t.Errorf("code %q listed twice", c)
		}
		seen[c] = true
	}
}
