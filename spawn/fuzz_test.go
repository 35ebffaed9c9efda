package spawn

import (
	"encoding/json"
	"testing"
)

// Snapshots come from files anyone can write: comparing and hashing them
// must never panic, and a snapshot never drifts from itself.
func FuzzCompareSnapshots(f *testing.F) {
	f.Add(`{"worker":5}`, `{"scope":{"allow":[{"target":"."}]}}`)
	f.Add(`{"pod":{"name":"a"},"compaction":{"compact_threshold":1.5e3}}`, `{"session":null,"skills":{}}`)
	f.Add(`{"scope":"x","memory":[],"model":{"auth":{"file":"k"}}}`, `[]`)
	f.Fuzz(func(t *testing.T, a, b string) {
		_, _ = CompareSnapshots(json.RawMessage(a), json.RawMessage(b), CompareOptions{SavedBase: "/b", CurrentBase: "rel"})
		_, _ = SnapshotHash(json.RawMessage(a), "/b")
		if diffs, err := CompareSnapshots(json.RawMessage(a), json.RawMessage(a), CompareOptions{}); err == nil && len(diffs) > 0 {
			t.Errorf("%q drifts from itself: %v", a, diffs)
		}
	})
}

func FuzzParseReadyLine(f *testing.F) {
	f.Add("INSOMNIA-READY\tcoder\t/run/sock")
	f.Fuzz(func(t *testing.T, line string) {
		name, sock, ok := ParseReadyLine(line)
		if ok && (name == "" || sock == "") {
			t.Errorf("accepted %q with an empty field", line)
		}
	})
}
