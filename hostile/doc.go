// Package hostile is the hostile-input suite: each case drives the real
// insomnia-lsp binary over stdio (hostile/lspproc) with input meant to
// break it — endless or runaway evaluations, huge and malformed text,
// files that cannot be read, reads outside an untrusted workspace, a
// plaintext secret, Nix killed from outside, a flood of edits — and checks
// that the server still answers, shows a clear diagnostic, leaves no Nix
// process behind, never prints a secret or a forbidden file, and returns
// to its baseline memory. Run it with `go test ./hostile/` or
// scripts/hostile.sh (CI); it skips when nix-instantiate is absent.
package hostile
