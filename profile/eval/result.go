package eval

import (
	"encoding/json"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Request is one profile to evaluate.
type Request struct {
	// Path is the profile file (absolute). Relative imports resolve from
	// its folder.
	Path string
	// Text is the editor's text of Path; nil means read Path from disk.
	Text []byte
	// Deps are the files of its import closure (absolute), as the caller's
	// import graph knows them. They key the cache; files Nix reports reading
	// are checked as well, so an incomplete list is safe.
	Deps []string
	// Overlays are unsaved editor texts of files in Deps, for the cache key
	// only: Nix itself reads imported files from disk.
	Overlays map[string][]byte
	// Restricted evaluates this request in Nix's restricted mode even when
	// Options.Trusted (a file outside the client's trusted roots).
	Restricted bool
}

// Result is one finished evaluation.
type Result struct {
	// Artifact is the profile's JSON exactly as Nix printed it; nil on failure.
	Artifact json.RawMessage
	// Positions maps every JSON pointer in Artifact ("" for the root,
	// "/manifest/model/auth", "/manifest/scope/allow/0/target") to where it
	// was defined; a value without a position of its own gets its nearest
	// ancestor's.
	Positions diagnostics.PosMap
	// Failure is set when there is no artifact.
	Failure *Failure
	// Duration is the wall time of the evaluation (0 for a cache hit).
	Duration time.Duration
	// Deps are the files Nix reported reading (imports), sorted.
	Deps []string
	// Cached says the result came from the cache, not a new Nix run.
	Cached bool
	// Prestarted says a pre-started Nix (pool.go) ran it.
	Prestarted bool
	// Depth, when set, is how deep the value Nix printed nested: deeper
	// than MaxArtifactDepth, so Artifact holds it cut there.
	Depth int
	// Text is the Request's Text this result answers (nil: read from
	// disk), so a caller can tell which lines of an edited buffer it
	// still describes.
	Text []byte
}

// Failure says why there is no artifact.
type Failure struct {
	// Kind is a diagnostics code (CodeNixError, CodeTimeout, ...; CodeBadRequest:
	// the profile cannot be read, or the request is malformed). Each has one
	// message shape; see the constructors in failure.go.
	Kind    string
	Message string
	// Location is where Nix says the error is (innermost place in a source
	// file), in LSP positions; nil when Nix gave none.
	Location *diagnostics.Location
	// Trace is every located frame Nix printed, innermost first.
	Trace []diagnostics.Location
}

func (f *Failure) Error() string { return f.Kind + ": " + f.Message }

// cacheable says whether a result depends only on the inputs (not on load,
// limits or luck), so it may be served again.
func (r Result) cacheable() bool {
	if r.Failure == nil {
		return true
	}
	switch r.Failure.Kind {
	case diagnostics.CodeNixError, diagnostics.CodeInvalidJSON, diagnostics.CodeFunctionProfile:
		return true
	}
	return false
}
