package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/insomnia-lsp/insomnia-lsp/resources"
)

var (
	bundledMu  sync.Mutex
	bundledDir string
)

// BundledResources extracts the embedded resources (nix/, schema/) into
// <cache>/insomnia-lsp/resources-<content hash> and returns that directory.
// Nix needs real files to import; the hash in the name means a present
// directory is complete and current, so it is reused (and re-created if a
// cache cleaner removed it while the server runs).
func BundledResources() (string, error) {
	bundledMu.Lock()
	defer bundledMu.Unlock()
	if bundledDir != "" {
		if fi, err := os.Stat(bundledDir); err == nil && fi.IsDir() {
			return bundledDir, nil
		}
	}
	cache, err := cacheDir(EnvFromOS)
	if err != nil {
		return "", err
	}
	dir, err := ExtractFS(resources.FS, filepath.Join(cache, "insomnia-lsp"))
	if err != nil {
		return "", err
	}
	bundledDir = dir
	return dir, nil
}

// cacheDir is $XDG_CACHE_HOME, else $HOME/.cache.
func cacheDir(env Env) (string, error) {
	if v := env("XDG_CACHE_HOME"); v != "" {
		return v, nil
	}
	if h := env("HOME"); h != "" {
		return filepath.Join(h, ".cache"), nil
	}
	return "", errors.New("cannot place the bundled resources: neither XDG_CACHE_HOME nor HOME is set (set INSOMNIA_RESOURCE_DIR)")
}

// ExtractFS writes fsys to parent/resources-<hash> atomically: it fills a
// temporary sibling and renames it into place; if another process won the
// race, its identical copy is used.
func ExtractFS(fsys fs.FS, parent string) (string, error) {
	sum, err := hashFS(fsys)
	if err != nil {
		return "", err
	}
	dest := filepath.Join(parent, "resources-"+sum)
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		return dest, nil
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("bundled resources: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".resources-tmp-")
	if err != nil {
		return "", fmt.Errorf("bundled resources: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	if err := copyFS(fsys, tmp); err != nil {
		return "", fmt.Errorf("bundled resources: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("bundled resources: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		if fi, statErr := os.Stat(dest); statErr == nil && fi.IsDir() {
			return dest, nil // a concurrent extraction finished first
		}
		return "", fmt.Errorf("bundled resources: %w", err)
	}
	return dest, nil
}

// hashFS hashes every file's path and content in WalkDir's (sorted) order.
func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00", p)
		_, err = io.Copy(h, f)
		h.Write([]byte{0})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bundled resources: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func copyFS(fsys fs.FS, dir string) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
