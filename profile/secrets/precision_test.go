package secrets

import (
	"os"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// corpusRoot is ../shared/corpus from the repository root.
const corpusRoot = "../../../shared/corpus"

// literal is one string literal of a .nix file, with where it came from.
type literal struct {
	file  string
	path  []string
	value string
}

// literalSet is the string literals of every .nix file under dir, or nil
// (and a skip message) when dir is absent.
func literalSet(t testing.TB, dir string) []literal {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s is absent (the shared corpus is not part of the repository): %v", dir, err)
	}
	var out []literal
	testenv.EachNixFile(t, dir, func(p string, src []byte) {
		for _, s := range nixsyntax.Strings(nixsyntax.Parse(src)) {
			if s.Literal {
				out = append(out, literal{file: p, path: s.Path, value: s.Value})
			}
		}
	})
	if len(out) == 0 {
		t.Fatalf("no string literals under %s", dir)
	}
	return out
}

// precisionSets are the corpora every literal of which must be judged
// not a secret when it stands in a non-credential field.
var precisionSets = []struct{ name, dir string }{
	{"home-manager", corpusRoot + "/home-manager"},
	{"nix-lang", corpusRoot + "/nix-lang"},
	{"examples", "../../examples"},
}

// quoteShort shows a corpus literal in a failure message (these are
// public corpus strings, not secrets), cut to a readable length.
func quoteShort(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ReplaceAll(s, "\n", `\n`)
}

// TestPrecisionCorpus: no literal of real Nix (home-manager's modules,
// the Nix language tests, our examples) is a credential outside a
// credential field, whatever the name of the field it is bound to.
func TestPrecisionCorpus(t *testing.T) {
	for _, set := range precisionSets {
		t.Run(set.name, func(t *testing.T) {
			lits := literalSet(t, set.dir)
			bad := 0
			for _, l := range lits {
				if Plaintext(l.value, fieldOf(l.path), false) {
					bad++
					if bad <= 20 {
						t.Errorf("%s: %s = %q judged a credential", l.file, strings.Join(l.path, "."), quoteShort(l.value))
					}
				}
			}
			t.Logf("%s: %d literals, %d findings", set.name, len(lits), bad)
		})
	}
}
