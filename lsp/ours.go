package lsp

import "go.lsp.dev/uri"

// notOurs is the gate at the entry of every content feature (hover,
// completion, lenses, code actions, definition, outline, inlay): a Nix or
// TOML file that is not a profile, not imported by one, not in a project's
// .insomnia folder and not a registry (session.Ours) gets nothing from us;
// nil or nixd serve it. Folding, selection ranges and highlights stay on
// every file: they are structure only, and editors merge them.
func (s *Server) notOurs(u uri.URI) bool { return !s.sess.Ours(uriPath(u)) }
