package resources

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Extract writes fsys to parent/resources-<hash> atomically: it fills a
// temporary sibling and renames it into place; if another process won the
// race, its identical copy is used.
func Extract(fsys fs.FS, parent string) (string, error) {
	sum, err := hashFS(fsys)
	if err != nil {
		return "", err
	}
	return extractTo(fsys, parent, sum)
}

// bundledHash is the content hash of FS, computed once: FS is embedded in
// the binary and never changes, so this is a constant known late.
var bundledHash = sync.OnceValues(func() (string, error) { return hashFS(FS) })

// ExtractBundled is Extract of the embedded FS, hashing it only once per
// process: a present directory costs one stat.
func ExtractBundled(parent string) (string, error) {
	sum, err := bundledHash()
	if err != nil {
		return "", err
	}
	return extractTo(FS, parent, sum)
}

func extractTo(fsys fs.FS, parent, sum string) (string, error) {
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
