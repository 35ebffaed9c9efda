package session

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/uri"
)

// tableProfile is the shape of the stdio benchmark's profile
// (cmd/insomnia-lsp-bench): a let-bound table of n small attribute sets
// and a short manifest; dup is the same text with one duplicate entry.
func tableProfile(n int) (text, dup string) {
	var b strings.Builder
	b.WriteString("let\n  lib = import ./profile-lib.nix { };\n  table = {\n")
	head := b.Len()
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "    e%04d = { label = \"entry %d\"; weight = %d; tags = [ \"t%d\" \"bench\" ]; };\n", i, i, i%7, i%5)
	}
	b.WriteString("  };\nin\nlib.mkProfile {\n  name = \"bench\";\n  pod.name = \"bench\";\n  model.ref = \"anthropic/claude-sonnet-4\";\n}\n")
	text = b.String()
	dup = text[:head] + "    e0001 = { label = \"duplicate\"; weight = 0; tags = [ ]; };\n" + text[head:]
	return text, dup
}

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
