package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// The server and `insomnia-lsp check` agree on which profiles a workspace
// has: both run the session, so the set the editor evaluates when the
// folder opens is the set CI checks. Checked over the examples and over a
// workspace of odd cases (nested projects, a folder entry, a bare manifest
// set, a symlinked entry, a missing file, a project in node_modules, a
// loose profile nobody lists).
func TestCheckAndServerAgreeOnProfiles(t *testing.T) {
	needNix(t)
	for name, root := range map[string]string{"examples": copyExamples(t), "odd cases": oddWorkspace(t)} {
		t.Run(name, func(t *testing.T) {
			isolate(t)
			cli := cliProfiles(t, root)
			server := serverProfiles(t, root)
			t.Logf("check: %v", cli)
			if name == "odd cases" && !slices.Contains(cli, filepath.Join(evalSymlinks(t, root), ".insomnia/profiles/folder/default.nix")) {
				t.Errorf("the folder entry's default.nix was not evaluated")
			}
			if len(cli) < 2 {
				t.Fatalf("check evaluated %v: the workspace has more profiles than that", cli)
			}
			if !slices.Equal(cli, server) {
				t.Errorf("check evaluated\n  %v\nthe server evaluated\n  %v", cli, server)
			}
		})
	}
}

// cliProfiles is what `check` (no PATH, launched at root) evaluates.
func cliProfiles(t *testing.T, root string) []string {
	t.Helper()
	groups, err := groupArgs(nil, root)
	if err != nil {
		t.Fatal(err)
	}
	o := checkOptions{trusted: true, timeout: 20 * time.Second, format: "text"}
	var all []string
	for _, g := range groups {
		_, checked, _ := runCheck(context.Background(), g, o, readableDirs(root, nil))
		all = append(all, checked...)
	}
	return cleanSorted(all)
}

// serverProfiles is what the server evaluates when root opens as the only
// workspace folder and no file is opened: every profile with a final
// evaluation status.
func serverProfiles(t *testing.T, root string) []string {
	t.Helper()
	c := lsptest.Start(t, lsp.Options{Cwd: root})
	c.InitializeTrusted(root, nil)
	var got []string
	last := -1
	stableSince := time.Now()
	c.Await("the workspace's evaluations to settle", func() bool {
		got = finished(c.Notifications())
		if len(got) != last {
			last, stableSince = len(got), time.Now()
			return false
		}
		return len(got) > 0 && time.Since(stableSince) > 2*time.Second
	})
	return got
}

// finished lists the profiles whose last evaluation status is final.
func finished(notes []lsptest.Notification) []string {
	state := map[string]string{}
	for _, n := range notes {
		if n.Method != "insomnia/evaluationStatus" {
			continue
		}
		var st struct {
			URI   string `json:"uri"`
			State string `json:"state"`
		}
		if json.Unmarshal(n.Params, &st) == nil {
			state[uri.URI(st.URI).FsPath()] = st.State
		}
	}
	var out []string
	for p, s := range state {
		if s != "evaluating" && s != "unknown" {
			out = append(out, p)
		}
	}
	return cleanSorted(out)
}

func cleanSorted(paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		out = append(out, filepath.Clean(p))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func copyExamples(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := examplesDir(t)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// oddWorkspace is a repository with the layouts that tripped discovery.
func oddWorkspace(t *testing.T) string {
	t.Helper()
	lib, err := os.ReadFile(filepath.Join("..", "..", "resources", "nix", "profile-lib.nix"))
	if err != nil {
		t.Fatal(err)
	}
	prof := func(name string) string {
		return "let lib = import ../lib/profile-lib.nix { }; in\nlib.mkProfile {\n  name = \"" + name + "\";\n" +
			"  pod.name = \"" + name + "\";\n  model.ref = \"anthropic/claude-sonnet-4\";\n" +
			"  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n}\n"
	}
	root := writeFiles(t, map[string]string{
		".insomnia/lib/profile-lib.nix": string(lib),
		".insomnia/profiles.toml": "default = \"a\"\n[profile]\na = \"profiles/a.nix\"\nbare = \"profiles/bare.nix\"\n" +
			"folder = \"profiles/folder\"\nlinked = \"profiles/linked.nix\"\nmissing = \"profiles/missing.nix\"\n",
		".insomnia/profiles/a.nix":                       prof("a"),
		".insomnia/profiles/bare.nix":                    "{ manifest = { pod.name = \"bare\"; scope.allow = [ { target = \".\"; permission = \"read\"; } ]; }; }\n",
		".insomnia/profiles/folder/default.nix":          "let lib = import ../../lib/profile-lib.nix { }; in\nlib.mkProfile { name = \"folder\"; pod.name = \"folder\"; }\n",
		".insomnia/real/linked.nix":                      prof("linked"),
		"nested/.insomnia/lib/profile-lib.nix":           string(lib),
		"nested/.insomnia/profiles.toml":                 "[profile]\nc = \"profiles/c.nix\"\n",
		"nested/.insomnia/profiles/c.nix":                prof("c"),
		"node_modules/pkg/.insomnia/profiles.toml":       "[profile]\nd = \"profiles/d.nix\"\n",
		"node_modules/pkg/.insomnia/profiles/d.nix":      prof("d"),
		"node_modules/pkg/.insomnia/lib/profile-lib.nix": string(lib),
		"loose.nix": prof("loose"),
	})
	if err := os.Symlink(filepath.Join(root, ".insomnia", "real", "linked.nix"),
		filepath.Join(root, ".insomnia", "profiles", "linked.nix")); err != nil {
		t.Fatal(err)
	}
	return root
}

func evalSymlinks(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
