package eval

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// corpusDir is ../shared/corpus/nix-lang relative to the repository root.
func corpusDir(t testing.TB) string {
	dir, err := filepath.Abs("../../../shared/corpus/nix-lang")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus absent (%s): Nix error reader not checked against it", dir)
	}
	return dir
}

func describe(pe ParsedError) string {
	pos := "-"
	if pe.Pos != nil {
		pos = fmt.Sprintf("%s:%d:%d", pe.Pos.File, pe.Pos.Line, pe.Pos.Col)
	}
	return fmt.Sprintf("%s | %s | trace=%d", strings.ReplaceAll(pe.Headline, "\n", `\n`), pos, len(pe.Trace))
}

// TestParseErrorCorpus reads every eval-fail-*.err.exp (current Nix) and
// compares headline, innermost position and trace length with a golden
// file reviewed by hand; it also checks facts that hold for every file.
func TestParseErrorCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "eval-fail-*.err.exp"))
	if len(files) == 0 {
		t.Fatal("no eval-fail-*.err.exp in corpus")
	}
	sort.Strings(files)
	var got strings.Builder
	for _, f := range files {
		data := testenv.Read(t, f)
		pe := ParseError(data)
		name := strings.TrimSuffix(filepath.Base(f), ".err.exp")
		checkCorpusFacts(t, name, string(data), pe)
		fmt.Fprintf(&got, "%s | %s\n", name, describe(pe))
	}
	compareGolden(t, "testdata/corpus-errors.golden", got.String())
}

func checkCorpusFacts(t *testing.T, name, text string, pe ParsedError) {
	t.Helper()
	if pe.Headline == "" || strings.HasPrefix(pe.Headline, "error:") || strings.HasPrefix(pe.Headline, "…") {
		t.Errorf("%s: bad headline %q", name, pe.Headline)
	}
	own := "/pwd/lang/" + name + ".nix"
	hasAt := regexp.MustCompile(`at ` + regexp.QuoteMeta(own) + `:\d+:\d+`).MatchString(text)
	if hasAt && pe.Pos == nil {
		t.Errorf("%s: text has a position in %s, reader found none", name, own)
	}
	if pe.Pos != nil && !strings.Contains(text, fmt.Sprintf("%s:%d:%d", pe.Pos.File, pe.Pos.Line, pe.Pos.Col)) {
		t.Errorf("%s: position %v is not in the text", name, *pe.Pos)
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		testenv.Write(t, path, got)
		return
	}
	want := testenv.Read(t, path)
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("%s line %d:\n got  %s\n want %s", path, i+1, g, w)
			}
		}
	}
}

// TestParseErrorTraceNix28: real Nix 2.8 output of an error three imports
// deep, in the text form and in internal-json, reads the same.
func TestParseErrorTraceNix28(t *testing.T) {
	main := fixture(t, "trace/main.nix")
	leaf, mid := fixture(t, "trace/leaf.nix"), fixture(t, "trace/mid.nix")
	text := ParseError(nixStderr(t, "--show-trace", main))
	js := ParseError(nixStderr(t, "--show-trace", "--log-format", "internal-json", main))
	for name, pe := range map[string]ParsedError{"text": text, "internal-json": js} {
		if pe.Headline != "cannot coerce an integer to a string" {
			t.Errorf("%s: headline %q", name, pe.Headline)
		}
		if pe.Pos == nil || *pe.Pos != (NixPos{File: leaf, Line: 3, Col: 14}) {
			t.Errorf("%s: pos %v", name, pe.Pos)
		}
		want := []NixPos{{leaf, 3, 14}, {leaf, 2, 11}, {mid, 2, 13}, {mid, 2, 10}, {main, 5, 23}}
		if fmt.Sprint(pe.Trace) != fmt.Sprint(want) {
			t.Errorf("%s: trace\n got  %v\n want %v", name, pe.Trace, want)
		}
	}
}

