// Package secrets reads the ids of the insomnia secret store and recognises
// secret values, so that references can be checked and plaintext keys can be
// reported and masked. It never reads, decrypts or returns a secret value:
// the store's ids are the keys of its entries map (contract §8).
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
)

// StoreFile is the store's place under the data directory.
const StoreFile = "secrets/store.json"

// storeHeader decodes only what listing ids needs. Entries stay raw so that
// nonce, ciphertext and tag are never decoded or copied anywhere.
type storeHeader struct {
	Version *int                       `json:"version"`
	Entries map[string]json.RawMessage `json:"entries"`
}

// ListIDs returns the sorted ids of <dataDir>/secrets/store.json. A missing
// file is an empty store; a version other than 1 is an error. Errors name
// the file, never its content.
func ListIDs(dataDir string) ([]string, error) {
	path := filepath.Join(dataDir, StoreFile)
	raw, err := safefile.Read(path, safefile.MaxSecretStoreBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret store %s: %w", path, err)
	}
	var h storeHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		// The decoder's message can quote content; keep only the position.
		return nil, fmt.Errorf("secret store %s: not a valid store file", path)
	}
	if h.Version == nil || *h.Version != 1 {
		return nil, fmt.Errorf("secret store %s: unsupported version (want 1)", path)
	}
	ids := make([]string, 0, len(h.Entries))
	for id := range h.Entries {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// CheckableIDs is what the editor checks references against: the store's
// ids, or nil (do not check) when there is no store file at all or it cannot
// be read. Without a store every reference would be flagged on a fresh
// machine, which says nothing the user can act on; the id syntax is still
// checked.
func CheckableIDs(dataDir string) []string {
	if _, err := os.Stat(filepath.Join(dataDir, StoreFile)); err != nil {
		return nil
	}
	ids, err := ListIDs(dataDir)
	if err != nil {
		return nil
	}
	return ids
}
