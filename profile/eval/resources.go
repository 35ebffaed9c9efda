package eval

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/insomnia-lsp/insomnia-lsp/resources"
)

// WrapperFile is the evaluation wrapper, relative to the resources dir.
const WrapperFile = "nix/eval-wrapper.nix"

// WriteResources puts the bundled resources (nix/ with profile-lib.nix,
// the builtin profiles and the wrapper; schema/) on disk under root, in a
// folder named by their content hash, and returns that folder. Nix needs
// real files, and an untrusted evaluation may read only there. The name
// and layout are those of registry.BundledResources, so both share one
// copy. Existing copies are reused; a new one appears atomically.
func WriteResources(root string) (string, error) {
	files, order, sum, err := bundled()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "resources-"+sum)
	if _, err := os.Stat(filepath.Join(dir, WrapperFile)); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, ".resources-tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, name := range order {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process won the race: its copy is identical.
		if _, statErr := os.Stat(filepath.Join(dir, WrapperFile)); statErr != nil {
			return "", err
		}
	}
	return dir, nil
}

// bundled reads the embedded resources in WalkDir order and hashes each
// path and content the way registry.ExtractFS does.
func bundled() (map[string][]byte, []string, string, error) {
	files := map[string][]byte{}
	var order []string
	h := sha256.New()
	err := fs.WalkDir(resources.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := resources.FS.ReadFile(p)
		if err != nil {
			return err
		}
		files[p] = data
		order = append(order, p)
		h.Write([]byte(p + "\x00"))
		h.Write(data)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		return nil, nil, "", err
	}
	return files, order, hex.EncodeToString(h.Sum(nil))[:16], nil
}

// defaultResourcesRoot is where WriteResources goes when Options say nothing.
func defaultResourcesRoot() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "insomnia-lsp")
	}
	return filepath.Join(os.TempDir(), "insomnia-lsp-"+strconv.Itoa(os.Getuid()))
}
