package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// isolate gives the test its own insomnia directories (no user registry,
// an empty secret store) and the bundled resources.
func isolate(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("INSOMNIA_CONFIG_DIR", filepath.Join(home, "config"))
	t.Setenv("INSOMNIA_DATA_DIR", filepath.Join(home, "data"))
	t.Setenv("INSOMNIA_RUNTIME_DIR", filepath.Join(home, "run"))
	t.Setenv("INSOMNIA_RESOURCE_DIR", "")
	t.Setenv("INSOMNIA_POD_COMMAND", "/nonexistent/insomnia-pod")
}

// evaluates is the start of a test that runs real Nix: it skips without
// Nix and isolates the test's insomnia directories.
func evaluates(t *testing.T) {
	t.Helper()
	testenv.NeedNix(t)
	isolate(t)
}

// examplesDir is the repository's examples workspace.
func examplesDir(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// builtinDefault is the bundled builtin:default profile file.
func builtinDefault(t *testing.T) string {
	t.Helper()
	dirs, err := registry.ResolveDirs(registry.EnvFromOS, registry.BundledResources)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dirs.BuiltinDir(), "default.nix")
}

type runResult struct {
	code           int
	stdout, stderr string
}

// runIn runs the command in-process from dir.
func runIn(t *testing.T, dir string, args ...string) runResult {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	t.Logf("insomnia-lsp %s (in %s): exit %d\nstdout:\n%sstderr:\n%s", strings.Join(args, " "), dir, code, out.String(), errb.String())
	return runResult{code, out.String(), errb.String()}
}

// linesWith are the output lines containing every one of parts.
func linesWith(out string, parts ...string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		ok := l != ""
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			got = append(got, l)
		}
	}
	return got
}
