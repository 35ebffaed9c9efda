package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// diffProfile is a registry profile importing the repository's copy of
// the library (restricted evaluation reads nothing outside the tree).
func diffProfile(name, ref string) string {
	return `(import ../../lib/profile-lib.nix { }).mkProfile {
  name = "` + name + `";
  manifest = {
    pod.name = "` + name + `";
    model.ref = "` + ref + `";
    scope.allow = [ { target = "."; permission = "read"; } ];
  };
}
`
}

// commitFiles writes files into dir (an empty text removes the file) and
// commits them.
func commitFiles(t *testing.T, dir, msg string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if text == "" {
			testenv.Git(t, dir, "rm", "-q", name)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		testenv.Write(t, p, text)
	}
	testenv.Git(t, dir, "add", "-A")
	testenv.Git(t, dir, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", msg)
}

const registryTOML = `default = "%s"
[profile]
`

// diffRepo is a repository with two commits: the second changes a field,
// removes a profile, adds one, moves the default, fixes a profile that
// failed to evaluate and breaks one that resolved. Every diff test on it
// needs Nix and git and its own insomnia directories: diffRepo sees to it.
func diffRepo(t *testing.T) string {
	t.Helper()
	testenv.NeedNix(t)
	testenv.NeedGit(t)
	isolate(t)
	dir := t.TempDir()
	testenv.Git(t, dir, "init", "-q", "-b", "main")
	lib := testenv.Read(t, filepath.Join("..", "..", "resources", "nix", "profile-lib.nix"))
	entries := func(names ...string) string {
		var b strings.Builder
		for _, n := range names {
			b.WriteString(n + ` = "profiles/` + n + `.nix"` + "\n")
		}
		return b.String()
	}
	commitFiles(t, dir, "base", map[string]string{
		"lib/profile-lib.nix":           string(lib),
		".insomnia/profiles.toml":       strings.Replace(registryTOML, "%s", "coder", 1) + entries("coder", "old", "fixme", "breaks"),
		".insomnia/profiles/coder.nix":  diffProfile("coder", "anthropic/claude-sonnet-4"),
		".insomnia/profiles/old.nix":    diffProfile("old", "anthropic/claude-sonnet-4"),
		".insomnia/profiles/fixme.nix":  "{ pod = ; }\n",
		".insomnia/profiles/breaks.nix": diffProfile("breaks", "anthropic/claude-sonnet-4"),
	})
	commitFiles(t, dir, "change", map[string]string{
		".insomnia/profiles.toml":       strings.Replace(registryTOML, "%s", "new", 1) + entries("coder", "new", "fixme", "breaks"),
		".insomnia/profiles/coder.nix":  diffProfile("coder", "anthropic/claude-sonnet-5"),
		".insomnia/profiles/old.nix":    "",
		".insomnia/profiles/new.nix":    diffProfile("new", "anthropic/claude-sonnet-4"),
		".insomnia/profiles/fixme.nix":  diffProfile("fixme", "anthropic/claude-sonnet-4"),
		".insomnia/profiles/breaks.nix": "builtins.readFile /etc/passwd\n",
	})
	return dir
}

// diffTemps counts the base folders diff left in TMPDIR.
func diffTemps(t *testing.T, tmp string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(tmp, "insomnia-diff-*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func TestDiffCommits(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := diffRepo(t)
	base := testenv.Git(t, dir, "rev-parse", "HEAD~1")
	r := runIn(t, dir, "diff", "--base", "HEAD~1")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	want := regexp.MustCompile(`^base: HEAD~1 ` + base[:12] + ` \(--base\)
default: project:coder → project:new
project:breaks
  ! fails to evaluate in the working tree: access to (absolute )?path '/etc/passwd' is forbidden in restricted mode.*
project:coder
  model.ref: "anthropic/claude-sonnet-4" → "anthropic/claude-sonnet-5"
project:fixme
  ! fails to evaluate at base: syntax error, unexpected ';'.*
\+ project:new
- project:old
$`)
	if !want.MatchString(r.stdout) {
		t.Errorf("diff output:\n%s\nwant to match\n%s", r.stdout, want)
	}
	if strings.Contains(r.stdout, tmp) {
		t.Errorf("the base folder shows in the output:\n%s", r.stdout)
	}
	if n := diffTemps(t, tmp); n != 0 {
		t.Errorf("%d base folder(s) left in TMPDIR", n)
	}
}

func TestDiffJSON(t *testing.T) {
	dir := diffRepo(t)
	r := runIn(t, dir, "diff", "--json", "--base", "HEAD~1", ".insomnia/profiles/coder.nix")
	var rep diffReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if r.code != 1 || !rep.Changed || rep.Base.How != "--base" || len(rep.Profiles) != 1 {
		t.Fatalf("exit %d, report %+v", r.code, rep)
	}
	c := rep.Profiles[0]
	if c.Profile != "project:coder" || c.Status != "changed" || len(c.Fields) != 1 || c.Fields[0].Field != "model.ref" ||
		*c.Fields[0].Old != `"anthropic/claude-sonnet-4"` || *c.Fields[0].New != `"anthropic/claude-sonnet-5"` {
		t.Errorf("profile change %+v", c)
	}
	if rep.Default == nil || *rep.Default.Old != "project:coder" || *rep.Default.New != "project:new" {
		t.Errorf("default change %+v", rep.Default)
	}
}

// Nothing changed since the default base (HEAD, no upstream): exit 0;
// an uncommitted edit is a change: exit 1.
func TestDiffDefaultBase(t *testing.T) {
	dir := diffRepo(t)
	r := runIn(t, dir, "diff")
	if r.code != 0 || r.stdout != "base: HEAD "+testenv.Git(t, dir, "rev-parse", "HEAD")[:12]+" (HEAD: the branch has no upstream)\nno change to any resolved profile\n" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	if err := os.WriteFile(filepath.Join(dir, ".insomnia", "profiles", "new.nix"), []byte(diffProfile("new", "ollama-local/llama3")), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, dir, "diff")
	if r.code != 1 || len(linesWith(r.stdout, `model.ref: "anthropic/claude-sonnet-4" → "ollama-local/llama3"`)) != 1 {
		t.Errorf("uncommitted edit: exit %d, stdout %q", r.code, r.stdout)
	}
}

// A branch with an upstream compares with the merge base.
func TestDiffUpstreamMergeBase(t *testing.T) {
	origin := diffRepo(t)
	clone := filepath.Join(t.TempDir(), "clone")
	testenv.Git(t, origin, "clone", "-q", origin, clone)
	commitFiles(t, clone, "local", map[string]string{".insomnia/profiles/coder.nix": diffProfile("coder", "anthropic/claude-opus-4")})
	r := runIn(t, clone, "diff")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "base: origin/main "+testenv.Git(t, origin, "rev-parse", "HEAD")[:12]+" (merge base of HEAD and its upstream origin/main)\n") ||
		len(linesWith(r.stdout, `model.ref: "anthropic/claude-sonnet-5" → "anthropic/claude-opus-4"`)) != 1 {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestDiffCannotRun(t *testing.T) {
	testenv.NeedGit(t)
	isolate(t)
	if r := runIn(t, t.TempDir(), "diff"); r.code != 2 || !strings.Contains(r.stderr, "not in a git work tree") {
		t.Errorf("outside a repository: exit %d, stderr %q", r.code, r.stderr)
	}
	dir := t.TempDir()
	testenv.Git(t, dir, "init", "-q")
	commitFiles(t, dir, "one", map[string]string{"f": "x\n"})
	if r := runIn(t, dir, "diff", "--base", "no-such-rev"); r.code != 2 || !strings.Contains(r.stderr, `unknown revision "no-such-rev"`) {
		t.Errorf("unknown revision: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --trusted lifts restricted mode on both sides: the profile reading
// /etc/passwd then fails for another reason (it is not a profile).
func TestDiffTrusted(t *testing.T) {
	dir := diffRepo(t)
	r := runIn(t, dir, "diff", "--trusted", "--base", "HEAD~1", ".insomnia/profiles/breaks.nix")
	got := linesWith(r.stdout, "! fails to evaluate in the working tree:")
	if r.code != 1 || len(got) != 1 || strings.Contains(got[0], "restricted mode") {
		t.Errorf("exit %d, failure lines %q", r.code, got)
	}
}

// The pure comparison: equal failures are no change, keys that are not
// identifiers are quoted, unset fields show as such.
func TestCompareTrees(t *testing.T) {
	fields := map[string]string{}
	walk(map[string]any{"a.b": "x", "list": []any{}, "o": map[string]any{"k": json.Number("1")}}, "", tree{}, fields)
	if fields[`["a.b"]`] != `"x"` || fields["list"] != "[]" || fields["o.k"] != "1" || len(fields) != 3 {
		t.Errorf("walk = %v", fields)
	}
	base := treeResult{Profiles: map[string]outcome{"p:same-failure": {Failure: "boom"}, "p:f": {Fields: map[string]string{"a": "1"}}}}
	work := treeResult{Profiles: map[string]outcome{"p:same-failure": {Failure: "boom"}, "p:f": {Fields: map[string]string{"b": "2"}}}}
	rep := compare(base, work)
	if !rep.Changed || len(rep.Profiles) != 1 || rep.Profiles[0].Profile != "p:f" {
		t.Fatalf("report %+v", rep)
	}
	if got := diffText(rep); !strings.Contains(got, "  a: 1 → (unset)\n  b: (unset) → 2\n") {
		t.Errorf("text %q", got)
	}
	if rep := compare(base, base); rep.Changed || !strings.HasSuffix(diffText(rep), "no change to any resolved profile\n") {
		t.Errorf("same trees: %+v", rep)
	}
}
