package hostile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Cases where a name or a path from the editor is the hostile part: pod
// names insomnia-pod would read as options, a workspace folder named like
// one, and profile files outside the workspace offered to the registry.

// TestPodNamesRefused: spawnPod and resumePod with names insomnia-pod
// would take for options or that hold a line break are refused before the
// pod program runs; a plain name does run it (so the marker can tell).
func TestPodNamesRefused(t *testing.T) {
	program, marker := fakePod(t, t.TempDir())
	c := start(t, caseOpts{settings: map[string]any{"pod": map[string]any{"command": program, "readyTimeoutMs": 5000}}})
	path := c.evaluatedProfile("named.nix")
	for _, name := range []string{"--help", "a\nb", "-x"} {
		_, err := c.p.Command("insomnia.spawnPod", map[string]any{"profile": uriOf(path), "name": name})
		if err == nil || !strings.Contains(err.Error(), "refused pod name") {
			t.Errorf("spawnPod name %q: error %v, want a refusal", name, err)
		}
		_, err = c.p.Command("insomnia.resumePod", map[string]any{"name": name})
		if err == nil || !strings.Contains(err.Error(), "refused pod name") {
			t.Errorf("resumePod name %q: error %v, want a refusal", name, err)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatalf("the pod program ran for a refused name: %q", testenv.ReadText(t, marker))
	}
	if _, err := c.p.Command("insomnia.spawnPod", map[string]any{"profile": uriOf(path), "name": "plain"}); err == nil {
		t.Error("spawnPod succeeded with a pod program that exits at once")
	}
	args := podArgs(t, marker)
	if len(args) != 1 || !slices.Contains(args[0], "--profile-pod-name=plain") {
		t.Errorf("the pod program's runs: %q, want one with --profile-pod-name=plain", args)
	}
	c.healthy(path)
}

// TestHelpFolderName: a workspace folder named --help; the pod name
// proposed from it must not start with "-", and what the pod program gets
// is an option with its value attached.
func TestHelpFolderName(t *testing.T) {
	program, marker := fakePod(t, t.TempDir())
	root := filepath.Join(t.TempDir(), "--help")
	mkdir(t, root)
	c := startAt(t, root, caseOpts{settings: map[string]any{"pod": map[string]any{"command": program, "readyTimeoutMs": 5000}}})
	path := c.evaluatedProfile("p.nix")
	if _, err := c.p.Command("insomnia.spawnPod", map[string]any{"profile": uriOf(path)}); err == nil {
		t.Error("spawnPod succeeded with a pod program that exits at once")
	}
	runs := podArgs(t, marker)
	if len(runs) != 1 {
		t.Fatalf("the pod program ran %d times, want once: %q", len(runs), runs)
	}
	t.Logf("pod program argv: %q", runs[0])
	for _, a := range runs[0] {
		if name, ok := strings.CutPrefix(a, "--profile-pod-name="); ok {
			if strings.HasPrefix(name, "-") || strings.HasPrefix(name, ".") || name == "" {
				t.Errorf("proposed pod name %q", name)
			}
			return
		}
		if a == "--help" || a == "--profile-pod-name" {
			t.Errorf("argument %q would be read as an option", a)
		}
	}
	t.Errorf("no --profile-pod-name=NAME argument in %q", runs[0])
}

// podArgs reads the fake pod's marker: the arguments of each run.
func podArgs(t *testing.T, marker string) [][]string {
	b, err := os.ReadFile(marker)
	if err != nil {
		return nil
	}
	var runs [][]string
	for _, run := range strings.Split(string(b), "---\n") {
		if run = strings.TrimSuffix(run, "\n"); run != "" {
			runs = append(runs, strings.Split(run, "\n"))
		}
	}
	return runs
}

// TestAddOutsideWorkspace: addToProjectProfiles with a climbing relative
// path, absolute paths outside, and a symlink inside pointing outside is
// refused, and profiles.toml is untouched; a profile inside is offered to
// the editor as an edit (so the refusal is not everything failing).
func TestAddOutsideWorkspace(t *testing.T) {
	outside := testenv.Write(t, filepath.Join(t.TempDir(), "elsewhere.nix"), "{ }\n")
	const registryText = "[profile]\n"
	c := start(t, caseOpts{setup: func(root, home string) {
		testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"), registryText)
		testenv.Write(t, filepath.Join(root, "inside.nix"), profile(t, "  pod.name = \"in\";\n"))
		if err := os.Symlink(outside, filepath.Join(root, "link.nix")); err != nil {
			t.Fatal(err)
		}
	}})
	reg := filepath.Join(c.root, ".insomnia", "profiles.toml")
	if err := c.p.WaitFor(awaitLong, func() bool {
		rows, _ := c.p.Command("insomnia.listProfiles", map[string]any{})
		return len(rows) > 2
	}); err != nil {
		t.Fatalf("profiles never discovered")
	}
	for _, arg := range []string{"../../../etc/shadow", "/etc/shadow", "file:///etc/passwd", outside, uriOf(outside),
		filepath.Join(c.root, "link.nix")} {
		res, err := c.p.Command("insomnia.addToProjectProfiles", map[string]any{"uri": arg})
		t.Logf("add %s: %v %s", arg, err, res)
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("addToProjectProfiles %q: %v %s, want a refusal", arg, err, res)
		}
	}
	if got := testenv.ReadText(t, reg); got != registryText {
		t.Errorf("profiles.toml changed: %q", got)
	}
	res, err := c.p.Command("insomnia.addToProjectProfiles", map[string]any{"uri": uriOf(filepath.Join(c.root, "inside.nix"))})
	if err != nil || !strings.Contains(string(res), "did not apply") {
		t.Errorf("a profile inside the workspace: %v %s, want an edit offered to the editor", err, res)
	}
	c.healthy(reg)
}
