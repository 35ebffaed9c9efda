package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// trustedUsage documents --trusted where it is defined: CI runs on pull
// requests from forks evaluate untrusted code and must not pass it.
const trustedUsage = "evaluate unrestricted (reads anywhere, network, <nixpkgs>); " +
	"never in CI on pull requests from forks: their profiles are untrusted code"

// projectDir is the project a path belongs to: the nearest folder, from
// start upwards, holding .insomnia/, else start itself.
func projectDir(start string) string {
	for dir := start; ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(filepath.Join(dir, ".insomnia")); err == nil && fi.IsDir() {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return start
		}
	}
}

// restrictTo makes the evaluations of this run restricted, readable: the
// project of the launch directory, the project of every path given, and
// the resources (always added by evaluator).
func (c *cliEnv) restrictTo(paths []string) {
	c.trusted = false
	c.roots = readableDirs(c.cwd, paths)
}

// readable says whether a restricted run may evaluate the profile: inside
// an allowed folder. Its own folder becomes readable to Nix, so a registry
// entry such as /etc/x.nix would otherwise open /etc (as in the server).
func (c *cliEnv) readable(path string) bool {
	if c.trusted {
		return true
	}
	for _, dir := range append([]string{c.dirs.Resource}, c.roots...) {
		if dir == "" {
			continue
		}
		if rel, err := filepath.Rel(dir, path); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return true
		}
	}
	return false
}

// notReadable is the diagnostic of a profile a restricted run skipped.
func notReadable(t target) diagnostics.Diagnostic {
	return diagnostics.Diagnostic{File: t.path, Severity: diagnostics.Warning, Code: "untrusted-outside",
		Message: "not evaluated: the profile is outside the project and restricted evaluation may not read it " +
			"(run with --trusted to evaluate it)"}
}
