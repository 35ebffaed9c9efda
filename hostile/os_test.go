package hostile

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
)

func killPid(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func uriOf(path string) string { return string(uri.File(path)) }

// formatterGone waits until the formatter's process group (its pid is the
// group id: it was started with Setpgid) has no process left.
func formatterGone(t *testing.T, c *hcase, pids string) {
	t.Helper()
	for _, field := range strings.Fields(pids) {
		pgid, err := strconv.Atoi(field)
		if err != nil {
			t.Fatalf("pid file: %v", err)
		}
		err = c.p.WaitFor(10*time.Second, func() bool { return len(groupMembers(pgid)) == 0 })
		if err != nil {
			t.Errorf("formatter process group %d still has %v", pgid, groupMembers(pgid))
		}
	}
}

// groupMembers lists the live processes whose process group is pgid.
func groupMembers(pgid int) []lspproc.ProcInfo {
	var out []lspproc.ProcInfo
	for _, p := range lspproc.Processes() {
		if p.Pgrp == pgid && p.State != "Z" {
			out = append(out, p)
		}
	}
	return out
}
