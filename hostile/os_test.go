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

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func uriOf(path string) string { return string(uri.File(path)) }
