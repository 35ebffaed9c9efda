package main

import (
	"errors"
	"os"
	"path/filepath"
)

// A base directory is the first non-empty candidate (contract §3.1): an
// empty variable counts as unset, "~" is not expanded, relative values are
// used as they are.
type candidate struct {
	env    string // variable to read
	suffix string // appended to its value
}

var (
	configDirRule = []candidate{
		{"INSOMNIA_CONFIG_DIR", ""}, {"INSOMNIA_HOME", "config"},
		{"XDG_CONFIG_HOME", "insomnia"}, {"HOME", ".config/insomnia"},
	}
	dataDirRule = []candidate{
		{"INSOMNIA_DATA_DIR", ""}, {"INSOMNIA_HOME", ""}, {"HOME", ".insomnia"},
	}
	runtimeDirRule = []candidate{
		{"INSOMNIA_RUNTIME_DIR", ""}, {"INSOMNIA_HOME", "run"},
		{"XDG_RUNTIME_DIR", "insomnia"}, {"HOME", ".insomnia/run"},
	}
)

func baseDir(rule []candidate) (string, error) {
	for _, c := range rule {
		if v := os.Getenv(c.env); v != "" {
			if c.suffix == "" {
				return v, nil
			}
			return filepath.Join(v, c.suffix), nil
		}
	}
	return "", errors.New("cannot determine a base directory: set " + rule[0].env + " or HOME")
}

// resourceDir: INSOMNIA_RESOURCE_DIR, else <exe dir>/../share/insomnia/resources
// when it exists (symlinks of the executable resolved, as current_exe does).
func resourceDir() string {
	if v := os.Getenv("INSOMNIA_RESOURCE_DIR"); v != "" {
		return v
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	dir := filepath.Join(filepath.Dir(exe), "..", "share", "insomnia", "resources")
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	return ""
}
