package gitrev

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// newRepo is a repository whose configuration would run a command (a
// marker file) if git ran its fsmonitor, hooks or filters.
func newRepo(t *testing.T) (dir, marker string) {
	dir = t.TempDir()
	marker = filepath.Join(t.TempDir(), "ran")
	testenv.Git(t, dir, "init", "-q", "-b", "main")
	script := filepath.Join(dir, ".git", "evil.sh")
	testenv.WriteMode(t, script, "#!/bin/sh\ntouch "+marker+"\ncat\n", 0o755)
	for _, hook := range []string{"post-checkout", "pre-commit", "post-commit", "reference-transaction"} {
		testenv.WriteMode(t, filepath.Join(dir, ".git", "hooks", hook), "#!/bin/sh\ntouch "+marker+"\n", 0o755)
	}
	return dir, marker
}

func TestExtract(t *testing.T) {
	testenv.NeedGit(t)
	dir, marker := newRepo(t)
	testenv.WriteMode(t, filepath.Join(dir, "a", "profile.nix"), "{ }\n", 0o644)
	testenv.WriteMode(t, filepath.Join(dir, "run.sh"), "#!/bin/sh\n", 0o755)
	testenv.WriteMode(t, filepath.Join(dir, ".gitattributes"), "*.txt filter=evil\n", 0o644)
	testenv.WriteMode(t, filepath.Join(dir, "notes.txt"), "raw\n", 0o644)
	if err := os.Symlink("a/profile.nix", filepath.Join(dir, "inside")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../etc/passwd", filepath.Join(dir, "outside")); err != nil {
		t.Fatal(err)
	}
	testenv.Git(t, dir, "add", "-A")
	testenv.Git(t, dir, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "one")
	_ = os.Remove(marker)
	// From now on, a command of the repository's configuration would run.
	for _, kv := range [][]string{{"core.fsmonitor", filepath.Join(dir, ".git", "evil.sh")},
		{"filter.evil.smudge", filepath.Join(dir, ".git", "evil.sh")}, {"filter.evil.clean", filepath.Join(dir, ".git", "evil.sh")}} {
		testenv.Git(t, dir, "config", kv[0], kv[1])
	}
	ctx := context.Background()
	r, err := Open(ctx, filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	rev, err := r.Resolve(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	if err := r.Extract(ctx, rev.Commit, dest, DefaultLimit); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "a", "profile.nix")); err != nil || string(b) != "{ }\n" {
		t.Errorf("a/profile.nix = %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dest, "run.sh")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("run.sh: %v %v", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(dest, "inside")); err != nil || target != "a/profile.nix" {
		t.Errorf("inside link = %q, %v", target, err)
	}
	if _, err := os.Lstat(filepath.Join(dest, "outside")); !os.IsNotExist(err) {
		t.Errorf("a link leaving the tree was made: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dest, ".git")); !os.IsNotExist(err) {
		t.Errorf(".git in the extracted tree: %v", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a command of the repository's configuration ran")
	}
	if err := r.Extract(ctx, rev.Commit, t.TempDir(), 8); !errors.As(err, new(*TooLargeError)) {
		t.Errorf("over the limit: %v", err)
	}
}

func TestDefaultBaseAndErrors(t *testing.T) {
	testenv.NeedGit(t)
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()); !errors.As(err, new(*NotRepoError)) {
		t.Errorf("outside a repository: %v", err)
	}
	upstream, _ := newRepo(t)
	testenv.WriteMode(t, filepath.Join(upstream, "f"), "1\n", 0o644)
	testenv.Git(t, upstream, "add", "-A")
	testenv.Git(t, upstream, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "one")
	first := testenv.Git(t, upstream, "rev-parse", "HEAD")

	r, err := Open(ctx, upstream)
	if err != nil {
		t.Fatal(err)
	}
	if rev, err := r.DefaultBase(ctx); err != nil || rev.Commit != first || !strings.Contains(rev.How, "no upstream") {
		t.Errorf("no upstream: %+v, %v", rev, err)
	}
	if _, err := r.Resolve(ctx, "no-such-branch"); !errors.As(err, new(*UnknownRevisionError)) {
		t.Errorf("unknown revision: %v", err)
	}
	if _, err := r.Resolve(ctx, "--output=/tmp/x"); !errors.As(err, new(*UnknownRevisionError)) {
		t.Errorf("an option as a revision: %v", err)
	}

	clone := filepath.Join(t.TempDir(), "clone")
	testenv.Git(t, upstream, "clone", "-q", upstream, clone)
	testenv.WriteMode(t, filepath.Join(clone, "f"), "2\n", 0o644)
	testenv.Git(t, clone, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-am", "two")
	c, err := Open(ctx, clone)
	if err != nil {
		t.Fatal(err)
	}
	if rev, err := c.DefaultBase(ctx); err != nil || rev.Commit != first || rev.Name != "origin/main" || !strings.Contains(rev.How, "merge base") {
		t.Errorf("with an upstream: %+v, %v", rev, err)
	}
}

// A shallow, detached checkout (CI's) reads the revision it has.
func TestShallowDetached(t *testing.T) {
	testenv.NeedGit(t)
	ctx := context.Background()
	upstream, _ := newRepo(t)
	for _, v := range []string{"1", "2", "3"} {
		testenv.WriteMode(t, filepath.Join(upstream, "f"), v+"\n", 0o644)
		testenv.Git(t, upstream, "add", "-A")
		testenv.Git(t, upstream, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", v)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	testenv.Git(t, t.TempDir(), "clone", "-q", "--depth", "1", "file://"+upstream, clone)
	testenv.Git(t, clone, "checkout", "-q", "--detach")
	r, err := Open(ctx, clone)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(ctx, "HEAD~1"); !errors.As(err, new(*UnknownRevisionError)) {
		t.Errorf("a commit the shallow clone lacks: %v", err)
	}
	rev, err := r.Resolve(ctx, "origin/main")
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	if err := r.Extract(ctx, rev.Commit, dest, DefaultLimit); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "f")); string(b) != "3\n" {
		t.Errorf("f = %q", b)
	}
}
