package resources

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestExtract(t *testing.T) {
	parent := t.TempDir()
	fsys := fstest.MapFS{
		"nix/profile-lib.nix":      {Data: []byte("{ }: { }\n")},
		"nix/profiles/default.nix": {Data: []byte("{ }\n")},
	}
	dir, err := Extract(fsys, parent)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "nix/profiles/default.nix"))
	if err != nil || string(got) != "{ }\n" {
		t.Fatalf("extracted file: %q %v", got, err)
	}
	again, err := Extract(fsys, parent)
	if err != nil || again != dir {
		t.Fatalf("second extraction: %q %v, want reuse of %q", again, err, dir)
	}
	fsys["nix/profile-lib.nix"] = &fstest.MapFile{Data: []byte("changed")}
	other, err := Extract(fsys, parent)
	if err != nil || other == dir {
		t.Fatalf("changed content must get a new directory, got %q %v", other, err)
	}
	des, _ := os.ReadDir(parent)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".resources-tmp-") {
			t.Fatalf("temporary directory left behind: %s", de.Name())
		}
	}
}
