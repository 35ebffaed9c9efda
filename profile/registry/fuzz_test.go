package registry

import (
	"testing"
)

// FuzzRegistryText: no input makes the profiles.toml features panic, and
// every range they return lies inside the text.
func FuzzRegistryText(f *testing.F) {
	for _, s := range []string{
		"default = \"coder\"\n[profile]\ncoder = \"c.nix\"\n",
		"[profile.x]\npath = \"p\"\ndescription = \"d\"\n[alias]\n",
		"profile = { a = \"a.nix\", b = { path = \"b\" } }\n",
		"[[profile]]\na = 1\n", "default = '\n", "[entries]\n\"a:b\" = \"x\"\n",
	} {
		f.Add(s, 3)
	}
	reg := &Registry{texts: map[string][]byte{}, docs: map[string]*regDoc{}}
	f.Fuzz(func(t *testing.T, s string, off int) {
		text := []byte(s)
		path := "/nonexistent/.insomnia/profiles.toml"
		lines := len(splitLines(s))
		for _, d := range AnalyzeRegistryFile(path, text, reg) {
			if d.Range.Start.Line >= lines || d.Range.End.Line >= lines || d.Message == "" {
				t.Fatalf("bad diagnostic %+v", d)
			}
		}
		if off < 0 {
			off = -off
		}
		if len(text) > 0 {
			off %= len(text) + 1
		}
		Completions(path, text, off, reg)
		DefinitionAt(path, text, off, reg)
		HoverAt(path, text, off, reg)
		if ed, err := setDefaultText(text, "x"); err == nil && applyEdits(text, ed.Edits) != string(ed.NewText) {
			t.Fatalf("edits and new text disagree")
		}
	})
}

func splitLines(s string) []int {
	out := []int{0}
	for i := range s {
		if s[i] == '\n' {
			out = append(out, i)
		}
	}
	return out
}
