package spawn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A random 48-character token, no known shape: only the high-entropy rule
// finds it, and only while it is whole (32 characters or more).
const stderrKey = "Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0PzW5tQ2rB8yN4"

// The pod's stderr is redacted before it is cut: not in the tail, the
// progress lines or the error may any part of the key past its mask show,
// even when the key crosses the cut or the flush of a line with no end.
func TestStderrRedactedBeforeCut(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "stderr.log")
	long := strings.Repeat("x ", (maxLineBytes-20)/2) + stderrKey + " end\n"
	noEnd := strings.Repeat("y ", (maxLineBytes-10)/2) + stderrKey + strings.Repeat(" z", 40)
	text := "starting with " + stderrKey + "\n" + long + noEnd
	if err := os.WriteFile(log, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var progress []string
	w := newWatcher(job{pod: "p", progress: func(s string) { progress = append(progress, s) }}, log, &child{})
	w.readLines()
	if len(progress) < 3 {
		t.Fatalf("progress lines %d, want at least 3", len(progress))
	}
	all := strings.Join(progress, "\n") + w.fail(KindExitedEarly, "", nil).Error()
	for i := 0; i+8 <= len(stderrKey)-4; i++ {
		if piece := stderrKey[4+i : 4+i+8]; strings.Contains(all, piece) {
			t.Fatalf("a piece of the key (%q) shows in %q", piece, all)
		}
	}
	if !strings.Contains(all, "Zq8R…(48 chars)") {
		t.Errorf("no mask in the output: %.300q", all)
	}
}
