package session

import (
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"

	"go.lsp.dev/uri"
)

// tableProfile is the stdio benchmark's profile shape.
var tableProfile = testenv.TableProfile

// BenchmarkKeystroke is one didChange of a 1,000-line profile as the
// session handles it (document, parse, imports, static diagnostics),
// alternating between two texts so every change is new.
func BenchmarkKeystroke(b *testing.B) {
	text, dup := tableProfile(985)
	w := New(Options{Cwd: b.TempDir()})
	path := b.TempDir() + "/bench.nix"
	u := uri.File(path)
	texts := [2][]byte{[]byte(text), []byte(dup)}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.Change(NewDocument(u, int32(i), texts[i%2]))
		w.syntax.wait() // until its diagnostics are published
		i++
	}
}
