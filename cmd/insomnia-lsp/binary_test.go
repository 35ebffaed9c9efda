package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"
)

// The built binary behaves as run() does in-process: same output, same
// exit status, summary on stderr.
func TestBinaryCheckExamples(t *testing.T) {
	needNix(t)
	if testing.Short() {
		t.Skip("builds the binary")
	}
	isolate(t)
	bin := filepath.Join(t.TempDir(), "insomnia-lsp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := examplesDir(t)
	cmd := exec.Command(bin, "check")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v\n%s", err, stderr.String())
	}
	want := runIn(t, dir, "check")
	if stdout.String() != want.stdout || stderr.String() != want.stderr {
		t.Errorf("binary output differs from run():\n%s%s\nvs\n%s%s", stdout.String(), stderr.String(), want.stdout, want.stderr)
	}
	if len(linesWith(stdout.String(), "[syntax-error]")) != 1 || len(linesWith(stdout.String(), "[nix-error]")) != 0 {
		t.Errorf("want broken.nix's one syntax-error line and no nix-error line in %q", stdout.String())
	}
}
