// Package resources bundles the Nix library, the builtin profiles, the
// evaluation wrapper and the manifest schema into the binary, so an installed
// insomnia-lsp needs no source checkout.
package resources

import "embed"

// FS holds nix/ and schema/ as they are in the repository.
//
//go:embed nix schema
var FS embed.FS
