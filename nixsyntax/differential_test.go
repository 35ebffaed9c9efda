package nixsyntax

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// nixAccepts runs `nix-instantiate --parse` (which also rejects undefined
// variables and duplicate attributes) on a file or, with expr, an expression.
func nixAccepts(t *testing.T, nix, arg string, expr bool) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := []string{"--parse", arg}
	if expr {
		args = []string{"--parse", "-E", " " + arg} // a leading "-" would read as a flag
	}
	cmd := exec.CommandContext(ctx, nix, args...)
	cmd.Dir = t.TempDir()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("nix-instantiate timed out on %s", arg)
	}
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("running nix-instantiate: %v", err)
	}
	return err == nil
}

func weAccept(src []byte) bool { return len(errorsOf(Parse(src).Diagnostics("x.nix"))) == 0 }

// sample takes n files spread evenly over the sorted list.
func sample(files []string, n int) []string {
	sort.Strings(files)
	if len(files) <= n {
		return files
	}
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, files[i*len(files)/n])
	}
	return out
}

func TestDifferentialFiles(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate not installed: skipping the differential test")
	}
	var files []string
	files = append(files, corpusFiles(t, "nix-lang", "parse-okay-*.nix")...)
	files = append(files, corpusFiles(t, "nix-lang", "parse-fail-*.nix")...)
	files = append(files, sample(corpusFiles(t, "nix-lang", "eval-okay-*.nix"), 15)...)
	files = append(files, sample(corpusFiles(t, "nix-lang", "eval-fail-*.nix"), 10)...)
	files = append(files, corpusFiles(t, "nix-lang", "eval-fail-dynamic-attrs-*.nix")...)
	files = append(files, corpusFiles(t, "nix-lang", "eval-fail-path-slash.nix")...)
	files = append(files, sample(corpusFiles(t, "home-manager", "*.nix"), 20)...)
	if os.Getenv("NIXSYNTAX_FULL_DIFF") != "" { // every corpus file (slow: one nix-instantiate each)
		files = append(corpusFiles(t, "nix-lang", "*.nix"), corpusFiles(t, "home-manager", "*.nix")...)
	}
	accepted, rejected := 0, 0
	for _, p := range files {
		nixOK := nixAccepts(t, nix, p, false)
		if ours := weAccept(readFile(t, p)); ours != nixOK {
			t.Errorf("%s: nix accepts=%v, we accept=%v", filepath.Base(p), nixOK, ours)
		}
		if nixOK {
			accepted++
		} else {
			rejected++
		}
	}
	t.Logf("%d files: nix accepted %d, rejected %d", len(files), accepted, rejected)
	if accepted == 0 || rejected == 0 {
		t.Errorf("sample should mix accepted and rejected files")
	}
}

// Expressions chosen for the corners of the grammar; Nix decides each.
// (We accept every "__name" on purpose, so "__foo" is not here: Nix 2.8
// rejects names its version lacks, newer ones define more.)
var differentialExprs = []string{
	"a: b: a + b", "x:x", "{ a, b ? a, ... }@c: [a b c]", "a@{ b }: b", "{ a, a }: a", "a@{ a }: a",
	"let a = 1; a = 2; in a", "{ a.b = 1; a = { c = 2; }; }", "{ a.b = 1; a = { b = 2; }; }",
	"{ a = 1; a.b = 2; }", "{ a = { b = 1; }; a = { c = 1; }; }", "let inherit x; in 1",
	"{ inherit (builtins) map; map = 1; }", "rec { a = b; b = 1; }", "{ a = b; b = 1; }",
	"with builtins; foo", "!a: 1", "1 + if true then 1 else 2", "-1 ? a", "a == b == c", "a < b < c",
	"a ? b ? c", "1 ++ 2 ++ 3", "true -> false -> true", "[ 1 2 (3) ]", "builtins.map or 1",
	"let f = a: a; in f or", "./a/${\"b\"}/c", "./a/", "~/a", "<nixpkgs/lib>", "http://a/b", "1.5e3",
	"''\n  a ''${b} '''\n''", "\"a${\"b\"}c\\n\"", "{ ${\"a\"} = 1; a = 2; }", "{ \"a\" = 1; a = 2; }",
	"let ${\"a\"} = 1; in a", "{ inherit \"a\"; a = 1; }", "let { body = 1; }", "assert true; 1",
	"{ a = 1 }", "(1", "a.if", "a.or", "{ or = 1; }.or", "__curPos", "99999999999999999999",
	"a // b // c", "{} // {}", "a != b != c", "a < b == c", "a == b < c", "a ? b.c or d", "-a ? b",
	"a ++ b ? c ++ d", "a.b.c or d.e or f", "!a.b or c", "f -1", "f - 1", "a-1", "a - -1", "[ -1 ]", "f x y.z or q", "1 /* c */ + # d\n 2", "a |> b", "{ ... }: 1",
	"{ a, ... , b }: 1", "let in 1", "let a = 1; in let b = a; in b",
	"1.0e999", "1.0e-999", "0.0e5", "1e-300", "9223372036854775807", "9223372036854775808",
	"\"$\"", "", ", ''${''", "\"a\\", "x: x:y", "{ a = 1; } ? a.${\"b\"}",
	"let a = 1; in { inherit a; inherit (a) a; }", "{ \"${\"a\"}\" = 1; a = 2; }",
	"let \"${\"a\"}\" = 1; in a", "{ inherit ${\"a\"}; }", "let a = 1; in { inherit \"a\"; }",
	"{ ${\"a\" + \"b\"} = 1; }", "''a''\\", "''a''$''", "''${\"x\"}''",
}

func TestDifferentialSnippets(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate not installed: skipping the differential test")
	}
	for _, e := range differentialExprs {
		// as is (scope checks count), then under `with {}` where no
		// variable is undefined, so only syntax and duplicates decide
		for _, src := range []string{e, "with {}; " + e} {
			if nixOK, ours := nixAccepts(t, nix, src, true), weAccept([]byte(src)); nixOK != ours {
				t.Errorf("%q: nix accepts=%v, we accept=%v", src, nixOK, ours)
			}
		}
	}
}
