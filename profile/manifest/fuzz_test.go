package manifest

import (
	"encoding/json"
	"testing"
)

// Resolve and Redacted never panic, and a failed Resolve always says why.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `1`, `{"manifest":{"pod":{"name":"x"},"scope":{"allow":[{"target":".","permission":"read"}]}}}`,
		`{"pod":{"name":"x"},"scope":{"allow":[{"target":"a","permission":"write","recursive":false}]},"compaction":{"compact_threshold":1},"model":{"auth":{"kind":"api_key","file":"k"}}}`,
		`{"profile":{"format":"x"}}`, `{"manifest":{"worker":{"reasoning":-1,"tool_output":{"per_tool":{"a":1}}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, problems := Resolve(json.RawMessage(data), "/base", ProfileSource{Kind: "path", Path: "/base/p.nix"})
		if res == nil && len(problems) == 0 {
			t.Fatalf("no result and no problem for %q", data)
		}
		if res != nil && !json.Valid(res.Redacted()) {
			t.Fatalf("invalid redacted JSON for %q", data)
		}
		_, _ = Redacted(data)
	})
}
