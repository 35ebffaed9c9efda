package nixsyntax

import (
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// BenchmarkReparseToggle is the bench's keystroke (a duplicate entry
// toggled in the 1,000-line profile) through Reparse; BenchmarkParseToggle
// the same texts parsed whole.
func BenchmarkReparseToggle(b *testing.B) { benchToggle(b, Reparse) }

func BenchmarkParseToggle(b *testing.B) {
	benchToggle(b, func(_ *File, src []byte) *File { return Parse(src) })
}

func benchToggle(b *testing.B, parse func(*File, []byte) *File) {
	text, dup := testenv.TableProfile(985)
	texts := [2][]byte{[]byte(text), []byte(dup)}
	f := Parse(texts[0])
	b.ReportAllocs()
	i := 1
	for b.Loop() {
		f = parse(f, texts[i%2])
		i++
	}
}
