// Package diagnostics is the leaf vocabulary every part of insomnia-lsp
// reports in: Diagnostic, Severity, positions (Pos, Range, Location), the
// one line index (Lines) and the code table (codes.go). It imports nothing
// of this module; the rules that compute problems live with their inputs
// (nixsyntax for syntax and scope, profile/rules for manifests and secrets).
package diagnostics

// Source is the "source" every diagnostic carries, so editors can filter ours.
const Source = "insomnia"

// Severity matches the LSP numbering so conversion is a cast.
type Severity int

const (
	Error       Severity = 1
	Warning     Severity = 2
	Information Severity = 3
	Hint        Severity = 4
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Information:
		return "info"
	default:
		return "hint"
	}
}

// Pos is an LSP position: 0-based line, 0-based column in UTF-16 code units.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"character"`
}

// Range is a half-open LSP range.
type Range struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Location is a range in a file (absolute path).
type Location struct {
	File  string `json:"file"`
	Range Range  `json:"range"`
}

// PosMap maps a manifest path written as a JSON pointer ("/manifest/model/auth")
// to the place in the Nix sources that defined it.
type PosMap map[string]Location

// Related points at another place that explains a diagnostic.
type Related struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// Diagnostic is one problem, with a stable kebab-case Code.
// Message must never contain a secret value (see Redact).
type Diagnostic struct {
	File     string    `json:"file"`
	Range    Range     `json:"range"`
	Severity Severity  `json:"severity"`
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	Related  []Related `json:"related,omitempty"`
	// Fix, when set, is a suggested replacement for Range (used by quick fixes).
	Fix *Fix `json:"fix,omitempty"`
}

// Fix is a single text replacement that resolves a diagnostic.
type Fix struct {
	Title   string `json:"title"`
	NewText string `json:"newText"`
	// Replaces, when set, is the text the diagnostic's range must hold for
	// the fix to apply (a range placed elsewhere, say on a parent key when
	// the source could not be followed, gets no fix rather than a wrong edit).
	Replaces string `json:"replaces,omitempty"`
	// Review: the edit may change what the value means (a removed field's
	// replacement can count in other units): offered, never the fix an
	// editor applies without asking.
	Review bool `json:"review,omitempty"`
}

// Suggest is the fix of a "did you mean ...?": written, the text under the
// diagnostic's range, becomes suggested (both as they appear in Nix source).
func Suggest(written, suggested string) *Fix {
	return &Fix{Title: "Replace with " + suggested, NewText: suggested, Replaces: written}
}
