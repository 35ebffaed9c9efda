package registry

import (
	"path/filepath"
	"strings"
	"testing"
)

const pastedKey = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"

// Keys typed into profiles.toml (a description, an entry path) are each a
// plaintext-secret, and no message (a missing file names the path) shows
// more than the mask.
func TestRegistryPlaintextKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".insomnia", "profiles.toml")
	text := "[profile]\na = { path = \"a.nix\", description = \"" + pastedKey + "\" }\nb = \"" + pastedKey + ".nix\"\n"
	ds := AnalyzeRegistryFile(path, []byte(text), nil)
	n := 0
	for _, d := range ds {
		t.Logf("%s %q", d.Code, d.Message)
		if strings.Contains(d.Message, pastedKey[4:]) {
			t.Errorf("%s message leaks the key: %q", d.Code, d.Message)
		}
		if d.Code == "plaintext-secret" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d plaintext-secret diagnostics, want 2", n)
	}
}

// A description is the repository's text: its markdown is inert.
func TestHoverMarkdownEscaped(t *testing.T) {
	h := Hover{QualifiedName: "project:a_b", Description: "![x](http://127.0.0.1/a.png) " + pastedKey, Path: "/p/`x`.nix", Exists: true}
	md := h.Markdown()
	t.Log(md)
	for _, bad := range []string{"![", "](", "a_b", pastedKey[4:]} {
		if strings.Contains(md, bad) {
			t.Errorf("hover markdown holds %q: %s", bad, md)
		}
	}
	if !strings.Contains(md, "``/p/`x`.nix``") {
		t.Errorf("the path is not in an unbreakable code span: %s", md)
	}
}
