package rules

// Manifest diagnostics: problems in the JSON a profile evaluated to, placed
// at the Nix source that set each value.
//
// How the server wires it (lsp/ and cmd/ own the calls):
//
//	ids, err := secrets.ListIDs(dataDir)    // nil ids when the store is unreadable
//	diags := diagnostics.Manifest(diagnostics.ManifestInput{
//		Artifact:   nixJSON,                // stdout of the evaluation
//		Positions:  posMap,                 // JSON pointer -> Location (issue 4)
//		Fallback:   diagnostics.Location{File: profileFile}, // e.g. the mkProfile call
//		SecretIDs:  ids,
//		Registry:   src.Kind == "path" || src.Source != "builtin", // "." = the profile's folder
//		ProfileDir: filepath.Dir(profileFile),
//		Workspace:  workspaceFolder,        // the launch directory
//	})
//	static := diagnostics.Static(diagnostics.StaticInput{Strings: ..., SecretCalls: ..., SecretIDs: ids})
//	msg := diagnostics.Redact(nixStderr)    // before any Nix text reaches a diagnostic or log
//
// A pointer missing from Positions is placed at its nearest ancestor in the
// map ("/manifest/pod/name" -> "/manifest/pod" -> "/manifest" -> ""), else at
// Fallback. Codes are stable (the Code* constants of package diagnostics); a plaintext-secret
// diagnostic carries a Fix whose NewText (`secrets.ref "<id>"`) replaces the
// string literal: apply it only when Range covers the literal (always true
// for Static; for Manifest only if the position map gives value ranges).
// No message ever contains a secret value: every message passes Redact.

import (
	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"

	"sort"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// BuiltinProviders is upstream's builtin model catalog (contract §2.2).
var BuiltinProviders = []string{"anthropic", "codex-oauth", "ollama-local", "openrouter"}

// ManifestInput is everything the manifest diagnostics need; no I/O.
type ManifestInput struct {
	// Artifact is the JSON the profile evaluated to.
	Artifact []byte
	// Positions maps artifact JSON pointers to source locations.
	Positions diagnostics.PosMap
	// Fallback is used when neither a pointer nor any ancestor is mapped.
	Fallback diagnostics.Location
	// SecretIDs are the store's ids; nil means "store unknown" and turns
	// the secret-unknown check off (an empty, non-nil list checks).
	SecretIDs []string
	// Registry is true when relative paths join the profile's own folder
	// (user/project registry entries and path selectors); false for builtin
	// profiles, whose "." is the launch directory.
	Registry   bool
	ProfileDir string
	// Workspace is the launch directory ("" skips scope-outside-launch-dir).
	Workspace string
	// Providers replaces BuiltinProviders when a user catalog is known.
	Providers []string
	// Written, when set, moves a finding from where the position map put
	// it (at: where names[:mapped], the pointer's nearest mapped ancestor,
	// is set, or Fallback with mapped 0) to where the user wrote all of
	// names (the pointer's attribute names), on the value when value (ok
	// false: stay at at).
	Written func(at diagnostics.Location, names []string, mapped int, value bool) (diagnostics.Location, bool)
}

// finding is a problem before it is placed in the source.
type finding struct {
	code    string
	pointer string
	message string
	sev     diagnostics.Severity
	fix     *diagnostics.Fix
}

// Manifest computes every diagnostic of an evaluated profile.
func Manifest(in ManifestInput) []diagnostics.Diagnostic {
	var fs []finding
	art, problems := manifest.SplitArtifact(in.Artifact)
	fs = append(fs, fromProblems(problems)...)
	if art != nil {
		fs = append(fs, fromProblems(manifest.Check(art.Manifest, art.Pointer, art.RawForm))...)
		root, _ := art.Manifest.(map[string]any)
		fs = append(fs, semantic(root, art.Pointer, in)...)
		fs = append(fs, credentialFindings(art, in.SecretIDs)...)
	}
	return place(suppressShadowed(fs), in)
}

func fromProblems(ps []manifest.Problem) []finding {
	out := make([]finding, 0, len(ps))
	for _, p := range ps {
		sev := diagnostics.Error
		if p.Warning {
			sev = diagnostics.Warning
		}
		out = append(out, finding{code: p.Code, pointer: p.Pointer, message: p.Message, sev: sev, fix: p.Fix})
	}
	return out
}

// suppressShadowed drops a type-mismatch where a plaintext-secret explains
// the same value better (an auth given as a string).
func suppressShadowed(fs []finding) []finding {
	secretAt := map[string]bool{}
	for _, f := range fs {
		if f.code == diagnostics.CodePlaintextSecret {
			secretAt[f.pointer] = true
		}
	}
	out := fs[:0]
	for _, f := range fs {
		if f.code == diagnostics.CodeTypeMismatch && secretAt[f.pointer] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// place turns findings into diagnostics at their source locations, with
// every message redacted, sorted by file, position and code.
func place(fs []finding, in ManifestInput) []diagnostics.Diagnostic {
	out := make([]diagnostics.Diagnostic, 0, len(fs))
	for _, f := range fs {
		loc, mapped := locate(in.Positions, f.pointer, in.Fallback)
		if in.Written != nil {
			names := manifest.PointerNames(f.pointer)
			if w, ok := in.Written(loc, names, len(manifest.PointerNames(mapped)), onValue(f.code)); ok {
				loc = w
			}
		}
		out = append(out, diagnostics.Diagnostic{File: loc.File, Range: loc.Range, Severity: f.sev,
			Code: f.code, Message: Redact(f.message), Fix: redactFix(f.fix)})
	}
	sortDiagnostics(out)
	return out
}

// redactFix keeps secret-looking text out of quick-fix titles and edits.
func redactFix(f *diagnostics.Fix) *diagnostics.Fix {
	if f == nil {
		return nil
	}
	return &diagnostics.Fix{Title: Redact(f.Title), NewText: Redact(f.NewText), Replaces: Redact(f.Replaces), Review: f.Review}
}

// locate finds the location of pointer or of its nearest mapped ancestor,
// and the pointer prefix it found ("" for fallback).
func locate(pos diagnostics.PosMap, pointer string, fallback diagnostics.Location) (diagnostics.Location, string) {
	p := pointer
	for {
		if loc, ok := pos[p]; ok {
			return loc, p
		}
		if p == "" {
			return fallback, ""
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return fallback, ""
		}
		p = p[:i]
	}
}

// onValue says whether a code's problem is a value the user wrote (the
// smallest wrong expression is the value, not its key).
func onValue(code string) bool {
	switch code {
	case diagnostics.CodeTypeMismatch, diagnostics.CodeUnknownEnum, diagnostics.CodeUnknownProvider, diagnostics.CodePlaintextSecret,
		diagnostics.CodeSecretUnknown, diagnostics.CodeSecretInvalidID, diagnostics.CodeEnvNameInvalid, diagnostics.CodeStorePath:
		return true
	}
	return false
}

func sortDiagnostics(ds []diagnostics.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Range.Start != b.Range.Start {
			if a.Range.Start.Line != b.Range.Start.Line {
				return a.Range.Start.Line < b.Range.Start.Line
			}
			return a.Range.Start.Col < b.Range.Start.Col
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}

// Redact masks every secret-looking token in s (known key shapes, long
// high-entropy tokens, URL passwords, key-like query values) as its first 4
// characters and length. Use it on Nix stderr before it reaches a
// diagnostic or a log line.
func Redact(s string) string { return secrets.Redact(s) }
