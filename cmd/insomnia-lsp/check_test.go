package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// nixPosition asks Nix itself where it reports the error in file.
func nixPosition(t *testing.T, file string) string {
	t.Helper()
	out, err := exec.Command("nix-instantiate", "--parse", file).CombinedOutput()
	if err == nil {
		t.Fatalf("nix-instantiate --parse %s succeeded; expected a syntax error", file)
	}
	m := regexp.MustCompile(`at ` + regexp.QuoteMeta(file) + `:(\d+):(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no position for %s in Nix's output:\n%s", file, out)
	}
	return m[1] + ":" + m[2]
}

func TestCheckExamples(t *testing.T) {
	needNix(t)
	isolate(t)
	dir := examplesDir(t)
	broken := filepath.Join(dir, ".insomnia", "profiles", "broken.nix")
	// Nix fails on broken.nix too (at its own position), but one mistake
	// is one line: ours, where the ';' belongs.
	nixAt := ".insomnia/profiles/broken.nix:" + nixPosition(t, broken) + ": error: "
	r := runIn(t, dir, "check")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if got := linesWith(r.stdout, "broken.nix:", "error"); len(got) != 1 || got[0] != ".insomnia/profiles/broken.nix:7:18: error: syntax error, missing ';' before identifier [syntax-error]" {
		t.Errorf("want only our syntax error on broken.nix, got %q", got)
	}
	if got := linesWith(r.stdout, nixAt); len(got) != 0 {
		t.Errorf("Nix's own syntax error is printed too: %q", got)
	}
	if got := linesWith(r.stdout, "missing required field: pod.name", "[missing-required]"); len(got) != 1 {
		t.Errorf("want the nameless profile's missing pod.name once, got %q", got)
	}
	if got := linesWith(r.stdout, ".insomnia/profiles/nameless.nix:", ": error: "); len(got) == 0 {
		t.Errorf("nameless.nix has no error line")
	}
	for _, clean := range []string{"orchestrator.nix", "researcher.nix", "reviewer.nix", "common.nix"} {
		if got := linesWith(r.stdout, clean+":", "error"); len(got) > 0 {
			t.Errorf("%s should be clean, got %q", clean, got)
		}
	}
	// builtin:default and the six project profiles.
	if !strings.HasPrefix(r.stderr, "checked 7 profiles: ") {
		t.Errorf("summary %q", r.stderr)
	}
	assertFormat(t, r.stdout)
}

// assertFormat checks every line is `file:line:col: severity: message [code]`
// and the lines are sorted by file, then line.
func assertFormat(t *testing.T, out string) {
	t.Helper()
	re := regexp.MustCompile(`^(\S+):(\d+):(\d+): (error|warning|info|hint): .+ \[[a-z0-9-]+\]$`)
	prevFile, prevLine := "", 0
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("bad line %q", l)
			continue
		}
		var line int
		fmt.Sscan(m[2], &line)
		if m[1] < prevFile || m[1] == prevFile && line < prevLine {
			t.Errorf("not sorted at %q", l)
		}
		prevFile, prevLine = m[1], line
	}
}

func TestCheckBuiltinIsClean(t *testing.T) {
	needNix(t)
	isolate(t)
	r := runIn(t, t.TempDir(), "check", builtinDefault(t))
	if r.code != 0 || r.stdout != "" {
		t.Errorf("exit %d, stdout %q; want 0 and nothing", r.code, r.stdout)
	}
	if r.stderr != "checked 1 profiles: 0 errors, 0 warnings\n" {
		t.Errorf("summary %q", r.stderr)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// --no-eval needs no Nix: PATH is emptied to prove it.
func TestCheckNoEval(t *testing.T) {
	isolate(t)
	dir := writeFiles(t, map[string]string{
		"semi.nix":  "{\n  a = 1\n  b = 2;\n}\n",
		"undef.nix": "{ a = b; }\n",
		"fine.nix":  "{ x }: x + 1\n",
	})
	t.Setenv("PATH", "")
	r := runIn(t, dir, "check", "--no-eval", "semi.nix", "undef.nix", "fine.nix")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	// Where exactly (end of line 2 or the next token) is the parser's call.
	if got := linesWith(r.stdout, "semi.nix:"); len(got) != 1 || !strings.HasSuffix(got[0], "[syntax-error]") {
		t.Errorf("want exactly one syntax error in semi.nix, got %q", got)
	}
	if got := linesWith(r.stdout, "undef.nix:1:7: error: ", "[undefined-variable]"); len(got) != 1 {
		t.Errorf("want undefined b at 1:7, got %q", linesWith(r.stdout, "undef.nix"))
	}
	if got := linesWith(r.stdout, "fine.nix"); len(got) != 0 {
		t.Errorf("fine.nix: %q", got)
	}
	if !strings.HasPrefix(r.stderr, "checked 3 files: 2 errors, 0 warnings") {
		t.Errorf("summary %q", r.stderr)
	}
	assertFormat(t, r.stdout)
}

func TestCheckJSON(t *testing.T) {
	isolate(t)
	dir := writeFiles(t, map[string]string{"undef.nix": "{ a = b; }\n", "fine.nix": "1\n"})
	r := runIn(t, dir, "check", "--no-eval", "--json", "undef.nix")
	var ds []cliDiagnostic
	if err := json.Unmarshal([]byte(r.stdout), &ds); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	want := cliDiagnostic{File: "undef.nix", Line: 1, Column: 7, EndLine: 1, EndColumn: 8,
		Severity: "error", Code: "undefined-variable"}
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "b") {
		t.Fatalf("got %+v", ds)
	}
	ds[0].Message = ""
	if ds[0] != want || r.code != 1 {
		t.Errorf("got %+v exit %d, want %+v exit 1", ds[0], r.code, want)
	}
	r = runIn(t, dir, "check", "fine.nix", "--no-eval", "--json")
	if strings.TrimSpace(r.stdout) != "[]" || r.code != 0 {
		t.Errorf("clean file: %q exit %d", r.stdout, r.code)
	}
}

func TestCheckJSONWithNix(t *testing.T) {
	needNix(t)
	isolate(t)
	r := runIn(t, examplesDir(t), "check", "--json", ".insomnia/profiles/broken.nix")
	var ds []cliDiagnostic
	if err := json.Unmarshal([]byte(r.stdout), &ds); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	codes := map[string]bool{}
	for _, d := range ds {
		codes[d.Code] = true
		if d.File != ".insomnia/profiles/broken.nix" || d.Code != "syntax-error" || d.Line != 7 {
			t.Errorf("unexpected %+v", d)
		}
	}
	// Nix's own syntax error for the same text is not printed (one per mistake).
	if codes["nix-error"] || !codes["syntax-error"] || r.code != 1 {
		t.Errorf("codes %v exit %d", codes, r.code)
	}
}

// Without Nix: the one sentence with the fix, once on stderr however many
// profiles, no nix-missing line, the static results still printed, exit 1
// as before (CI that meant to evaluate must not pass).
func TestCheckNixMissing(t *testing.T) {
	isolate(t)
	dir := examplesDir(t)
	t.Setenv("PATH", "")
	r := runIn(t, dir, "check", ".insomnia/profiles/coder.nix", ".insomnia/profiles/reviewer.nix", ".insomnia/profiles/broken.nix")
	if n := strings.Count(r.stderr, session.NixMissingMessage); n != 1 || r.code != 1 {
		t.Fatalf("want the Nix-missing sentence once and exit 1, got %d times, exit %d; stderr:\n%s", n, r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "nix-missing") || !strings.Contains(r.stdout, "broken.nix:7:18: error: syntax error, missing ';' before identifier [syntax-error]") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// A plaintext key is reported, never printed.
func TestCheckNeverPrintsSecrets(t *testing.T) {
	needNix(t)
	isolate(t)
	const key = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1"
	lib := filepath.Join(filepath.Dir(filepath.Dir(builtinDefault(t))), "profile-lib.nix")
	dir := writeFiles(t, map[string]string{"leak.nix": `(import ` + lib + ` { }).mkProfile {
  name = "leak";
  manifest = {
    pod.name = "leak";
    scope.allow = [ { target = "."; permission = "read"; } ];
    model = { scheme = "anthropic"; model_id = "m"; auth = { kind = "api_key"; key = "` + key + `"; }; };
  };
}
`})
	cases := []struct {
		args    []string
		finding string // how the plaintext-secret finding shows; "" for resolve
	}{
		{[]string{"check", "leak.nix"}, "[plaintext-secret]"},
		{[]string{"check", "--no-eval", "leak.nix"}, "[plaintext-secret]"},
		{[]string{"check", "--json", "leak.nix"}, `"code": "plaintext-secret"`},
		{[]string{"resolve", "./leak.nix"}, ""},
	}
	for _, c := range cases {
		r := runIn(t, dir, c.args...)
		if strings.Contains(r.stdout+r.stderr, key[8:20]) {
			t.Errorf("%v printed the secret", c.args)
		}
		if got := linesWith(r.stdout, c.finding); c.finding != "" && len(got) != 1 {
			t.Errorf("%v: want one plaintext-secret finding, got %q", c.args, got)
		}
	}
	if r := runIn(t, dir, "check", "leak.nix"); !strings.HasPrefix(r.stderr, "checked 1 profiles") {
		t.Errorf("leak.nix not evaluated as a profile")
	}
}

func TestCheckUsageErrors(t *testing.T) {
	isolate(t)
	dir := writeFiles(t, map[string]string{"notes.txt": "x"})
	for _, args := range [][]string{{"check", "--bogus"}, {"check", "missing.nix"}, {"check", "notes.txt"},
		{"check", "--timeout", "0s"}, {"resolve"}, {"resolve", "a", "b"}, {"profiles", "extra"}} {
		if r := runIn(t, dir, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}

// --timeout reaches Nix: no evaluation finishes in a millisecond.
func TestCheckTimeout(t *testing.T) {
	needNix(t)
	isolate(t)
	r := runIn(t, examplesDir(t), "check", "--timeout", "1ms", ".insomnia/profiles/reviewer.nix")
	if got := linesWith(r.stdout, ".insomnia/profiles/reviewer.nix:1:1: error: ", "[timeout]"); len(got) != 1 || r.code != 1 {
		t.Errorf("exit %d, %q", r.code, r.stdout)
	}
}

// A directory means the profiles discovered from it; paths print relative
// to the launch directory.
func TestCheckDirectory(t *testing.T) {
	isolate(t)
	root := filepath.Dir(examplesDir(t))
	r := runIn(t, root, "check", "--no-eval", "examples")
	want := "examples/.insomnia/profiles/broken.nix:"
	if got := linesWith(r.stdout, want, "[syntax-error]"); len(got) != 1 || r.code != 1 {
		t.Errorf("exit %d, want a line starting %q in %q", r.code, want, r.stdout)
	}
	// 7 profiles, common.nix and two copies of profile-lib.nix (the bundled
	// one of builtin:default, the repository's one of the examples).
	if !strings.HasPrefix(r.stderr, "checked 10 files: ") {
		t.Errorf("summary %q", r.stderr)
	}
}

// An entry whose file is missing is reported in profiles.toml, not
// evaluated; the other entry still is.
func TestCheckRegistryMissingFile(t *testing.T) {
	needNix(t)
	isolate(t)
	dir := writeFiles(t, map[string]string{
		".insomnia/profiles.toml": "[profile]\ngone = \"gone.nix\"\nhere = \"here.nix\"\n",
		".insomnia/here.nix":      "{ profile.name = \"here\"; manifest = { pod.name = \"here\"; model.ref = \"ollama-local/qwen3:8b\"; scope.allow = [ { target = \"..\"; permission = \"read\"; } ]; }; }\n",
	})
	r := runIn(t, dir, "check")
	if got := linesWith(r.stdout, ".insomnia/profiles.toml:2:", "[registry-missing-file]"); len(got) != 1 || r.code != 1 {
		t.Errorf("exit %d, %q", r.code, r.stdout)
	}
	if got := linesWith(r.stdout, "here.nix"); len(got) != 0 {
		t.Errorf("here.nix should be clean: %q", got)
	}
	// builtin:default and project:here.
	if !strings.HasPrefix(r.stderr, "checked 2 profiles: 1 errors, 0 warnings") {
		t.Errorf("summary %q", r.stderr)
	}
}
