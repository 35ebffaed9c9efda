package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// check --format sarif on the examples is valid SARIF 2.1.0, with one
// result per diagnostic of --format json and every documented code a rule.
func TestCheckFormatSARIF(t *testing.T) {
	evaluates(t)
	dir := examplesDir(t)
	schema := sarifSchema(t) // before runIn changes the directory
	asJSON := runIn(t, dir, "check", "--json")
	r := runIn(t, dir, "check", "--format", "sarif")
	if r.code != 1 || asJSON.code != 1 {
		t.Fatalf("exit %d and %d, want 1", r.code, asJSON.code)
	}
	validateSARIF(t, schema, []byte(r.stdout))
	var want []cliDiagnostic
	if err := json.Unmarshal([]byte(asJSON.stdout), &want); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(run.Results), len(want))
	}
	for i, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID != want[i].Code || loc.ArtifactLocation.URI != want[i].File || loc.Region.StartLine != want[i].Line {
			t.Errorf("result %d = %+v, want %+v", i, res, want[i])
		}
	}
	rules := map[string]bool{}
	for _, rule := range run.Tool.Driver.Rules {
		rules[rule.ID] = true
	}
	for _, code := range []string{"missing-required", "plaintext-secret", "nix-error"} {
		if !rules[code] {
			t.Errorf("no rule %s in %v", code, rules)
		}
	}
}

// sarifSchema is the SARIF 2.1.0 schema report's tests use.
func sarifSchema(t *testing.T) []byte {
	t.Helper()
	raw := testenv.Read(t, filepath.Join("..", "..", "report", "testdata", "sarif-2.1.0-rtm.5.json"))
	return raw
}

func validateSARIF(t *testing.T, raw, doc []byte) {
	t.Helper()
	schema, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem://sarif.json", schema); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem://sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("invalid SARIF: %v\n%s", err, doc)
	}
}

// check --format github prints one workflow command per diagnostic of
// --format json, at the same place.
func TestCheckFormatGitHub(t *testing.T) {
	evaluates(t)
	dir := examplesDir(t)
	r := runIn(t, dir, "check", "--format", "github")
	text := runIn(t, dir, "check")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 1 || len(lines) != len(strings.Split(strings.TrimSuffix(text.stdout, "\n"), "\n")) {
		t.Fatalf("exit %d, %d lines:\n%s", r.code, len(lines), r.stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error file=") && !strings.HasPrefix(l, "::warning file=") && !strings.HasPrefix(l, "::notice file=") {
			t.Errorf("not an annotation: %q", l)
		}
	}
	if got := linesWith(r.stdout, "::error file=.insomnia/profiles/nameless.nix,", "title=missing-required::missing required field: pod.name"); len(got) != 1 {
		t.Errorf("want the nameless profile's annotation, got %q", got)
	}
}

func TestCheckFormatUsage(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{{"check", "--format", "xml"}, {"check", "--json", "--format", "sarif"}} {
		if r := runIn(t, t.TempDir(), args...); r.code != 2 || !strings.Contains(r.stderr, "--format must be") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

// A profile whose file name carries a newline and a workflow command
// cannot forge a line: text and github output have no line starting with
// `::warning`, only our own annotations start with "::".
func TestBinaryHostileFileName(t *testing.T) {
	testenv.NeedNix(t)
	if testing.Short() {
		t.Skip("builds the binary")
	}
	isolate(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	name := filepath.Join(dir, "x\n::warning file=x::pwned.nix")
	testenv.Write(t, name, "# mkProfile\n{ a = ; }\n")
	for _, format := range []string{"text", "github"} {
		cmd := exec.Command(bin, "check", "--format", format, name)
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		t.Logf("--format %s:\n%s", format, out)
		if !strings.Contains(string(out), `x\n::warning file=x::pwned.nix`) && !strings.Contains(string(out), `x\n%3A%3Awarning file=x%3A%3Apwned.nix`) {
			t.Errorf("--format %s: the escaped name is missing", format)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "::warning") || format == "text" && strings.HasPrefix(l, "::") {
				t.Errorf("--format %s: forged line %q", format, l)
			}
			if format == "github" && strings.HasPrefix(l, "::") && !strings.HasPrefix(l, "::error file=x\\n%3A%3Awarning") {
				t.Errorf("--format github: unexpected command %q", l)
			}
		}
	}
}

// buildBinary builds the command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "insomnia-lsp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
