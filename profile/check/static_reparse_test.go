package check

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/rules"
)

// reparseProfile has something for every static check in a table big
// enough to splice: plaintext keys (as literals, under a model with a
// provider, in a base_url, as a name), env fields, secrets.ref calls,
// undefined and unused names, duplicates.
func reparseProfile() string {
	const key = "ghp_Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	var b strings.Builder
	b.WriteString("let\n  secrets = { ref = id: id; };\n  unused = 1;\n  table = {\n")
	for i := range 60 {
		fmt.Fprintf(&b, "    e%02d = { label = \"entry %d\"; tags = [ \"t%d\" x%d ]; };\n", i, i, i%3, i%4)
		switch i % 15 {
		case 3:
			fmt.Fprintf(&b, "    k%d = { model = { ref = \"anthropic/claude\"; auth.key = \"%s\"; }; };\n", i, key)
		case 7:
			fmt.Fprintf(&b, "    w%d = { web.search = { api_key_env = \"1BAD\"; base_url = \"https://u:%s@h\"; }; };\n", i, key)
		case 11:
			fmt.Fprintf(&b, "    r%d = { auth = secrets.ref \"llm.anthropic.defualt\"; dup = 1; dup = 2; };\n", i)
		}
	}
	b.WriteString("  };\n  x0 = 0; x1 = 1; x2 = 2;\nin\n{\n  inherit table;\n  model.auth = " + key[:30] + "-x;\n  pod.name = \"t\";\n}\n")
	return b.String()
}

// allStrings is Static with every literal given to the secret checks, not
// only those rules.Relevant keeps.
func allStrings(path string, f *nixsyntax.File, ids []string) []diagnostics.Diagnostic {
	in := StaticInput(path, f, ids)
	in.Strings = nil
	for _, s := range nixsyntax.Strings(f) {
		if s.Literal {
			in.Strings = append(in.Strings, rules.StaticString{File: path, Range: s.Range, Value: s.Value, AttrPath: s.Path})
		}
	}
	return append(Syntax(path, f), rules.Static(in)...)
}

// TestStaticAfterReparse: on every keystroke of a random typing session,
// Static of the tree Reparse splices (which takes over the old tree's
// results for what did not change) is Static of a fresh parse, and Static
// with every literal looked at.
func TestStaticAfterReparse(t *testing.T) {
	src := reparseProfile()
	ids := []string{"llm.anthropic.default", "brave.search.default"}
	r := rand.New(rand.NewSource(7))
	prev := nixsyntax.Parse([]byte(src))
	Static("/p.nix", prev, ids)
	n, findings := 300, 0
	if testing.Short() {
		n = 100
	}
	for i := range n {
		base := string(prev.Src)
		if prev.HasSyntaxErrors() && r.Intn(3) == 0 {
			base = src
		}
		b := []byte(testenv.RandomEdit(r, base))
		got := nixsyntax.Reparse(prev, b)
		g, w := Static("/p.nix", got, ids), Static("/p.nix", nixsyntax.Parse(b), ids)
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("edit %d: Static after Reparse differs from a fresh parse:\n got %v\nwant %v", i, g, w)
		}
		// Without a store, a fix's id comes from the model's provider.
		for _, ids := range [][]string{ids, nil} {
			if g, all := Static("/p.nix", got, ids), allStrings("/p.nix", got, ids); !reflect.DeepEqual(g, all) {
				t.Fatalf("edit %d: Static on the relevant literals differs from Static on all of them:\n got %v\nwant %v", i, g, all)
			}
		}
		findings += len(g)
		prev = got
	}
	if findings < n*5 {
		t.Fatalf("%d diagnostics over %d edits: the profile lost its mistakes", findings, n)
	}
}
