package eval

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseError: any stderr gives a result without panicking, and a
// reported position is one of the trace's.
func FuzzParseError(f *testing.F) {
	f.Add([]byte("error: boom\n\n       at /a.nix:1:2:\n"))
	f.Add([]byte("@nix {\"action\":\"msg\",\"level\":0,\"file\":\"x\",\"line\":1,\"column\":2,\"msg\":\"error: x\",\"trace\":[{}]}\n"))
	f.Add([]byte("error:\n       … while\n         at «string»:1:1:\n\n       error: x at (string):1:3\n"))
	if files, _ := filepath.Glob("../../../shared/corpus/nix-lang/eval-fail-*.err.exp"); len(files) > 0 {
		for _, p := range files[:10] {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pe := ParseError(data)
		if pe.Pos == nil {
			return
		}
		for _, p := range pe.Trace {
			if p == *pe.Pos {
				return
			}
		}
		t.Fatalf("position %v not in trace %v", *pe.Pos, pe.Trace)
	})
}
