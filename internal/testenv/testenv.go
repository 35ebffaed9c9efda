// Package testenv is the set-up that tests of several packages share:
// skips when a tool is missing, files written into temporary folders, and
// git repositories isolated from the user's configuration.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NeedNix skips a test that runs real Nix when there is none.
func NeedNix(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not installed (apt-get install nix-bin)")
	}
}

// NeedGit skips a test that runs git when there is none.
func NeedGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// Write writes text to path (mode 0644), making its folder, and returns path.
func Write(t testing.TB, path, text string) string {
	t.Helper()
	return WriteMode(t, path, text, 0o644)
}

// WriteMode is Write with the file's permissions.
func WriteMode(t testing.TB, path, text string, perm os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), perm); err != nil {
		t.Fatal(err)
	}
	return path
}

// Files writes each file (a slash path relative to the folder) into a new
// temporary folder and returns the folder.
func Files(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		Write(t, filepath.Join(dir, filepath.FromSlash(name)), text)
	}
	return dir
}

// Read is the file's content; a test fails when it cannot be read.
func Read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ReadText is Read as a string.
func ReadText(t testing.TB, path string) string {
	t.Helper()
	return string(Read(t, path))
}

// CopyDir copies the regular files below src to the same places below dst.
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Git runs git in dir and returns its output, trimmed. The user's and the
// system's configuration are not read (they could sign, hook or prompt),
// and the author and committer are fixed.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Evaluate is what `nix-instantiate --eval --strict --json file` prints:
// the profile's artifact as real Nix gives it, to compare the server's
// with. The test is skipped where there is no Nix and fails where Nix does.
func Evaluate(t testing.TB, file string) []byte {
	t.Helper()
	NeedNix(t)
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", file).Output()
	if err != nil {
		t.Fatalf("nix-instantiate %s: %v", file, err)
	}
	return out
}

// HookedRepo makes dir a git repository (one commit) whose .git/config
// runs a script whenever git looks at the work tree (core.fsmonitor): the
// script creates the returned marker, outside dir, so a test sees whether
// anything ran git there. The script passes its input through (it can be
// a filter too); its path is returned for more hooks.
func HookedRepo(t testing.TB, dir string) (marker, hook string) {
	t.Helper()
	NeedGit(t)
	marker = filepath.Join(t.TempDir(), "marker")
	hook = WriteMode(t, filepath.Join(t.TempDir(), "hook.sh"), "#!/bin/sh\ntouch "+marker+"\ncat\n", 0o755)
	Write(t, filepath.Join(dir, "README"), "a repository\n")
	for _, args := range [][]string{{"init", "-q", "."}, {"add", "README"}, {"commit", "-qm", "init"},
		{"config", "core.fsmonitor", hook}} {
		Git(t, dir, args...)
	}
	return marker, hook
}

// EachNixFile calls f with the path and the content of every .nix file
// below dir, in lexical order; a test fails when the walk does.
func EachNixFile(t testing.TB, dir string, f func(path string, src []byte)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".nix" {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f(p, src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
