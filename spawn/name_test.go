package spawn

import "testing"

func TestSuggestPodName(t *testing.T) {
	cases := []struct {
		cwd      string
		existing []string
		want     string
	}{
		{"/home/me/my project", nil, "my-project"},
		{"/home/me/café.v2_x", nil, "caf-.v2_x"},
		{"/", nil, "pod"},
		{"", nil, "pod"},
		{"/w/..", nil, "pod"},
		{"/w/coder", []string{"coder"}, "coder-2"},
		{"/w/coder", []string{"coder", "coder-2", "coder-3"}, "coder-4"},
		{"/w/coder/", []string{"coder-2"}, "coder"},
		{"/w/--help", nil, "help"},
		{"/w/-", nil, "pod"},
		{"/w/.hidden", nil, "hidden"},
		{"/w/a\nb", nil, "a-b"},
	}
	for _, c := range cases {
		if got := SuggestPodName(c.cwd, c.existing); got != c.want {
			t.Errorf("SuggestPodName(%q, %q) = %q, want %q", c.cwd, c.existing, got, c.want)
		}
	}
}

// Names insomnia-pod would read as an option, or that hold control
// characters or characters the TUI cannot type, are refused.
func TestValidatePodName(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "--help", "-x", "a\nb", "a\x00b", "a/b", "a b", "tab\tname", "\x1b[31m"} {
		if err := ValidatePodName(bad); err == nil {
			t.Errorf("ValidatePodName(%q) = nil", bad)
		}
	}
	for _, good := range []string{"coder", "coder-2", "a.b_c", "x-"} {
		if err := ValidatePodName(good); err != nil {
			t.Errorf("ValidatePodName(%q) = %v", good, err)
		}
	}
}

// The default pod name is the manifest's pod.name, made unique; the
// folder's only when the manifest's name leaves nothing usable.
func TestSuggestPodNameFor(t *testing.T) {
	for _, c := range []struct {
		podName  string
		existing []string
		want     string
	}{
		{"coder", nil, "coder"},
		{"coder", []string{"coder", "coder-2"}, "coder-3"},
		{"my agent", nil, "my-agent"},
		{"", nil, "ws"},
		{"--", []string{"ws"}, "ws-2"},
		{"pod", nil, "pod"},
	} {
		if got := SuggestPodNameFor(c.podName, "/w/ws", c.existing); got != c.want {
			t.Errorf("SuggestPodNameFor(%q, %q) = %q, want %q", c.podName, c.existing, got, c.want)
		}
	}
}

func TestLensTitle(t *testing.T) {
	pods := []Pod{{Name: "coder-1", State: StateRunning}, {Name: "coder-2", State: StateStopped}}
	if got := LensTitle(pods); got != "2 pods: coder-1 (running) · coder-2 (stopped) — Resume" {
		t.Errorf("got %q", got)
	}
	pods = append(pods, Pod{Name: "c3", State: StateCorrupt}, Pod{Name: "c4", State: StateIdle})
	if got := LensTitle(pods); got != "4 pods: coder-1 (running) · coder-2 (stopped) · c3 (corrupt) · +1 more — Resume" {
		t.Errorf("got %q", got)
	}
	if got := LensTitle([]Pod{{Name: "x", State: StateCorrupt}}); got != "1 pod: x (corrupt)" {
		t.Errorf("got %q", got)
	}
	if LensTitle(nil) != "" || DriftTitle(Pod{Name: "x"}, nil) != "" {
		t.Error("no pods, no drift: want empty titles")
	}
}

// One verb per pod state, the same in the drift lens as in the pods lens.
func TestDriftTitleIsShortAndUsesThePodsVerb(t *testing.T) {
	three := []FieldDiff{{Path: "a"}, {Path: "b"}, {Path: "c"}}
	for _, c := range []struct {
		pod   Pod
		diffs []FieldDiff
		want  string
	}{
		{Pod{Name: "coder-2", State: StateStopped}, three, "coder-2 drifted (3 fields) — Resume"},
		{Pod{Name: "coder-2", State: StateIdle}, three[:1], "coder-2 drifted (1 field) — Attach"},
		{Pod{Name: "c", State: StateCorrupt}, three, "c drifted (3 fields)"},
	} {
		if got := DriftTitle(c.pod, c.diffs); got != c.want {
			t.Errorf("DriftTitle(%s) = %q, want %q", c.pod.State, got, c.want)
		}
	}
}
