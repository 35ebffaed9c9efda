package spawn

import (
	"encoding/json"
	"strings"
	"testing"
)

func diffStrings(t *testing.T, saved, current string, opts CompareOptions) []string {
	t.Helper()
	diffs, err := CompareSnapshots(json.RawMessage(saved), json.RawMessage(current), opts)
	if err != nil {
		t.Fatalf("CompareSnapshots: %v", err)
	}
	out := make([]string, len(diffs))
	for i, d := range diffs {
		out[i] = d.String()
	}
	return out
}

func TestCompareSnapshotsNormalises(t *testing.T) {
	cases := []struct {
		name, saved, current string
		opts                 CompareOptions
	}{
		{"base dot", `{"scope":{"allow":[{"target":"/w/.","permission":"write"}]}}`,
			`{"scope":{"allow":[{"target":"/w","permission":"write","recursive":true}]}}`, CompareOptions{}},
		{"relative joined to base", `{"scope":{"allow":[{"target":"/w/p/.","permission":"read"}]},"skills":{"directories":["/w/p/sk"]}}`,
			`{"scope":{"allow":[{"target":".","permission":"read"}]},"skills":{"directories":["./sk"]}}`, CompareOptions{CurrentBase: "/w/p"}},
		{"pod rename and provenance", `{"pod":{"name":"coder-2"},"profile":{"source":{"kind":"path","path":"/a.nix"}}}`,
			`{"pod":{"name":"coder"}}`, CompareOptions{}},
		{"null and absent", `{"permissions":null,"model":{"ref":"a/b","base_url":null},"worker":{"stop_sequences":[]}}`,
			`{"model":{"ref":"a/b"}}`, CompareOptions{}},
		{"defaults and aliases", `{"worker":{"tool_output":{"default_max_bytes":65536},"file_upload":{"max_bytes":262144}},"compaction":{"threshold":200000,"retained_tokens":8000,"worker_max_turns":20}}`,
			`{"compaction":{"compact_threshold":200000}}`, CompareOptions{}},
		{"numbers", `{"worker":{"temperature":1.0,"max_tokens":4096}}`, `{"worker":{"temperature":1,"max_tokens":4.096e3}}`, CompareOptions{}},
	}
	for _, c := range cases {
		if d := diffStrings(t, c.saved, c.current, c.opts); len(d) != 0 {
			t.Errorf("%s: want no drift, got %q", c.name, d)
		}
		h1, _ := SnapshotHash(json.RawMessage(c.saved), c.opts.SavedBase)
		h2, _ := SnapshotHash(json.RawMessage(c.current), c.opts.CurrentBase)
		if h1 != h2 || len(h1) != 64 {
			t.Errorf("%s: hashes differ: %s %s", c.name, h1, h2)
		}
	}
}

func TestCompareSnapshotsFindsDrift(t *testing.T) {
	saved := `{"pod":{"name":"c-2"},"model":{"ref":"anthropic/a"},"worker":{"reasoning":"high"},
		"scope":{"allow":[{"target":"/w","permission":"write"}]},"memory":{}}`
	current := `{"pod":{"name":"c"},"model":{"ref":"anthropic/b"},"worker":{"reasoning":4096},
		"scope":{"allow":[{"target":"/w","permission":"read"},{"target":"/x","permission":"read"}]}}`
	got := strings.Join(diffStrings(t, saved, current, CompareOptions{}), "\n")
	want := strings.Join([]string{
		"memory: " + `{"extract_worker_max_turns":8,"inject_summary":true,"language":"English"}` + " → (unset)",
		"model.ref: anthropic/a → anthropic/b",
		"scope.allow[0].permission: write → read",
		`scope.allow[1]: (unset) → {"permission":"read","recursive":true,"target":"/x"}`,
		"worker.reasoning: high → 4096",
	}, "\n")
	if got != want {
		t.Errorf("diffs:\n%s\nwant:\n%s", got, want)
	}
}

func TestCompareSnapshotsRejectsBadInput(t *testing.T) {
	for _, bad := range []string{"", "[1]", "{", `"x"`, "null"} {
		if _, err := CompareSnapshots(json.RawMessage(bad), json.RawMessage(`{}`), CompareOptions{}); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestFormatDiffsAndRender(t *testing.T) {
	long := strings.Repeat("x", 200)
	diffs := []FieldDiff{{"a", "1", "2"}, {"b", "x", "y"}, {"c", Unset, render(long)}}
	if got := FormatDiffs(diffs, 2); got != "a: 1 → 2; b: x → y (+1 more)" {
		t.Errorf("FormatDiffs = %q", got)
	}
	if r := []rune(diffs[2].Current); len(r) != maxValueRunes || r[len(r)-1] != '…' {
		t.Errorf("render did not cut a long value: %d runes", len(r))
	}
}

func TestDescribe(t *testing.T) {
	p := Pod{Name: "c-2", State: StateStopped, Profile: "project:c",
		Snapshot: json.RawMessage(`{"pod":{"name":"c-2"},"model":{"ref":"a/x"}}`)}
	info := Describe(p, json.RawMessage(`{"pod":{"name":"c"},"model":{"ref":"a/y"}}`), "")
	want, _ := SnapshotHash(json.RawMessage(`{"model":{"ref":"a/x"}}`), "")
	if info.SnapshotHash != want || len(info.Drift) != 1 || info.Drift[0].String() != "model.ref: a/x → a/y" ||
		info.Attach[2] != "c-2" {
		t.Errorf("info = %+v", info)
	}
	data, _ := json.Marshal(Describe(Pod{Name: "z", State: StateCorrupt, Corrupt: "bad"}, nil, ""))
	if string(data) != `{"name":"z","state":"corrupt","profile":"","snapshotHash":"","drift":[],"corrupt":"bad","attach":["insomnia","--pod","z"]}` {
		t.Errorf("json = %s", data)
	}
}
