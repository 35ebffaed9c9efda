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
	// TreeOf, when set, gives the parse of the profile or of a file it
	// imports (nil: unknown). It is called only to place a problem: one
	// Nix gave no position (see Fallback), or one Nix located at a key
	// the user did not write.
	TreeOf func(path string) *nixsyntax.File
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
	memo rendered // see Rendered
}

// Failed says the profile cannot be used to start a pod.
func (o *Outcome) Failed() bool { return o.NixError || o.Errors > 0 || o.Snapshot == nil }

// Result checks one evaluation result.
func Result(p Profile, r eval.Result) (*Outcome, map[string][]diagnostics.Diagnostic) {
	out := &Outcome{Finished: time.Now(), Duration: r.Duration, Base: p.Base, Positions: r.Positions}
	byFile := map[string][]diagnostics.Diagnostic{}
	if r.Failure != nil && r.Failure.Kind == diagnostics.CodeNixMissing {
		out.NixError, out.NixMissing, out.Message = true, true, "Nix not found"
		return out, byFile
	}
	if r.Failure != nil {
		out.NixError, out.Errors = true, 1
		out.Message = firstLine(secrets.Redact(r.Failure.Message))
		for _, d := range FailureDiagnostics(p.Path, r.Failure) {
			if d.Code == diagnostics.CodeImportError && d.Range == (diagnostics.Range{}) {
				d.Range = p.importExpr(d.Related[0].Location.File)
			}
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
		Written:    p.written(),
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
	p.addImportPointers(byFile)
	out.Message = "ok"
	if out.Errors > 0 {
		out.Message = plural(out.Errors, "error") + " in the resolved manifest"
	}
	return out, byFile
}

// written follows a finding from the key Nix's position map gave (often
// an ancestor: `manifest` for a value merged by recursiveUpdate) down the
// syntax tree to the key the user wrote, or its value for a wrong value.
// Each file is parsed at most once per result, and only when a finding
// needs it.
func (p Profile) written() func(diagnostics.Location, []string, int, bool) (diagnostics.Location, bool) {
	trees := map[string]*nixsyntax.File{}
	return func(at diagnostics.Location, names []string, mapped int, value bool) (diagnostics.Location, bool) {
		tree, seen := trees[at.File]
		if !seen {
			tree = p.treeOf(at.File)
			trees[at.File] = tree
		}
		if tree == nil {
			return at, false
		}
		var w nixsyntax.Written
		var ok bool
		if at.Range == (diagnostics.Range{}) { // no position: from the file's value
			w, ok = nixsyntax.WrittenAt(tree, names)
		} else {
			w, ok = nixsyntax.WrittenBelow(tree, tree.Lines.Offset(at.Range.Start), names, mapped)
		}
		// A partial path ends in the value that makes the rest: that value
		// is what is wrong, when it is a short one (a call on one line, not
		// a merge of sets over many).
		if !ok || w.Partial && (!value || w.Value.Start.Line != w.Value.End.Line) {
			return at, false
		}
		if value && w.HasValue {
			return diagnostics.Location{File: at.File, Range: w.Value}, true
		}
		return diagnostics.Location{File: at.File, Range: w.Key}, true
	}
}

// treeOf is the parse of the profile or of a file it imports (nil: unknown).
func (p Profile) treeOf(path string) *nixsyntax.File {
	if p.TreeOf == nil || path == "" {
		return nil
	}
	return p.TreeOf(path)
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
// else at the start of the profile. The pointer names the file and line,
// not the message again (one mistake, one message: it is in Related and on
// the file); it sits where the profile's chain into the import starts when
// Nix's trace says so (else Result puts it on the import expression).
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
			Message: fmt.Sprintf("evaluation fails in %s:%d, which this profile imports", filepath.Base(d.File), d.Range.Start.Line+1),
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
// short pointer on the profile's import expression so the user sees why it
// is red: a count and the file, not a copy of the messages (each is on the
// imported file, where it was written).
func (p Profile) addImportPointers(byFile map[string][]diagnostics.Diagnostic) {
	path := p.Path
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
		byFile[path] = append(byFile[path], diagnostics.Diagnostic{File: path, Range: p.importExpr(file), Severity: diagnostics.Error,
			Code: diagnostics.CodeImportError, Message: fmt.Sprintf("%s in %s, which this profile imports", plural(errs, "error"), filepath.Base(file)),
			Related: []diagnostics.Related{{Location: diagnostics.Location{File: file, Range: first.Range}, Message: first.Message}}})
	}
}

// importExpr is where the profile imports file: the path of its import
// of that file, else of its first import (the file is imported through
// it, the profile's own imports are what the user can follow); the zero
// range when the profile has no parse or no literal import.
func (p Profile) importExpr(file string) diagnostics.Range {
	tree := p.treeOf(p.Path)
	if tree == nil {
		return diagnostics.Range{}
	}
	refs := nixsyntax.ImportRefs(tree)
	for _, r := range refs {
		if filepath.Clean(nixsyntax.ResolveImport(filepath.Dir(p.Path), r.Path)) == filepath.Clean(file) {
			return r.Range
		}
	}
	if len(refs) > 0 {
		return refs[0].Range
	}
	return diagnostics.Range{}
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
			loc := Fallback(p.Path, p.treeOf(p.Path))
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
