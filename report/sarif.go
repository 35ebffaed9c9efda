package report

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
)

// SARIFTool describes the run: the tool, its rules and the folder relative
// file names are under.
type SARIFTool struct {
	Name, Version, InformationURI string
	Rules                         []Rule
	// SrcRoot is the absolute folder relative Finding.File values are
	// under; it becomes the %SRCROOT% base.
	SrcRoot string
}

// Rule is one diagnostic code and what it means.
type Rule struct {
	ID          string
	Description string
	Level       string // default level: error, warning or note
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifToolObj                `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                      `json:"columnKind"`
	Results            []sarifResult               `json:"results"`
}

type sarifToolObj struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string      `json:"id"`
	ShortDescription sarifText   `json:"shortDescription"`
	DefaultConfig    sarifConfig `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// SARIF renders findings as one SARIF 2.1.0 run. Every code a finding
// carries has a rule: the documented ones from tool.Rules, any other with
// a description naming the code, so ruleIndex always points somewhere.
func SARIF(fs []Finding, tool SARIFTool) ([]byte, error) {
	rules := append([]Rule(nil), tool.Rules...)
	index := map[string]int{}
	for i, r := range rules {
		index[r.ID] = i
	}
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		i, ok := index[f.Code]
		if !ok {
			i = len(rules)
			index[f.Code] = i
			rules = append(rules, Rule{ID: f.Code, Description: "insomnia-lsp diagnostic " + f.Code, Level: sarifLevel(f.Severity)})
		}
		results = append(results, sarifResultOf(f, i))
	}
	run := sarifRun{
		Tool: sarifToolObj{Driver: sarifDriver{Name: tool.Name, Version: tool.Version,
			InformationURI: tool.InformationURI, Rules: sarifRules(rules)}},
		// Columns are LSP's UTF-16 code units, SARIF's default; said
		// explicitly for readers that assume otherwise.
		ColumnKind: "utf16CodeUnits",
		Results:    results,
	}
	if tool.SrcRoot != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{"%SRCROOT%": {URI: dirURI(tool.SrcRoot)}}
	}
	b, err := json.MarshalIndent(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}}, "", "  ")
	return append(b, '\n'), err
}

func sarifRules(rs []Rule) []sarifRule {
	out := make([]sarifRule, 0, len(rs))
	for _, r := range rs {
		out = append(out, sarifRule{ID: r.ID, ShortDescription: sarifText{r.Description},
			DefaultConfig: sarifConfig{Level: sarifLevel(r.Level)}})
	}
	return out
}

func sarifResultOf(f Finding, ruleIndex int) sarifResult {
	r := sarifResult{RuleID: f.Code, RuleIndex: ruleIndex, Level: sarifLevel(f.Severity), Message: sarifText{f.Message}}
	if f.File == "" {
		return r
	}
	loc := sarifArtifactLoc{URI: fileURI(f.File)}
	if !filepath.IsAbs(f.File) {
		loc.URIBaseID = "%SRCROOT%"
	}
	region := sarifRegion{StartLine: max(f.Line, 1), StartColumn: max(f.Column, 1)}
	if f.EndLine >= region.StartLine {
		region.EndLine, region.EndColumn = f.EndLine, max(f.EndColumn, 1)
	}
	r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: loc, Region: region}}}
	return r
}

// sarifLevel maps our severities to SARIF's levels.
func sarifLevel(severity string) string {
	switch severity {
	case "error", "warning", "note":
		return severity
	}
	return "note"
}

// fileURI is a relative reference for a relative file, a file: URI for an
// absolute one; both percent-encoded.
func fileURI(p string) string {
	p = filepath.ToSlash(p)
	if strings.HasPrefix(p, "/") {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// dirURI is a folder's file: URI, ending in "/" as SARIF requires of a base.
func dirURI(dir string) string {
	return strings.TrimSuffix(fileURI(filepath.Clean(dir)), "/") + "/"
}
