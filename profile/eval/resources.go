package eval

import (
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
	return resources.Extract(resources.FS, root)
}

// defaultResourcesRoot is where WriteResources goes when Options say nothing.
func defaultResourcesRoot() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "insomnia-lsp")
	}
	return filepath.Join(os.TempDir(), "insomnia-lsp-"+strconv.Itoa(os.Getuid()))
}
