// Package registry finds insomnia profiles exactly as the insomnia runtime
// does (contract §3) and gives the editor what it needs about profiles.toml.
//
// Directories (contract §3.1):
//
//	ResolveDirs(env Env, bundled func() (string, error)) (Dirs, error)
//	ConfigDir(env) / DataDir(env) / RuntimeDir(env) string
//	Dirs.UserRegistry() / BuiltinDir() / ProfileLib() / SecretStore() string
//	BundledResources() (string, error)   // embedded resources, extracted once
//
// Discovery and selection (§3.2–3.4):
//
//	Discover(Options{Env, Dirs, Start, Workspace, ReadFile}) (*Registry, error)
//	Registry.Entries []Entry        // builtin (sorted), user, project (sorted keys)
//	Registry.Default *DefaultRef    // declared or implied builtin:default
//	Registry.Err                    // the runtime's discovery failure, if any
//	Registry.Warnings               // quirks that bite here (DECISIONS.md)
//	Registry.Select(selector) (Selection, error)
//	Registry.DefaultEntry() (Entry, error)
//	Registry.ByPath(path) []Entry   // which entries point at a file
//	Registry.Base(entry) string     // base dir for relative manifest paths
//	Registry.TargetWarning(entry, target) string
//	Registry.WatchPaths() []string  // feed to profile/watch (plus imports)
//	ParseSelector(raw) Selector; Selector.Label()
//	Entry.QualifiedName(), Entry.Label(); Selection.ProfileSource()
//	*Error (Kind, upstream message); Wrapped(label, err) string
//
// profiles.toml in the editor (pure over the text; entry files are stat'ed):
//
//	AnalyzeRegistryFile(path, text, reg) []diagnostics.Diagnostic
//	Completions(path, text, offset, reg) []Completion
//	DefinitionAt(path, text, offset, reg) (diagnostics.Location, bool)
//	HoverAt(path, text, offset, reg) (Hover, bool); Hover.Markdown()
//
// Edits (keep comments and formatting; verified by re-parsing):
//
//	SetDefaultEdit(reg, entry, read) (FileEdit, error)
//	AddToProjectEdit(reg, profilePath, read) (FileEdit, error)
//
// CLI output:
//
//	FormatList(reg, asJSON) string
//	FormatSelection(reg, selector, asJSON) (string, bool)
//
// A Registry does not change after Discover: share it between goroutines
// and rediscover on a watch batch. Offsets are byte offsets into the text; ranges are LSP positions
// (diagnostics.Range, UTF-16 columns).
package registry
