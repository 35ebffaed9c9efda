// Package pathkey is the one place that says when two file paths name the
// same file and when a path lies in a folder. Before it, three helpers
// named samePath/sameFile disagreed (lexical in one place, resolving
// symlinks in another) and four named within disagreed on whether the
// folder itself is within it, and on their arguments' order.
//
// The semantics: Same resolves symlinks (an editor opens a file through a
// link, Nix reports the real path); Within is lexical and inclusive (a
// folder is within itself), arguments (path, dir), and callers that need
// link-resolved folders pass Real(dir).
package pathkey

import (
	"path/filepath"
	"strings"
)

// Real is p made absolute, cleaned, and symlink-resolved when it exists.
func Real(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return filepath.Clean(p)
}

// Same says a and b name the same file: equal once cleaned, or once
// symlinks are resolved. Empty paths name no file.
func Same(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return filepath.Clean(a) == filepath.Clean(b) || Real(a) == Real(b)
}

// Within says path is dir or lies below it (lexically, after cleaning).
func Within(path, dir string) bool {
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(path))
	return err == nil && !filepath.IsAbs(rel) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
