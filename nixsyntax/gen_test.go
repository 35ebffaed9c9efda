package nixsyntax

import (
	"math/rand"
	"os/exec"
	"strings"
	"testing"
)

var genOps = []string{"+", "-", "*", "/", "++", "//", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "->"}
var genAtoms = []string{"a", "1", "\"s\"", "true", "./p", "[ ]", "{ }", "x", "2.5", "''i''", "<n>"}

// genExpr builds a random expression mixing every construct, mostly valid.
func genExpr(r *rand.Rand, depth int) string {
	if depth > 3 {
		return genAtoms[r.Intn(len(genAtoms))]
	}
	sub := func() string { return genExpr(r, depth+1) }
	forms := []func() string{
		func() string { return sub() + " " + genOps[r.Intn(len(genOps))] + " " + sub() },
		func() string { return []string{"!", "-"}[r.Intn(2)] + sub() },
		func() string { return sub() + " ? " + []string{"a", "a.b", "\"s\"", "${a}"}[r.Intn(4)] },
		func() string { return "(" + sub() + ")" },
		func() string { return sub() + ".b or " + sub() },
		func() string { return "f " + sub() },
		func() string { return "if " + sub() + " then " + sub() + " else " + sub() },
		func() string { return "let a = " + sub() + "; in " + sub() },
		func() string {
			extra := []string{"", "b.c = 1;", "a.b = 2;", "inherit x;", "inherit (x) a;", "\"a\" = 1;", "${a} = 1;"}
			return "{ a = " + sub() + "; " + extra[r.Intn(len(extra))] + " }"
		},
		func() string { return "x: " + sub() },
		func() string { return "{ a ? " + sub() + ", ... }@x: " + sub() },
		func() string { return "[ " + sub() + " " + sub() + " ]" },
		func() string { return "with x; " + sub() },
		func() string { return "assert " + sub() + "; " + sub() },
		func() string { return "\"${" + sub() + "}\"" },
	}
	return forms[r.Intn(len(forms))]()
}

// TestDifferentialGenerated compares accept/reject with Nix on random
// expressions, a third of them with one token deleted.
func TestDifferentialGenerated(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate not installed: skipping the differential test")
	}
	r := rand.New(rand.NewSource(11))
	accepted := 0
	const n = 200
	for i := 0; i < n; i++ {
		src := "let f = x: x; x = {}; a = 1; in " + genExpr(r, 0)
		if r.Intn(3) == 0 {
			toks := strings.Split(src, " ")
			k := r.Intn(len(toks))
			src = strings.Join(append(toks[:k:k], toks[k+1:]...), " ")
		}
		ours := weAccept([]byte(src))
		if nixOK := nixAccepts(t, nix, src, true); nixOK != ours {
			t.Errorf("%q: nix accepts=%v, we accept=%v", src, nixOK, ours)
		}
		if ours {
			accepted++
		}
	}
	t.Logf("%d generated expressions, %d accepted", n, accepted)
	if accepted == 0 || accepted == n {
		t.Error("the sample should mix accepted and rejected expressions")
	}
}
