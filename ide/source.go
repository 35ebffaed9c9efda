package ide

import (
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// Source is the read-only view of the session the features need.
// *session.Session is one; fixture tests give a fake one (a text, a
// made-up evaluation outcome) so a feature is tested without Nix.
// Every method returns a value the caller may keep: nothing here locks
// across calls, so a feature sees each answer as of the moment it asked.
type Source interface {
	// Tree is the parse of a .nix file (open buffer, else disk); nil if unreadable.
	Tree(path string) *nixsyntax.File
	// Text is the open buffer's text, else the file on disk; nil if unreadable.
	Text(path string) []byte
	// Document is the open buffer of path, or nil.
	Document(path string) *session.Document
	// Profile is the evaluation state of a profile file (false: unknown).
	Profile(path string) (session.ProfileState, bool)
	// IsProfile says a .nix file is a profile (listed, or builds one).
	IsProfile(path string, text []byte) bool
	// Dependents are the files whose import closure contains path.
	Dependents(path string) []string
	// RegistryFor is the registry of the project path belongs to; nil
	// before discovery.
	RegistryFor(path string) *registry.Registry
	// Name names a profile file (session.NameWithin: by its project's
	// registry, else relative to its project or workspace folder).
	Name(path string) session.Name
	// SecretIDs are the secret store's ids (never values).
	SecretIDs() []string
	// Dirs are the insomnia directories.
	Dirs() registry.Dirs
	// Settings are the editor's settings, clamped.
	Settings() session.Settings
	// TrustedPath says path may be evaluated unrestricted.
	TrustedPath(path string) bool
	// MayStartPods is nil when pods may be started from the profile ("" = any).
	MayStartPods(path string) error
	// Diagnostics are the merged diagnostics of a file, as last published.
	Diagnostics(file string) []diagnostics.Diagnostic
}

var _ Source = (*session.Session)(nil)

// name names a profile file as the session does (one rule: session.NameWithin).
func name(src Source, path string) session.Name { return src.Name(path) }

// offsetIn converts a position to a byte offset in text, reusing the open
// document's line index when it holds the same text.
func offsetIn(src Source, path string, text []byte, pos diagnostics.Pos) int {
	if doc := src.Document(path); doc != nil && len(doc.Text) == len(text) {
		return doc.Lines.Offset(pos)
	}
	return diagnostics.NewLines(text).Offset(pos)
}

// nixTree is the tree of a .nix file; nil for other files or unreadable ones.
func nixTree(src Source, path string) *nixsyntax.File {
	if !IsNixFile(path) {
		return nil
	}
	return src.Tree(path)
}

// IsNixFile says path names a Nix file (by its extension).
func IsNixFile(path string) bool { return len(path) > 4 && path[len(path)-4:] == ".nix" }

// IsRegistryName says path names a profiles.toml registry.
func IsRegistryName(path string) bool { return filepath.Base(path) == "profiles.toml" }
