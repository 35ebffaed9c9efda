package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func TestResolveBuiltinDefault(t *testing.T) {
	evaluates(t)
	dir := t.TempDir()
	r := runIn(t, dir, "resolve", "builtin:default")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	if !strings.HasPrefix(r.stdout, "profile: builtin:default (default)\n") ||
		!regexp.MustCompile(`(?m)^hash: [0-9a-f]{64}$`).MatchString(r.stdout) {
		t.Errorf("no qualified name or hash in %q", r.stdout)
	}
	r = runIn(t, dir, "resolve", "--json", "builtin:default")
	var out struct {
		Profile  string `json:"profile"`
		Hash     string `json:"hash"`
		Base     string `json:"base"`
		Manifest struct {
			Pod struct {
				Name string `json:"name"`
			} `json:"pod"`
			Scope struct {
				Allow []struct {
					Target string `json:"target"`
				} `json:"allow"`
			} `json:"scope"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if out.Profile != "builtin:default" || out.Manifest.Pod.Name != "insomnia" || len(out.Hash) != 64 {
		t.Errorf("got %+v", out)
	}
	// A builtin profile's "." is the launch directory (contract §1.3).
	if out.Base != dir || len(out.Manifest.Scope.Allow) != 1 || out.Manifest.Scope.Allow[0].Target != dir+"/." {
		t.Errorf("base %q, scope %+v; want the launch directory %s", out.Base, out.Manifest.Scope, dir)
	}
}

// The hash is the snapshot's: the same profile launched from two folders
// (a different "." for a builtin) hashes differently, the same one equally.
func TestResolveHashFollowsSnapshot(t *testing.T) {
	evaluates(t)
	hash := func(dir string) string {
		r := runIn(t, dir, "resolve", "builtin:default")
		m := regexp.MustCompile(`(?m)^hash: ([0-9a-f]{64})$`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("no hash in %q", r.stdout)
		}
		return m[1]
	}
	a, b := t.TempDir(), t.TempDir()
	if ha, hb, ha2 := hash(a), hash(b), hash(a); ha == hb || ha != ha2 {
		t.Errorf("hashes %s %s %s", ha, hb, ha2)
	}
}

func TestResolveErrors(t *testing.T) {
	evaluates(t)
	dir := examplesDir(t)
	cases := map[string]string{
		"nameless":  "error: failed to resolve profile nameless: missing required field: pod.name\n",
		"nope":      "error: failed to resolve profile nope: profile not found: nope\n",
		"broken":    "error: failed to resolve profile broken: syntax error, unexpected '=', expecting ';'\n",
		"path:x.nx": "error: failed to resolve profile x.nx: cannot read profile: ",
	}
	for sel, want := range cases {
		r := runIn(t, dir, "resolve", sel)
		if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("resolve %s: exit %d, stderr %q; want 1 and %q", sel, r.code, r.stderr, want)
		}
	}
}

func TestResolveDefaultOfExamples(t *testing.T) {
	evaluates(t)
	r := runIn(t, examplesDir(t), "resolve", "default")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "profile: project:coder (default)\n") ||
		!strings.Contains(r.stdout, `"name": "coder"`) {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestProfilesExamples(t *testing.T) {
	isolate(t)
	dir := examplesDir(t)
	r := runIn(t, dir, "profiles")
	if r.code != 0 || len(linesWith(r.stdout, "project:coder (default)")) != 1 ||
		!strings.HasPrefix(r.stdout, "default: project:coder\n") {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	r = runIn(t, dir, "profiles", "--json")
	var doc struct {
		Default struct {
			Resolved string `json:"resolved"`
		} `json:"default"`
		Entries []struct {
			QualifiedName string `json:"qualified_name"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Default.Resolved != "project:coder" || len(doc.Entries) != 7 {
		t.Errorf("json %+v (%v)", doc, err)
	}
	r = runIn(t, dir, "profiles", "--select", "reviewer")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "project:reviewer") {
		t.Errorf("select: exit %d, %q", r.code, r.stdout)
	}
	r = runIn(t, dir, "profiles", "--select", "nope")
	if r.code != 1 || r.stderr != "error: failed to resolve profile nope: profile not found: nope\n" {
		t.Errorf("select nope: exit %d, %q", r.code, r.stderr)
	}
}

// A profiles.toml that does not parse fails discovery: profiles says so and
// exits 1, check reports it at its line.
func TestBrokenRegistry(t *testing.T) {
	isolate(t)
	dir := testenv.Files(t, map[string]string{".insomnia/profiles.toml": "default = \"a\"\n[profile\n"})
	r := runIn(t, dir, "profiles")
	if r.code != 1 || len(linesWith(r.stdout, "error: ")) == 0 {
		t.Errorf("profiles: exit %d, %q", r.code, r.stdout)
	}
	r = runIn(t, dir, "check", "--no-eval")
	if r.code != 1 || len(linesWith(r.stdout, ".insomnia/profiles.toml:2:", "[toml-syntax]")) != 1 {
		t.Errorf("check: exit %d, %q", r.code, r.stdout)
	}
}

// A path selector records the path as the runtime joins it (not cleaned),
// so the hash matches the pod's snapshot.
func TestResolvePathSelector(t *testing.T) {
	evaluates(t)
	dir := examplesDir(t)
	r := runIn(t, dir, "resolve", "./.insomnia/profiles/reviewer.nix", "--json")
	var out struct {
		Profile string `json:"profile"`
		Source  struct {
			Kind, Path string
		} `json:"source"`
		Manifest struct {
			Pod struct{ Name string } `json:"pod"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	want := dir + "/./.insomnia/profiles/reviewer.nix"
	if r.code != 0 || out.Source.Kind != "path" || out.Source.Path != want || out.Profile != "path:"+want ||
		out.Manifest.Pod.Name != "reviewer" {
		t.Errorf("exit %d, %+v; want source path %s", r.code, out, want)
	}
}
