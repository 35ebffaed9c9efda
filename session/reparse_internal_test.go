package session

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
)

// typeInto sends each text as a didChange of path, in turn, and fails
// unless every version's tree and static diagnostics are those of a full
// nixsyntax.Parse and check.Static of the same text: the session reparses
// incrementally (nixsyntax.Reparse), which must never show.
func typeInto(t *testing.T, w *Session, path string, texts func(i int, prev string) string, n int) {
	t.Helper()
	u := uri.File(path)
	prev := ""
	for i := 0; i < n; i++ {
		text := texts(i, prev)
		w.Change(NewDocument(u, int32(i+1), []byte(text)))
		w.syntax.wait() // until this version's static layer is computed
		f := w.parsedTree(path)
		want := nixsyntax.Parse([]byte(text))
		if string(f.Src) != text || !reflect.DeepEqual(f.Nodes, want.Nodes) || !reflect.DeepEqual(f.Tokens, want.Tokens) {
			t.Fatalf("edit %d: the session's tree is not Parse's", i)
		}
		got, full := w.staticOf(path, f), check.Static(path, want, w.SecretIDs())
		if !reflect.DeepEqual(got, full) {
			t.Fatalf("edit %d: static diagnostics differ from a full parse and check:\n got %v\nwant %v", i, got, full)
		}
		prev = text
	}
}

// TestKeystrokesMatchFullParse: the bench's toggle and random edits of the
// bench profile (typed characters and deletions anywhere, inside strings,
// breaking the syntax, adding and removing bindings) give, version by
// version, what a full Parse + Static gives.
func TestKeystrokesMatchFullParse(t *testing.T) {
	text, dup := tableProfile(300)
	w := New(Options{Cwd: t.TempDir()})
	dir := t.TempDir()
	typeInto(t, w, filepath.Join(dir, "toggle.nix"), func(i int, _ string) string {
		return [2]string{text, dup}[i%2]
	}, 20)
	r := rand.New(rand.NewSource(18))
	n := 300
	if testing.Short() {
		n = 60
	}
	typeInto(t, w, filepath.Join(dir, "random.nix"), func(i int, prev string) string {
		if i == 0 || r.Intn(20) == 0 {
			return text
		}
		return testenv.RandomEdit(r, prev)
	}, n)
}

// TestKeystrokesMatchFullParseCorpus: the same over a sample of the
// corpus (skipped without /work/shared).
func TestKeystrokesMatchFullParseCorpus(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	var files []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".nix" {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no corpus at %s: skipping", root)
	}
	sort.Strings(files)
	w := New(Options{Cwd: t.TempDir()})
	dir, step := t.TempDir(), max(1, len(files)/12)
	for k := 0; k < len(files); k += step {
		src := string(testenv.Read(t, files[k]))
		r := rand.New(rand.NewSource(int64(k)))
		typeInto(t, w, filepath.Join(dir, fmt.Sprintf("c%d.nix", k)), func(i int, prev string) string {
			if i == 0 {
				return src
			}
			return testenv.RandomEdit(r, prev)
		}, 40)
	}
}
