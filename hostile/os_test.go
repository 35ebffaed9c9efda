package hostile

import (
	"os"
	"syscall"
	"testing"

	"go.lsp.dev/uri"
)

func killPid(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func uriOf(path string) string { return string(uri.File(path)) }
