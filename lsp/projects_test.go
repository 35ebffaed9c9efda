package lsp_test

import (
	"path/filepath"
	"testing"
)

// inProject makes dir a project (dir/.insomnia/profiles.toml) listing the
// file rel (relative to dir) as project:name: a file no profile rule
// recognises (a string, a bare expression) is a profile once listed.
func inProject(t *testing.T, dir, name, rel string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, ".insomnia", "profiles.toml"),
		"[profile]\n"+name+" = \"../"+filepath.ToSlash(rel)+"\"\n")
}
