package nixsyntax

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// corpusDir is ../shared/corpus relative to the repository root.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not found at %s (../shared/corpus from the repo root): skipping", dir)
	}
	return dir
}

func corpusFiles(t testing.TB, sub, pattern string) []string {
	t.Helper()
	root := filepath.Join(corpusDir(t), sub)
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".nix") {
			if ok, _ := filepath.Match(pattern, d.Name()); ok {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no %s files under %s", pattern, root)
	}
	return out
}

// readFile keeps its name for this package's benchmarks and differential tests.
var readFile = testenv.Read

func errorsOf(ds []diagnostics.Diagnostic) []diagnostics.Diagnostic {
	var out []diagnostics.Diagnostic
	for _, d := range ds {
		if d.Severity == diagnostics.Error {
			out = append(out, d)
		}
	}
	return out
}

func TestCorpusValidFilesParseClean(t *testing.T) {
	var files []string
	files = append(files, corpusFiles(t, "nix-lang", "parse-okay-*.nix")...)
	files = append(files, corpusFiles(t, "nix-lang", "eval-okay-*.nix")...)
	files = append(files, corpusFiles(t, "home-manager", "*.nix")...)
	for _, p := range files {
		f := Parse(readFile(t, p))
		for _, d := range errorsOf(f.Diagnostics(p)) {
			t.Errorf("%s:%d:%d: %s: %s", p, d.Range.Start.Line+1, d.Range.Start.Col+1, d.Code, d.Message)
		}
	}
}

var errLineRe = regexp.MustCompile(`at «stdin»:(\d+):(\d+):`)

func TestCorpusParseFail(t *testing.T) {
	for _, p := range corpusFiles(t, "nix-lang", "parse-fail-*.nix") {
		f := Parse(readFile(t, p))
		errs := errorsOf(f.Diagnostics(p))
		if len(errs) == 0 {
			t.Errorf("%s: no error reported", p)
			continue
		}
		exp, err := os.ReadFile(strings.TrimSuffix(p, ".nix") + ".err.exp")
		if err != nil {
			continue
		}
		m := errLineRe.FindSubmatch(exp)
		if m == nil {
			continue
		}
		line, _ := strconv.Atoi(string(m[1]))
		found := false
		for _, d := range errs {
			found = found || d.Range.Start.Line+1 == line
		}
		if !found {
			t.Errorf("%s: Nix reports line %d; we report %v", p, line, errs)
		}
	}
}

func TestCorpusRoundTrip(t *testing.T) {
	files := corpusFiles(t, "nix-lang", "*.nix")
	files = append(files, corpusFiles(t, "home-manager", "*.nix")...)
	for _, p := range files {
		src := readFile(t, p)
		f := Parse(src)
		if got := reprint(f); !bytes.Equal(got, src) {
			t.Errorf("%s: tokens do not reprint the input", p)
		}
		checkTree(t, p, f)
	}
}

// reprint concatenates every token's text.
func reprint(f *File) []byte {
	var b bytes.Buffer
	for _, tk := range f.Tokens {
		b.Write(f.Src[tk.Start:tk.End])
	}
	return b.Bytes()
}

// checkTree verifies tokens are contiguous and that children nest in order
// inside their parents.
func checkTree(t testing.TB, name string, f *File) {
	t.Helper()
	prev := int32(0)
	for _, tk := range f.Tokens {
		if tk.Start != prev || tk.End < tk.Start {
			t.Fatalf("%s: token gap at %d", name, tk.Start)
		}
		prev = tk.End
	}
	if int(prev) != len(f.Src) {
		t.Fatalf("%s: tokens end at %d of %d", name, prev, len(f.Src))
	}
	var walk func(id NodeID)
	walk = func(id NodeID) {
		n := f.Node(id)
		at := n.Start
		for _, k := range f.Kids(id) {
			c := f.Node(k)
			if c.Start < at || c.End > n.End || c.End < c.Start {
				t.Fatalf("%s: child %v [%d,%d) outside parent %v [%d,%d) or out of order", name, c.Kind, c.Start, c.End, n.Kind, n.Start, n.End)
			}
			at = c.End
			walk(k)
		}
	}
	walk(f.Root)
}
