package lspproc

import (
	"fmt"
	"strings"
	"testing"
)

// Frames split anywhere across writes are measured by their bodies.
func TestFrameMeter(t *testing.T) {
	var all strings.Builder
	for _, n := range []int{10, 70000, 0, 3} {
		body := strings.Repeat("x", n)
		fmt.Fprintf(&all, "Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n%s", n, body)
	}
	m := &frameMeter{}
	s := all.String()
	for len(s) > 0 {
		k := min(len(s), 7)
		_, _ = m.Write([]byte(s[:k]))
		s = s[k:]
	}
	if m.largest != 70000 || m.frames != 4 {
		t.Errorf("largest %d of %d frames, want 70000 of 4", m.largest, m.frames)
	}
}
