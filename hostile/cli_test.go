package hostile

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// TestCLIFileNameInjection: a profile file named with a newline and a
// GitHub Actions command cannot forge a line in any command-line output
// (check in text and github format, profiles, resolve; stdout and stderr,
// which the runner parses alike). Only our own annotations start with "::".
func TestCLIFileNameInjection(t *testing.T) {
	needBinary(t)
	root, home := t.TempDir(), t.TempDir()
	evil := "x\n::warning file=x::pwned\r\n::error::pwned.nix"
	testenv.Write(t, filepath.Join(root, ".insomnia", "profiles", evil), "{ a = ; }\n")
	testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"),
		"default = \"evil\"\n[profile]\nevil = \"profiles/x\\n::warning file=x::pwned\\r\\n::error::pwned.nix\"\n")
	for _, args := range [][]string{{"check"}, {"check", "--format", "github"}, {"check", "--no-eval", "--format", "github", ".insomnia/profiles/" + evil},
		{"profiles"}, {"profiles", "--select", "evil"}, {"resolve", "evil"}} {
		_, out := runCLI(t, root, home, args...)
		t.Logf("insomnia-lsp %q:\n%s", args, out)
		if !strings.Contains(out, `pwned\r\n`) && !strings.Contains(out, `pwned\r\n%3A%3Aerror`) {
			t.Errorf("%q: the escaped name is missing", args)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, "\r "), "::") && !strings.HasPrefix(l, "::error file=.insomnia/profiles/x\\n%3A%3Awarning") {
				t.Errorf("%q: forged line %q", args, l)
			}
		}
	}
}
