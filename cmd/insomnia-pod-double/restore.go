package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// savedSnapshot reads the resolved_manifest_snapshot of a stored pod. A
// missing metadata.json is returned as an os.ErrNotExist error; the double
// never evaluates Nix to restore.
func savedSnapshot(pods, name string) (map[string]any, error) {
	data, err := os.ReadFile(filepath.Join(pods, name, "metadata.json"))
	if err != nil {
		return nil, err
	}
	var m struct {
		Snapshot json.RawMessage `json:"resolved_manifest_snapshot"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("failed to read metadata of pod %s: %v", name, err)
	}
	if len(m.Snapshot) == 0 || string(m.Snapshot) == "null" {
		return nil, fmt.Errorf("pod %s has no resolved manifest snapshot (the double does not evaluate Nix to restore)", name)
	}
	var snap map[string]any
	dec := json.NewDecoder(bytes.NewReader(m.Snapshot))
	dec.UseNumber()
	if err := dec.Decode(&snap); err != nil {
		return nil, fmt.Errorf("pod %s contains an invalid resolved manifest snapshot: %v", name, err)
	}
	return snap, nil
}
