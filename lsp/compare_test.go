package lsp_test

import (
	"strings"
	"testing"
)

// Issue point 3: a drifted pod has a Compare lens, and insomnia.podSnapshot
// gives the two sides of the diff: the saved snapshot and the profile today.
func TestComparePodSnapshotWithProfile(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, nil)
	t.Setenv("INSOMNIA_POD_DOUBLE_MODE", "drift")
	if err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": "cmp"}, nil); err != nil {
		t.Fatalf("spawnPod: %v", err)
	}
	l := awaitLens(t, c, e.coder(), "Compare cmp with the profile")
	if l.Command != "insomnia.compareProfiles" || l.Arg["pod"] != "cmp" {
		t.Errorf("compare lens %+v", l)
	}
	var res struct{ PodName, Profile, Saved, Current, Message string }
	if err := c.Command("insomnia.podSnapshot", map[string]string{"name": "cmp"}, &res); err != nil {
		t.Fatalf("podSnapshot: %v", err)
	}
	if res.PodName != "cmp" || res.Profile != "project:coder" || res.Message != "" {
		t.Errorf("podSnapshot %+v", res)
	}
	if !strings.Contains(res.Current, `"anthropic/claude-sonnet"`) || strings.Contains(res.Saved, `"anthropic/claude-sonnet"`) ||
		!strings.Contains(res.Saved, "\n  ") {
		t.Errorf("want the drifted model.ref only in the current side, indented:\nsaved %s\ncurrent %s", res.Saved, res.Current)
	}
	if err := c.Command("insomnia.podSnapshot", map[string]string{"name": "nope"}, &res); err == nil {
		t.Error("a missing pod gave no error")
	}
}
