package registry

import (
	"errors"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/resources"
)

// BundledResources extracts the embedded resources (nix/, schema/) into
// <cache>/insomnia-lsp/resources-<content hash> and returns that directory.
// Nix needs real files to import; the hash in the name means a present
// directory is complete and current, so it is reused (and re-created if a
// cache cleaner removed it while the server runs).
func BundledResources() (string, error) {
	cache, err := cacheDir(EnvFromOS)
	if err != nil {
		return "", err
	}
	return resources.ExtractBundled(filepath.Join(cache, "insomnia-lsp"))
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
