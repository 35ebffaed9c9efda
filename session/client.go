package session

import "github.com/insomnia-lsp/insomnia-lsp/diagnostics"

// Client is where a session's output goes: the language server sends it to
// the editor, a headless session (the CLI) keeps or drops it. Calls come
// from the session's goroutines (scheduler callbacks, the watcher, and the
// caller of Changed); an implementation must not block on the editor.
type Client interface {
	// PublishDiagnostics replaces the whole set of one file.
	PublishDiagnostics(file string, diags []diagnostics.Diagnostic)
	// EvaluationStatus reports that a profile's evaluation state changed.
	EvaluationStatus(st Status)
	// ProgressBegin and ProgressEnd bracket one profile's evaluation.
	ProgressBegin(key, title string)
	ProgressEnd(key string)
	// RefreshLenses says names, defaults or results changed.
	RefreshLenses()
	// RefreshInlayHints says an evaluation finished: resolved values changed.
	RefreshInlayHints()
	// NixMissing says, once per session (again after a settings change
	// that still leaves Nix missing), that Nix cannot be run: message is
	// NixMissingMessage. It is not a diagnostic: no file is wrong.
	NixMissing(message string)
}

// NixMissingMessage is what the user is told when Nix cannot be run: the
// editor's one notification and the CLI's one line on stderr.
const NixMissingMessage = "Nix not found: profiles are not evaluated, static checks go on. Install Nix (e.g. apt-get install nix-bin) or set insomnia.nixPath."

// Status is the typed evaluation status of one profile
// (insomnia/evaluationStatus, docs/server-contract.md).
type Status struct {
	Path          string `json:"-"`
	URI           string `json:"uri"`
	QualifiedName string `json:"qualifiedName"`
	DisplayName   string `json:"displayName"` // Name.Display: path: names relative to the project
	IsDefault     bool   `json:"isDefault"`
	State         string `json:"state"`
	Message       string `json:"message"`
}

// NopClient drops all output (a headless session reads results directly).
type NopClient struct{}

func (NopClient) PublishDiagnostics(string, []diagnostics.Diagnostic) {}
func (NopClient) EvaluationStatus(Status)                             {}
func (NopClient) ProgressBegin(string, string)                        {}
func (NopClient) ProgressEnd(string)                                  {}
func (NopClient) RefreshLenses()                                      {}
func (NopClient) RefreshInlayHints()                                  {}
func (NopClient) NixMissing(string)                                   {}
