package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// hostile is a finding whose every field tries to break out of its line.
var hostile = Finding{File: "dir/a\n::warning file=x::pwned,b:c%0A.nix", Line: 3, EndLine: 3, Column: 5, EndColumn: 9,
	Severity: "error", Code: "nix-error\r::error::x", Message: "bad\n::warning::pwned 100% \x1b[31m"}

func TestGitHubEscaping(t *testing.T) {
	if got, want := ghProperty("a,b:c%d\r\n"), "a%2Cb%3Ac%25d\\r\\n"; got != want {
		t.Errorf("ghProperty = %q, want %q", got, want)
	}
	if got, want := ghData("x: y, 50%"), "x: y, 50%25"; got != want {
		t.Errorf("ghData = %q, want %q", got, want)
	}
	out := string(GitHub([]Finding{hostile, {Severity: "hint", Code: "c", Message: "m"}}))
	want := "::error file=dir/a\\n%3A%3Awarning file=x%3A%3Apwned%2Cb%3Ac%250A.nix,line=3,col=5,endLine=3,endColumn=9," +
		"title=nix-error\\r%3A%3Aerror%3A%3Ax::bad\\n::warning::pwned 100%25 \\x1b[31m\n" +
		"::notice title=c::m\n"
	if out != want {
		t.Errorf("GitHub =\n%s\nwant\n%s", out, want)
	}
}

// A SARIF log with a documented rule, an undocumented code, a file outside
// the source root and a finding on no file is valid SARIF 2.1.0.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	fs := []Finding{
		{File: ".insomnia/profiles/coder.nix", Line: 2, EndLine: 2, Column: 3, EndColumn: 7, Severity: "error",
			Code: "missing-required", Message: "missing required field: pod.name"},
		{File: "/elsewhere/with space/ü.nix", Line: 1, EndLine: 1, Column: 1, EndColumn: 2, Severity: "hint",
			Code: "unused-binding", Message: "unused"},
		{Severity: "warning", Code: "default-unresolved", Message: "no default"},
		hostile,
	}
	tool := SARIFTool{Name: "insomnia-lsp", Version: "test", SrcRoot: "/work/repo",
		Rules: []Rule{{ID: "missing-required", Description: "missing required field", Level: "error"}}}
	out, err := SARIF(fs, tool)
	if err != nil {
		t.Fatal(err)
	}
	validate(t, out)
	var log sarifLog
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != 4 || run.Results[0].RuleIndex != 0 || run.Tool.Driver.Rules[0].ID != "missing-required" {
		t.Fatalf("results %+v", run.Results)
	}
	for _, r := range run.Results {
		if got := run.Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("result %s points at rule %s", r.RuleID, got)
		}
	}
	loc := run.Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartColumn != 3 {
		t.Errorf("location %+v", loc)
	}
	if got := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation; got.URI != "file:///elsewhere/with%20space/%C3%BC.nix" || got.URIBaseID != "" {
		t.Errorf("absolute file %+v", got)
	}
	if run.Results[1].Level != "note" || run.ColumnKind != "utf16CodeUnits" || run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///work/repo/" {
		t.Errorf("run %+v", run)
	}
}

// The validator rejects what the schema forbids: the test can fail.
func TestSARIFSchemaRejects(t *testing.T) {
	bad := []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"level":"fatal","message":{"text":"m"}}]}]}`)
	if err := compileSchema(t).Validate(mustJSON(t, bad)); err == nil {
		t.Fatal("a result with level \"fatal\" validated")
	}
}

func validate(t *testing.T, doc []byte) {
	t.Helper()
	if err := compileSchema(t).Validate(mustJSON(t, doc)); err != nil {
		t.Fatalf("SARIF does not validate: %v\n%s", err, doc)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw := testenv.Read(t, "testdata/sarif-2.1.0-rtm.5.json")
	c := jsonschema.NewCompiler()
	const url = "mem://sarif-2.1.0-rtm.5.json"
	if err := c.AddResource(url, mustJSON(t, raw)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func mustJSON(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Every line GitHub() prints is one of our own commands.
func TestGitHubOnlyOwnCommands(t *testing.T) {
	for _, l := range strings.Split(strings.TrimSuffix(string(GitHub([]Finding{hostile})), "\n"), "\n") {
		if !strings.HasPrefix(l, "::error file=dir/a") {
			t.Errorf("line %q", l)
		}
	}
}
