package registry

import (
	"strings"
	"testing"
)

// cursor splits text at the "|" marker.
func cursor(s string) ([]byte, int) {
	i := strings.Index(s, "|")
	return []byte(s[:i] + s[i+1:]), i
}

func labels(cs []Completion) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label)
	}
	return strings.Join(out, " ")
}

func TestCompletions(t *testing.T) {
	w, reg := analyzeWorld(t)
	w.write("home/proj/.insomnia/profiles/deep/a/b/c/too-deep.nix", "{}")
	w.write("home/proj/.insomnia/profiles/readme.md", "")
	cases := []struct{ name, text, want string }{
		{"default: bare for own source, qualified otherwise", "default = \"|\"\n[profile]\ncoder = \"profiles/coder.nix\"\n",
			"builtin:coder builtin:default coder user:mine"},
		{"default while the string is unterminated", "default = '|\n", "builtin:coder builtin:default coder user:mine"},
		{"string-form entry path", "[profile]\nrev = \"pro|\"\n", "profiles/coder.nix profiles/rev.nix"},
		{"table-form path", "[profile.rev]\npath = \"|\"\n", "profiles/coder.nix profiles/rev.nix"},
		{"inline table path", "[profile]\nrev = { path = \"|\n", "profiles/coder.nix profiles/rev.nix"},
		{"description is not a path", "[profile.rev]\ndescription = \"|\"\n", ""},
		{"default under a table is an entry", "[profile]\ndefault = \"|\"\n", "profiles/coder.nix profiles/rev.nix"},
		{"outside strings", "[pro|file]\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, off := cursor(c.text)
			got := Completions(w.path(projToml), text, off, reg)
			if labels(got) != c.want {
				t.Fatalf("got %q want %q", labels(got), c.want)
			}
		})
	}
	// The replacement range covers what was typed inside the quotes.
	text, off := cursor("[profile]\nrev = \"pro|\"\n")
	c := Completions(w.path(projToml), text, off, reg)[0]
	if c.Range.Start.Line != 1 || c.Range.Start.Col != 7 || c.Range.End.Col != 10 {
		t.Fatalf("range %+v", c.Range)
	}
}

func TestDefinitionAndHover(t *testing.T) {
	w, reg := analyzeWorld(t)
	src := "default = \"co|der\"\n[profile]\ncoder = \"profiles/coder.nix\"\nghost = \"profiles/ghost.nix\"\n"
	text, off := cursor(src)
	loc, ok := DefinitionAt(w.path(projToml), text, off, reg)
	if !ok || loc.File != w.path("home/proj/.insomnia")+"/profiles/coder.nix" {
		t.Fatalf("definition from default: %+v %v", loc, ok)
	}
	h, ok := HoverAt(w.path(projToml), text, off, reg)
	if !ok || h.QualifiedName != "project:coder" || !h.IsDefault || !h.Exists {
		t.Fatalf("hover on default: %+v", h)
	}
	off = strings.Index(string(text), "ghost")
	if loc, ok = DefinitionAt(w.path(projToml), text, off, reg); !ok || !strings.HasSuffix(loc.File, "/profiles/ghost.nix") {
		t.Fatalf("definition from key: %+v", loc)
	}
	h, _ = HoverAt(w.path(projToml), text, off, reg)
	if h.QualifiedName != "project:ghost" || h.IsDefault || h.Exists || !strings.Contains(h.Markdown(), "(missing)") {
		t.Fatalf("hover on ghost: %+v", h)
	}
	if _, ok := HoverAt(w.path(projToml), text, strings.Index(string(text), "[profile]")+2, reg); ok {
		t.Fatal("no hover at the end of the file")
	}
	text, off = cursor("default = \"no|pe\"\n")
	h, ok = HoverAt(w.path(projToml), text, off, reg)
	if !ok || h.Problem != "profile not found: project:nope" {
		t.Fatalf("hover on bad default: %+v", h)
	}
	if _, ok := DefinitionAt(w.path(projToml), text, off, reg); ok {
		t.Fatal("no definition for an unresolved default")
	}
}
