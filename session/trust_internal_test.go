package session

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Issue "Safe by default", point 1: only JSON true grants trust.
func TestParseTrustFailsClosed(t *testing.T) {
	for raw, want := range map[string]bool{
		``: false, `null`: false, `{}`: false, `{"trusted": null}`: false, `{"trusted": "true"}`: false,
		`{"trusted": 1}`: false, `{"trusted": false}`: false, `{"trusted": {}}`: false, `[true]`: false,
		`{"trusted": true}`: true, `{"insomnia": {"trusted": true}}`: true, `{"insomnia": {"trusted": "yes"}}`: false,
	} {
		if got := ParseTrust([]byte(raw)).all; got != want {
			t.Errorf("ParseTrust(%s).all = %v, want %v", raw, got, want)
		}
	}
}

func TestTrustedRootsResolveSymlinks(t *testing.T) {
	base := t.TempDir()
	in, out := filepath.Join(base, "in"), filepath.Join(base, "out")
	for _, d := range []string{in, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(out, filepath.Join(in, "link")); err != nil {
		t.Fatal(err)
	}
	tr := ParseTrust([]byte(`{"trustedRoots": ["file://` + in + `", "relative/dir", 7, null]}`))
	if len(tr.roots) != 1 {
		t.Fatalf("roots %q: want only the absolute one", tr.roots)
	}
	cases := map[string]bool{
		in: true, filepath.Join(in, "a.nix"): true, filepath.Join(in, "sub", "new.nix"): true,
		out: false, filepath.Join(in, "link", "a.nix"): false, filepath.Join(in, "..", "out", "a.nix"): false,
		in + "-sibling": false, "": false,
	}
	for p, want := range cases {
		if got := tr.covers(p); got != want {
			t.Errorf("covers(%q) = %v, want %v", p, got, want)
		}
	}
	if (Trust{}).covers(in) {
		t.Error("the zero trust covers a folder")
	}
}

func TestMentionsTrust(t *testing.T) {
	for raw, want := range map[string]bool{`{"trusted": true}`: true, `{"insomnia": {"trustedRoots": []}}`: true,
		`{"nixPath": "x"}`: false, `null`: false} {
		if got := mentionsTrust([]byte(raw)); got != want {
			t.Errorf("mentionsTrust(%s) = %v, want %v", raw, got, want)
		}
	}
}

// Point 7: whatever the source, the limits stay in their bounds.
func TestSettingsClamped(t *testing.T) {
	cpus := runtime.NumCPU()
	s := DefaultSettings().merge([]byte(`{"evaluation": {"maxConcurrent": 1000, "timeoutMs": 2147483647,
		"debounceMs": -5}, "pod": {"readyTimeoutMs": 99999999}}`))
	if s.Evaluation.MaxConcurrent != cpus || s.Evaluation.TimeoutMs != MaxTimeoutMs ||
		s.Evaluation.DebounceMs != MinDebounceMs || s.Pod.ReadyTimeoutMs != MaxReadyTimeoutMs {
		t.Errorf("not clamped: %+v", s)
	}
	s = DefaultSettings().merge([]byte(`{"evaluation": {"maxConcurrent": -3, "timeoutMs": 1, "debounceMs": 99999},
		"pod": {"readyTimeoutMs": 0}}`))
	if s.Evaluation.MaxConcurrent != MinMaxConcurrent || s.Evaluation.TimeoutMs != MinTimeoutMs ||
		s.Evaluation.DebounceMs != MaxDebounceMs || s.Pod.ReadyTimeoutMs != MinReadyTimeoutMs {
		t.Errorf("not clamped from below: %+v", s)
	}
	s = DefaultSettings().merge([]byte(`{"evaluation": {"maxConcurrent": 0}}`))
	if s.Evaluation.MaxConcurrent != cpus || s.Evaluation.TimeoutMs != 10000 || s.Evaluation.DebounceMs != 200 {
		t.Errorf("0 = NumCPU and the defaults kept: %+v", s)
	}
}
