package session

import "testing"

// TestMergeLeavesOldSettingsAlone: a formatter or an evaluation started
// with the old settings still reads their slices while a configuration
// change is merged; json.Unmarshal would write the new argv into the old
// backing array (a data race under -race, and a wrong program started).
func TestMergeLeavesOldSettingsAlone(t *testing.T) {
	old := DefaultSettings().merge([]byte(`{"formatting":{"command":["fmt-a","--x"]},"evaluation":{"passEnv":["A","B"]}}`))
	argv, env := old.Formatting.Command, old.Evaluation.PassEnv
	now := old.merge([]byte(`{"formatting":{"command":["fmt-b","--y"]},"evaluation":{"passEnv":["C","D"]}}`))
	if argv[0] != "fmt-a" || env[0] != "A" {
		t.Errorf("merging changed the old settings' slices: command %q, passEnv %q", argv, env)
	}
	if now.Formatting.Command[0] != "fmt-b" || now.Evaluation.PassEnv[0] != "C" {
		t.Errorf("merged settings: command %q, passEnv %q", now.Formatting.Command, now.Evaluation.PassEnv)
	}
}