// TestParseErrorForms: Nix 2.8's other shapes, from real runs.
func TestParseErrorForms(t *testing.T) {
	cases := []struct {
		expr, headline string
		pos            NixPos
	}{
		{"{ a = 1; a = 2; }", "attribute 'a' already defined at (string):1:3", NixPos{"«string»", 1, 10}},
		{"let x = 1 in x", "syntax error, unexpected IN, expecting ';'", NixPos{"«string»", 1, 11}},
		{"rec { a = b; b = a; }.a", "infinite recursion encountered", NixPos{"«string»", 1, 11}},
		{"throw \"boom\"", "boom", NixPos{}},
		{"(x: x x) (x: x x)", "stack overflow (possible infinite recursion)", NixPos{}},
	}
	for _, c := range cases {
		pe := ParseError(nixStderr(t, "-E", c.expr))
		if pe.Headline != c.headline {
			t.Errorf("%s: headline %q, want %q", c.expr, pe.Headline, c.headline)
		}
		got := NixPos{}
		if pe.Pos != nil {
			got = *pe.Pos
		}
		if got != c.pos {
			t.Errorf("%s: pos %v, want %v", c.expr, got, c.pos)
		}
	}
}

// TestParseErrorCorpusNix28: Nix 2.8 itself on every corpus eval-fail
// file: whenever it prints a position in a file, the reader finds one
// there, and every failure has a headline.
func TestParseErrorCorpusNix28(t *testing.T) {
	dir := corpusDir(t)
	needNix(t)
	if testing.Short() {
		t.Skip("-short: 170 Nix runs skipped")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "eval-fail-*.nix"))
	failed := 0
	for _, f := range files {
		// Restricted, so the fetchurl cases fail at once instead of trying the network.
		argv := append(append([]string{DefaultProgram, "--eval", "--strict", "--json"}, restrictArgs([]string{dir})...), f)
		o := run(context.Background(), runSpec{argv: argv,
			dir: dir, env: childEnv(true), timeout: 10 * time.Second, maxStdout: 1 << 20, maxStderr: 1 << 20})
		if o.exitCode == 0 || o.stopped != stopNone {
			continue // Nix 2.8 accepts a few of them
		}
		failed++
		pe := ParseError(o.stderr)
		name := filepath.Base(f)
		if pe.Headline == "" {
			t.Errorf("%s: no headline in %q", name, o.stderr)
		}
		if regexp.MustCompile(`at ` + regexp.QuoteMeta(f) + `:\d+:\d+`).Match(o.stderr) {
			if pe.Pos == nil || pe.Pos.File != f {
				t.Errorf("%s: position %v, stderr:\n%s", name, pe.Pos, o.stderr)
			}
		}
	}
	if failed < len(files)/2 {
		t.Fatalf("only %d of %d corpus files failed under Nix 2.8", failed, len(files))
	}
}

// A failed exec of git flushes the half-printed manifest into the output
// Nix quotes; the message keeps Nix's words and the child's error only.
func TestMessageWithoutHalfPrintedOutput(t *testing.T) {
	for _, tc := range []struct{ headline, want string }{
		{"getting the HEAD of the Git tree '/p' failed with exit code 1:\n" + `{"artifact":{"manifest":{"model":{"ref":"x"},"pod":{"name":error: executing 'git': No such file or directory`,
			"getting the HEAD of the Git tree '/p' failed with exit code 1:\nexecuting 'git': No such file or directory"},
		{"program 'git' failed with exit code 1:\n" + `{"artifact":{"manifest":`, "program 'git' failed with exit code 1"},
		{"attribute 'x' missing", "attribute 'x' missing"},
	} {
		if got := nixMessage(ParsedError{Headline: tc.headline}, 1); got != tc.want {
			t.Errorf("nixMessage(%q) = %q, want %q", tc.headline, got, tc.want)
		}
	}
}
