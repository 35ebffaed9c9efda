package eval

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/insomnia-lsp/insomnia-lsp/resources"
)

// WrapperFile is the evaluation wrapper, relative to the resources dir.
const WrapperFile = "nix/eval-wrapper.nix"

// WriteResources puts the bundled nix/ folder (profile-lib.nix, the builtin
// profiles, the wrapper) on disk under root, in a folder named by its
// content hash, and returns that folder. Nix needs real files, and an
// untrusted evaluation may read only there. Existing copies are reused; a
// new one appears atomically (written aside, then renamed).
func WriteResources(root string) (string, error) {
	files, sum, err := bundledNix()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "resources-"+sum[:16])
	if _, err := os.Stat(filepath.Join(dir, WrapperFile)); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, ".resources-*")
	if err != nil {
		return "", err
	}
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process won the race: its copy is identical.
		os.RemoveAll(tmp)
		if _, statErr := os.Stat(filepath.Join(dir, WrapperFile)); statErr != nil {
			return "", err
		}
	}
	return dir, nil
}

// bundledNix reads nix/ from the embedded resources and hashes it.
func bundledNix() (map[string][]byte, string, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(resources.FS, "nix", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := resources.FS.ReadFile(p)
		files[p] = data
		return err
	})
	if err != nil {
		return nil, "", err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "\x00"))
		h.Write(files[n])
		h.Write([]byte{0})
	}
	return files, hex.EncodeToString(h.Sum(nil)), nil
}

// defaultResourcesRoot is where WriteResources goes when Options say nothing.
func defaultResourcesRoot() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "insomnia-lsp")
	}
	return filepath.Join(os.TempDir(), "insomnia-lsp-"+strconv.Itoa(os.Getuid()))
}
