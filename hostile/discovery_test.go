package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// badFiles puts, in dir, every kind of file discovery cannot read: a
// symlink loop, a FIFO (opening it for reading would block forever), a
// directory named like a profile, a dangling symlink, a profile folder
// that is a symlink loop, and (when not root, who reads anything) a file
// without read permission. It returns the profile names.
func badFiles(t *testing.T, dir string, fifo bool) []string {
	t.Helper()
	mkdir(t, dir)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink("loop.nix", filepath.Join(dir, "loop.nix")))
	mkdir(t, filepath.Join(dir, "dir.nix"))
	must(os.Symlink("nowhere/gone.nix", filepath.Join(dir, "dangling.nix")))
	must(os.Symlink("cycle", filepath.Join(dir, "cycle")))
	names := []string{"loop", "dir", "dangling"}
	if fifo {
		must(syscall.Mkfifo(filepath.Join(dir, "fifo.nix"), 0o644))
		names = append(names, "fifo")
	}
	if os.Geteuid() != 0 {
		locked := testenv.Write(t, filepath.Join(dir, "locked.nix"), "{ }")
		must(os.Chmod(locked, 0))
		names = append(names, "locked")
	}
	return names
}

func resourceDirEnv(root, home string) []string {
	return []string{"INSOMNIA_RESOURCE_DIR=" + filepath.Join(home, "resources")}
}

// TestDiscoveryHostileFiles: unreadable entries in the project registry
// and in the builtin dir get diagnostics; the good profiles beside them
// still evaluate and nothing blocks.
func TestDiscoveryHostileFiles(t *testing.T) { discoveryHostile(t, false) }

// TestRegistryEntryIsFIFO: the same with a FIFO as a project entry.
func TestRegistryEntryIsFIFO(t *testing.T) {
	discoveryHostile(t, true)
}

func discoveryHostile(t *testing.T, fifo bool) {
	var good, fine string
	var names []string
	c := start(t, caseOpts{envFn: resourceDirEnv, setup: func(root, home string) {
		reg := filepath.Join(root, ".insomnia")
		var toml strings.Builder
		toml.WriteString("[profile]\ngood = \"good.nix\"\n")
		names = badFiles(t, reg, fifo)
		for _, n := range names {
			toml.WriteString(n + " = \"" + n + ".nix\"\n")
		}
		good = testenv.Write(t, filepath.Join(reg, "good.nix"), profile(t, "  pod.name = \"good\";\n"))
		testenv.Write(t, filepath.Join(reg, "profiles.toml"), toml.String())
		builtin := filepath.Join(home, "resources", "nix", "profiles")
		badFiles(t, builtin, true)
		fine = testenv.Write(t, filepath.Join(builtin, "fine.nix"), profile(t, "  pod.name = \"fine\";\n"))
	}})
	for _, p := range []string{good, fine} {
		if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, p) == "ok" }); err != nil {
			t.Errorf("%s beside the bad files is not evaluated: %s", p, describeStates(c.p))
		}
	}
	reg := filepath.Join(c.root, ".insomnia", "profiles.toml")
	if err := c.p.Open(reg, testenv.ReadText(t, reg)); err != nil {
		t.Fatal(err)
	}
	ds, err := c.p.AwaitDiagnostics(reg, awaitLong, func(ds []lspproc.Diag) bool { return len(ds) >= len(names) })
	if err != nil {
		t.Errorf("profiles.toml: want a diagnostic for each of %v, got %s", names, describe(ds))
	}
	t.Logf("profiles.toml diagnostics: %s", describe(ds))
	c.healthy(reg)
}

// TestRegistryFileItselfHostile: profiles.toml where discovery looks (the
// project's .insomnia/ and the user's config dir) is a symlink loop.
// Discovery must not block; an open profile still evaluates.
func TestRegistryFileItselfHostile(t *testing.T) { registryFileHostile(t, "loop", true, true) }

// TestRegistryFileIsFIFO: the same with FIFOs.
func TestRegistryFileIsFIFO(t *testing.T) {
	registryFileHostile(t, "fifo", true, true)
}

// TestProjectRegistryIsFIFO: only the project's profiles.toml is a FIFO.
func TestProjectRegistryIsFIFO(t *testing.T) { registryFileHostile(t, "fifo", true, false) }

func registryFileHostile(t *testing.T, kind string, project, user bool) {
	create := func(path string) {
		mkdir(t, filepath.Dir(path))
		var err error
		if kind == "fifo" {
			err = syscall.Mkfifo(path, 0o644)
		} else {
			err = os.Symlink(filepath.Base(path), path)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var path string
	c := start(t, caseOpts{setup: func(root, home string) {
		if project {
			create(filepath.Join(root, ".insomnia", "profiles.toml"))
		}
		if user {
			create(filepath.Join(home, "config", "profiles.toml"))
		}
		// On disk before the server starts, so it is opened before
		// discovery has finished.
		path = testenv.Write(t, filepath.Join(root, "p.nix"), profile(t, "  pod.name = \"p\";\n"))
	}})
	if err := c.p.Open(path, testenv.ReadText(t, path)); err != nil {
		t.Fatal(err)
	}
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		ds, _ := c.p.Diagnostics(path)
		t.Errorf("an open profile is not evaluated: %s %s", describeStates(c.p), describe(ds))
	}
	c.healthy(path)
}
