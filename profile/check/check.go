// Package check turns one finished evaluation of a profile into what every
// front end shows: the outcome (display manifest, snapshot, hash, status)
// and the diagnostics by file. The server and `insomnia-lsp check` share it,
// so the editor and CI never disagree.
package check

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/rules"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Profile says what is being checked and against what.
type Profile struct {
	Path      string
	Source    manifest.ProfileSource
	Base      string   // directory relative manifest paths join to
	SecretIDs []string // nil: store unknown, unknown ids not reported
	Workspace string   // launch directory ("" skips the scope check)
	// Tree, when set, gives the profile's parse; it is called only when a
	// problem has no position from Nix, to place it (see Fallback).
	Tree func() *nixsyntax.File
}

// Outcome is a finished evaluation as hover, lenses and commands read it.
type Outcome struct {
	Display json.RawMessage // manifest for display: Nix's + builtin defaults, redacted, within manifest.DisplayLimits
	// DisplayCut says why Display was cut ("" when whole), for the
	// "manifest truncated" note front ends show after it.
	DisplayCut string
	Snapshot   json.RawMessage // upstream's resolved_manifest_snapshot (nil when unresolvable)
	Hash       string          // sha256 of the canonical snapshot
	NixError   bool            // Nix failed: there is no manifest at all
	// NixMissing: Nix could not be run at all. Not a problem of the
	// profile: no diagnostic, the session tells the user once.
	NixMissing bool
	Errors     int    // error diagnostics
	Message    string // short status line, never a secret
	Finished   time.Time
	Duration   time.Duration
	Base       string
	// Positions maps manifest JSON pointers to the source that set them
	// (eval.Result.Positions), so hover can say which file set a value.
	Positions diagnostics.PosMap
	// Text is the profile's text the evaluation ran on: inlay hints show
	// only on lines unchanged since.
	Text []byte
}

// Failed says the profile cannot be used to start a pod.
func (o *Outcome) Failed() bool { return o.NixError || o.Errors > 0 || o.Snapshot == nil }

// Result checks one evaluation result.
func Result(p Profile, r eval.Result) (*Outcome, map[string][]diagnostics.Diagnostic) {
	out := &Outcome{Finished: time.Now(), Duration: r.Duration, Base: p.Base, Positions: r.Positions}
	byFile := map[string][]diagnostics.Diagnostic{}
	if r.Failure != nil && r.Failure.Kind == eval.KindNixMissing {
		out.NixError, out.NixMissing, out.Message = true, true, "Nix not found"
		return out, byFile
	}
	if r.Failure != nil {
		out.NixError, out.Errors = true, 1
		out.Message = firstLine(secrets.Redact(r.Failure.Message))
		for _, d := range FailureDiagnostics(p.Path, r.Failure) {
			byFile[d.File] = append(byFile[d.File], d)
		}
		return out, byFile
	}
	if res, _ := manifest.Resolve(r.Artifact, p.Base, p.Source); res != nil {
		out.Snapshot, out.Hash = res.SnapshotJSON, res.Hash
	}
	if disp, cut, err := manifest.Display(r.Artifact); err == nil {
		out.Display, out.DisplayCut = disp, cut
	}
	diags := rules.Manifest(rules.ManifestInput{
		Artifact:   r.Artifact,
		Positions:  withoutRoot(r.Positions),
		Fallback:   diagnostics.Location{File: p.Path},
		SecretIDs:  p.SecretIDs,
		Registry:   p.Source.Kind == "path" || p.Source.Source != "builtin",
		ProfileDir: filepath.Dir(p.Path),
		Workspace:  p.Workspace,
	})
	if r.Depth > 0 {
		diags = append(diags, tooDeep(p.Path, r.Depth))
	}
	p.placeUnlocated(diags)
	for _, d := range diags {
		if d.Severity == diagnostics.Error {
			out.Errors++
		}
		byFile[d.File] = append(byFile[d.File], d)
	}
	addImportPointers(p.Path, byFile)
	out.Message = "ok"
	if out.Errors > 0 {
		out.Message = plural(out.Errors, "error") + " in the resolved manifest"
	}
	return out, byFile
}

