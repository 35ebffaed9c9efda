// Package ide holds the editor features of insomnia-lsp for Nix profiles:
// hover, completion, definition, code lenses, code actions, inlay hints and
// pod readiness. Each feature is a plain function over a read-only view of the
// session (a Source) and returns plain Go values; it knows nothing of the
// Language Server Protocol.
//
// The split mirrors nil's ide crate and gopls' golang package: package lsp
// turns protocol parameters into an ide call and the result back into protocol
// values, so a feature can be tested with a fixture (a cursor marker in the
// text and a fake evaluation outcome) without pipes and without Nix.
//
// Arrows: ide imports session, profile/*, spawn, nixsyntax and diagnostics,
// never go.lsp.dev/protocol.
package ide
