package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func refusedAs(t *testing.T, err error, want Reason) {
	t.Helper()
	var r *RefusedError
	if !errors.As(err, &r) || r.Reason != want {
		t.Fatalf("want a refusal (reason %d), got %v", want, err)
	}
}

func TestReadRefusesDevicesAndPipes(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.nix")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero.nix")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dev/zero", link, fifo, "/dev/stdin", dir} {
		done := make(chan error, 1)
		go func() { _, err := Read(p, MaxSourceBytes); done <- err }()
		select {
		case err := <-done:
			refusedAs(t, err, NotRegular)
			t.Logf("%s: %v", p, err)
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocked", p)
		}
	}
}

func TestReadSizeCap(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.nix")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	_, err = Read(big, MaxSourceBytes)
	refusedAs(t, err, TooLarge)
	if want := "not read: " + big + " is 64 MiB, over the 4 MiB limit"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	small := filepath.Join(dir, "small.nix")
	testenv.Write(t, small, "{ }")
	via := filepath.Join(dir, "via.nix")
	if err := os.Symlink(small, via); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(via, 3); err != nil || string(b) != "{ }" {
		t.Errorf("a symlink to a small regular file: %q, %v", b, err)
	}
	_, err = Read(small, 2)
	refusedAs(t, err, TooLarge)
	if _, err := Read(filepath.Join(dir, "gone.nix"), 10); !errors.Is(err, fs.ErrNotExist) || IsRefused(err) {
		t.Errorf("a missing file: want fs.ErrNotExist, got %v", err)
	}
}

func TestWithinResolvesSymlinks(t *testing.T) {
	ws, outside := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "secret.nix")
	testenv.Write(t, target, "x")
	link := filepath.Join(ws, "link.nix")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(ws, "sub", "new.nix") // does not exist yet
	if Within(link, ws) {
		t.Errorf("%s -> %s counted as inside %s", link, target, ws)
	}
	if !Within(inside, ws) || !Within(ws, ws) {
		t.Errorf("paths inside %s counted as outside", ws)
	}
	wsLink := filepath.Join(outside, "ws-link")
	if err := os.Symlink(ws, wsLink); err != nil {
		t.Fatal(err)
	}
	if !Within(filepath.Join(wsLink, "sub", "new.nix"), ws) {
		t.Errorf("a path through a link to the workspace counted as outside")
	}
}
