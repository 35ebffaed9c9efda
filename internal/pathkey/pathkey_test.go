package pathkey

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWithinIsInclusiveAndLexical(t *testing.T) {
	for _, tc := range []struct {
		path, dir string
		want      bool
	}{
		{"/a/b", "/a", true},
		{"/a", "/a", true},
		{"/a/", "/a", true},
		{"/ab", "/a", false},
		{"/a/../b", "/a", false},
		{"/a/..b", "/a", true},
		{"/", "/a", false},
	} {
		if got := Within(tc.path, tc.dir); got != tc.want {
			t.Errorf("Within(%q, %q) = %v, want %v", tc.path, tc.dir, got, tc.want)
		}
	}
}

func TestSameResolvesSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.nix")
	link := filepath.Join(dir, "link.nix")
	if err := os.WriteFile(real, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if !Same(link, real) || !Same(real+"/", filepath.Join(dir, ".", "real.nix")) {
		t.Error("a link and its target, or two spellings of one file, are not the same")
	}
	if Same(real, filepath.Join(dir, "other.nix")) || Same("", "") {
		t.Error("different files (or no file) are the same")
	}
}
