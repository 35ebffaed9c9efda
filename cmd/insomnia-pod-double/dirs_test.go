package main

import "testing"

func TestBaseDirRules(t *testing.T) {
	for _, k := range []string{"INSOMNIA_CONFIG_DIR", "INSOMNIA_DATA_DIR", "INSOMNIA_RUNTIME_DIR",
		"INSOMNIA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", "/h")
	check := func(rule []candidate, want string) {
		t.Helper()
		if got, err := baseDir(rule); err != nil || got != want {
			t.Errorf("got %q %v, want %q", got, err, want)
		}
	}
	check(configDirRule, "/h/.config/insomnia")
	check(dataDirRule, "/h/.insomnia")
	check(runtimeDirRule, "/h/.insomnia/run")
	t.Setenv("XDG_RUNTIME_DIR", "/x")
	check(runtimeDirRule, "/x/insomnia")
	t.Setenv("INSOMNIA_HOME", "/ih")
	check(configDirRule, "/ih/config")
	check(dataDirRule, "/ih")
	check(runtimeDirRule, "/ih/run")
	t.Setenv("INSOMNIA_RUNTIME_DIR", "rel")
	check(runtimeDirRule, "rel")
	t.Setenv("HOME", "")
	t.Setenv("INSOMNIA_HOME", "")
	if _, err := baseDir(dataDirRule); err == nil {
		t.Error("no HOME and no override: want an error")
	}
}
