package eval

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
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
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
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
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update once and review the file)", err, t.Name())
	}
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
