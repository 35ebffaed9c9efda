package check

import (
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// Static joins the parser's diagnostics and the secret checks on literals
// and secrets.ref call sites.
func TestStatic(t *testing.T) {
	const key = "ghp_Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	src := "let secrets = { ref = id: id; }; in { a = undefinedName; token = \"" + key + "\"; auth = secrets.ref \"no.such.id\"; }\n"
	ds := Static("/p.nix", nixsyntax.Parse([]byte(src)), []string{"llm.default"})
	codes := map[string]int{}
	for _, d := range ds {
		codes[d.Code]++
		if d.File != "/p.nix" || strings.Contains(d.Message, key[4:]) {
			t.Errorf("bad diagnostic %+v", d)
		}
	}
	for _, c := range []string{"undefined-variable", "plaintext-secret", "secret-unknown"} {
		if codes[c] != 1 {
			t.Errorf("code %s: %d times, want 1 (all: %v)", c, codes[c], codes)
		}
	}
}
