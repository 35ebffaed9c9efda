package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEShowsCheckOutput keeps the README's first example honest: the
// block after "Its output:" is what `check` prints on the examples (stdout,
// then the summary line on stderr).
func TestREADMEShowsCheckOutput(t *testing.T) {
	needNix(t)
	isolate(t)
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(raw), "Its output:\n\n```\n")
	block, _, closed := strings.Cut(after, "```")
	if !ok || !closed {
		t.Fatal("README.md has no check output block after \"Its output:\"")
	}
	r := runIn(t, examplesDir(t), "check")
	if got := r.stdout + r.stderr; got != block {
		t.Errorf("README.md says check prints\n%s\nit prints\n%s", block, got)
	}
}
