package rules

import "testing"

// Manifest never panics and every diagnostic has a code, a message and a
// place.
func FuzzManifest(f *testing.F) {
	f.Add([]byte(`{"manifest":{"pod":{"name":"p"},"scope":{"allow":[{"target":".","permission":"write"}]},"model":{"ref":"anthropic/m","auth":{"kind":"secret_ref","ref":"a.c"}}}}`))
	f.Add([]byte(`{"manifest":{"model":{"auth":"x"}},"config":1}`))
	f.Add([]byte(`{"pod":{"name":null},"scope":{"allow":[{"target":"/nix/store/x-y","permission":"read"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds := Manifest(ManifestInput{Artifact: data, Positions: realisticPositions(), Fallback: fallback,
			SecretIDs: []string{"a.b"}, Registry: true, ProfileDir: "/ws/p", Workspace: "/ws"})
		for _, d := range ds {
			if d.Code == "" || d.Message == "" || d.File == "" {
				t.Fatalf("incomplete diagnostic %+v for %q", d, data)
			}
		}
	})
}
