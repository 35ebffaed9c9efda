package spawn

import "encoding/json"

// PodInfo is one row of insomnia.listPods (docs/server-contract.md).
type PodInfo struct {
	Name         string      `json:"name"`
	State        string      `json:"state"`
	Profile      string      `json:"profile"`
	SnapshotHash string      `json:"snapshotHash"`
	Drift        []FieldDiff `json:"drift"`
	Corrupt      string      `json:"corrupt,omitempty"`
	Attach       []string    `json:"attach"`
}

// Describe turns a listed pod into its listPods row. current is the
// profile's latest resolved snapshot (nil when unknown, e.g. the profile
// does not evaluate); Drift then stays empty. A snapshot that cannot be
// compared leaves SnapshotHash empty rather than failing the listing.
func Describe(p Pod, current json.RawMessage, currentBase string) PodInfo {
	info := PodInfo{Name: p.Name, State: p.State, Profile: p.Profile, Corrupt: p.Corrupt,
		Drift: []FieldDiff{}, Attach: AttachCommand(p.Name)}
	if len(p.Snapshot) == 0 || string(p.Snapshot) == "null" {
		return info
	}
	info.SnapshotHash, _ = SnapshotHash(p.Snapshot, "")
	if current != nil {
		if d, err := CompareSnapshots(p.Snapshot, current, CompareOptions{CurrentBase: currentBase}); err == nil && d != nil {
			info.Drift = d
		}
	}
	return info
}