// tooDeep says the value Nix printed was cut at eval.MaxArtifactDepth (the
// start of the file: placeUnlocated moves it to the manifest's key).
func tooDeep(path string, depth int) diagnostics.Diagnostic {
	return diagnostics.Diagnostic{File: path, Severity: diagnostics.Warning, Code: CodeTooDeep,
		Message: fmt.Sprintf("the profile's value nests %d levels deep: only the first %d are checked and shown", depth, eval.MaxArtifactDepth)}
}

// CodeTooDeep is the code of tooDeep (diagnostics/CODES.md).
const CodeTooDeep = diagnostics.CodeTooDeep

// FailureDiagnostics places a Nix failure: at the innermost position Nix
// gave (the imported file when it is there, with a pointer on the profile),
// else at the start of the profile.
func FailureDiagnostics(path string, f *eval.Failure) []diagnostics.Diagnostic {
	msg := secrets.Redact(f.Message)
	d := diagnostics.Diagnostic{File: path, Severity: diagnostics.Error, Code: f.Kind, Message: msg}
	if f.Location == nil {
		return []diagnostics.Diagnostic{d}
	}
	d.File, d.Range = f.Location.File, Widen(f.Location.Range)
	out := []diagnostics.Diagnostic{d}
	if filepath.Clean(d.File) != filepath.Clean(path) {
		ptr := diagnostics.Diagnostic{File: path, Severity: diagnostics.Error, Code: diagnostics.CodeImportError,
			Message: fmt.Sprintf("evaluation failed in %s:%d: %s", filepath.Base(d.File), d.Range.Start.Line+1, firstLine(msg)),
			Related: []diagnostics.Related{{Location: *f.Location, Message: firstLine(msg)}}}
		if loc := importSite(path, f.Trace); loc != nil {
			ptr.Range = Widen(loc.Range)
		}
		out = append(out, ptr)
	}
	return out
}

// importSite is the innermost trace frame inside the profile itself (where
// the chain into the failing import starts), if Nix printed one.
func importSite(path string, trace []diagnostics.Location) *diagnostics.Location {
	for i := range trace {
		if filepath.Clean(trace[i].File) == filepath.Clean(path) {
			return &trace[i]
		}
	}
	return nil
}

// addImportPointers adds, for manifest errors located in imported files, a
// short pointer on the profile so the user sees why it is red.
func addImportPointers(path string, byFile map[string][]diagnostics.Diagnostic) {
	for file, ds := range byFile {
		if file == path {
			continue
		}
		var first *diagnostics.Diagnostic
		errs := 0
		for i := range ds {
			if ds[i].Severity == diagnostics.Error {
				errs++
				if first == nil {
					first = &ds[i]
				}
			}
		}
		if errs == 0 {
			continue
		}
		byFile[path] = append(byFile[path], diagnostics.Diagnostic{File: path, Severity: diagnostics.Error,
			Code: diagnostics.CodeImportError, Message: fmt.Sprintf("%s in %s, which this profile imports", plural(errs, "error"), filepath.Base(file)),
			Related: []diagnostics.Related{{Location: diagnostics.Location{File: file, Range: first.Range}, Message: first.Message}}})
	}
}

// Widen makes an empty range cover one character, so editors show it.
func Widen(r diagnostics.Range) diagnostics.Range {
	if r.End == r.Start {
		r.End.Col = r.Start.Col + 1
	}
	return r
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

// placeUnlocated moves problems that got no position (the start of the
// profile) to Fallback's place. The parse it needs is asked for only then,
// so a clean evaluation never parses the profile again.
func (p Profile) placeUnlocated(ds []diagnostics.Diagnostic) {
	var at *diagnostics.Location
	for i := range ds {
		if ds[i].File != p.Path || ds[i].Range != (diagnostics.Range{}) {
			continue
		}
		if at == nil {
			var tree *nixsyntax.File
			if p.Tree != nil {
				tree = p.Tree()
			}
			loc := Fallback(p.Path, tree)
			at = &loc
		}
		ds[i].Range = at.Range
	}
}

// withoutRoot drops the artifact root's position (the start of the file)
// and every entry that only inherited it: a problem with no closer position
// is better placed at the Fallback (the profile's manifest key).
func withoutRoot(m diagnostics.PosMap) diagnostics.PosMap {
	root, ok := m[""]
	if !ok {
		return m
	}
	out := make(diagnostics.PosMap, len(m))
	for k, v := range m {
		if v != root {
			out[k] = v
		}
	}
	return out
}
