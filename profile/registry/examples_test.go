package registry

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// examplesRegistry discovers from the repository's examples/ with an empty
// HOME and the repository's own resources as the resource dir.
func examplesRegistry(t *testing.T) (*Registry, string, string) {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ex := filepath.Join(repo, "examples")
	env := EnvFromMap(map[string]string{"HOME": t.TempDir(), "INSOMNIA_RESOURCE_DIR": filepath.Join(repo, "resources")})
	reg, err := Discover(Options{Env: env, Start: ex})
	if err != nil {
		t.Fatal(err)
	}
	return reg, repo, ex
}

func TestFormatListOnExamples(t *testing.T) {
	reg, repo, ex := examplesRegistry(t)
	text := strings.ReplaceAll(FormatList(reg, false), repo, "<repo>")
	want := `default: project:coder
builtin:default
    <repo>/resources/nix/profiles/default.nix
project:broken
    <repo>/examples/.insomnia/profiles/broken.nix
project:coder (default)
    <repo>/examples/.insomnia/profiles/coder.nix
project:nameless
    <repo>/examples/.insomnia/profiles/nameless.nix
project:orchestrator
    <repo>/examples/.insomnia/profiles/orchestrator.nix
project:researcher — Reads the web and the workspace; writes nothing
    <repo>/examples/.insomnia/profiles/researcher.nix
project:reviewer — Reviews changes read-only and asks before running tools
    <repo>/examples/.insomnia/profiles/reviewer.nix
`
	if text != want {
		t.Fatalf("got\n%s\nwant\n%s", text, want)
	}
	var doc listJSON
	if err := json.Unmarshal([]byte(FormatList(reg, true)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Default == nil || doc.Default.Resolved != "project:coder" || len(doc.Entries) != 7 ||
		doc.ProjectFile != filepath.Join(ex, ".insomnia/profiles.toml") || !doc.Entries[2].IsDefault {
		t.Fatalf("json: %+v", doc)
	}
	if ds := AnalyzeRegistryFile(reg.ProjectFile, testenv.Read(t, reg.ProjectFile), reg); len(ds) != 0 {
		t.Fatalf("examples/.insomnia/profiles.toml should be clean: %+v", ds)
	}
}

func TestFormatSelectionOnExamples(t *testing.T) {
	reg, repo, _ := examplesRegistry(t)
	cases := []struct {
		sel, want string
		ok        bool
	}{
		{"default", "project:coder (default)\n    <repo>/examples/.insomnia/profiles/coder.nix\n    base <repo>/examples/.insomnia/profiles\n", true},
		{"reviewer", "project:reviewer — Reviews changes read-only and asks before running tools\n    <repo>/examples/.insomnia/profiles/reviewer.nix\n    base <repo>/examples/.insomnia/profiles\n", true},
		{"builtin:default", "builtin:default\n    <repo>/resources/nix/profiles/default.nix\n    base <repo>/examples\n", true},
		{"user:coder", "failed to resolve profile user:coder: profile not found: user:coder", false},
		{"nobody", "failed to resolve profile nobody: profile not found: nobody", false},
		{"./x.nix", "path:<repo>/examples/./x.nix\n    base <repo>/examples\n", true}, // Path::parent drops the "." (rustpath)
	}
	for _, c := range cases {
		got, ok := FormatSelection(reg, c.sel, false)
		if got = strings.ReplaceAll(got, repo, "<repo>"); got != c.want || ok != c.ok {
			t.Errorf("%s: got %q (%v)\nwant %q", c.sel, got, ok, c.want)
		}
	}
	got, ok := FormatSelection(reg, "project:coder", true)
	var doc struct{ Source ProfileSource }
	if err := json.Unmarshal([]byte(got), &doc); err != nil || !ok || doc.Source.Kind != "registry" || doc.Source.Name != "coder" {
		t.Fatalf("json selection: %s %v", got, err)
	}
}

// Every example evaluates with real Nix as its comment says.
func TestExamplesEvaluate(t *testing.T) {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not on PATH: install nix-bin to run this test")
	}
	reg, _, _ := examplesRegistry(t)
	for _, e := range reg.Entries {
		if e.Source != Project {
			continue
		}
		out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", e.Path).CombinedOutput()
		switch e.Name {
		case "broken":
			if err == nil || !strings.Contains(string(out), "broken.nix:8:15") {
				t.Errorf("broken.nix: want a syntax error at 8:15, got %v\n%s", err, out)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v\n%s", e.Name, err, out)
			continue
		}
		var art struct {
			Profile  struct{ Name, Format string }
			Manifest struct {
				Pod   *struct{ Name string }
				Scope struct{ Allow []struct{ Target string } }
			}
		}
		if err := json.Unmarshal(out, &art); err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if art.Profile.Name != e.Name || art.Profile.Format != "insomnia.nix-profile.v1" || len(art.Manifest.Scope.Allow) == 0 {
			t.Errorf("%s: artifact %+v", e.Name, art)
		}
		if (art.Manifest.Pod == nil) != (e.Name == "nameless") {
			t.Errorf("%s: pod %+v", e.Name, art.Manifest.Pod)
		}
		// The registry base rule: the targets must cover the workspace.
		for _, a := range art.Manifest.Scope.Allow {
			if msg := reg.TargetWarning(e, a.Target); msg != "" {
				t.Errorf("%s: %s", e.Name, msg)
			}
		}
	}
}

func TestTargetWarning(t *testing.T) {
	reg, _, _ := examplesRegistry(t)
	e, _ := reg.selectNamed(Project, "coder")
	if msg := reg.TargetWarning(e, "."); !strings.Contains(msg, `use "../.."`) {
		t.Fatalf("target \".\" in .insomnia/profiles: %q", msg)
	}
	for _, ok := range []string{"../..", "/abs", "../../.."} {
		if msg := reg.TargetWarning(e, ok); msg != "" {
			t.Fatalf("%s: %q", ok, msg)
		}
	}
	b, _ := reg.selectNamed(Builtin, "default")
	if msg := reg.TargetWarning(b, "."); msg != "" {
		t.Fatalf("builtin: %q", msg)
	}
}
