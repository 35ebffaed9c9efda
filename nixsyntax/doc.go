// Package nixsyntax is a lossless, error-tolerant parser for the Nix
// language, with the static checks Nix's own parser makes and the queries an
// editor needs. It knows nothing of profiles and never evaluates anything.
//
// Parse never fails: File.Tokens (trivia included) reprint the input byte
// for byte, File.Nodes is a flat tree (children via Kids, byte offsets in
// every node) and File.Lines converts offsets to LSP positions (UTF-16).
// Syntax errors are recovered from locally: a missing ';' costs one
// diagnostic and later bindings still parse.
//
// File.Diagnostics reports, with stable codes: syntax-error,
// duplicate-attribute, duplicate-formal, undefined-variable (errors, as Nix
// rejects them at parse time), unused-binding (warning, let bindings) and
// unused-formal (hint). Names starting with "_" are never reported unused.
//
// Editor queries: Imports/ImportRefs/ResolveImport, SecretRefs, Strings,
// CursorAt/AttrPathAt/FindAttr, Symbols, FoldingRanges, SelectionRanges,
// Definition and Highlights. Scope analysis runs once per File, on the
// first call that needs it.
package nixsyntax
