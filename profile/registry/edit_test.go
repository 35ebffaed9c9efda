package registry

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// applyEdits applies LSP-style edits to text, to check Edits against NewText.
func applyEdits(text []byte, edits []TextEdit) string {
	l := diagnostics.NewLines(text)
	out := string(text)
	for i := len(edits) - 1; i >= 0; i-- {
		s, e := l.Offset(edits[i].Range.Start), l.Offset(edits[i].Range.End)
		out = out[:s] + edits[i].NewText + out[e:]
	}
	return out
}

func TestSetDefaultText(t *testing.T) {
	cases := []struct{ name, in, value, want string }{
		{"replace keeps comments", "# mine\ndefault = \"a\" # team pick\n\n[profile]\na = \"a.nix\"\n", "b",
			"# mine\ndefault = \"b\" # team pick\n\n[profile]\na = \"a.nix\"\n"},
		{"literal string replaced", "default='a'\n", "user:x", "default=\"user:x\"\n"},
		{"insert before the table's comment", "# header\n\n# roles\n[profile]\na = \"a.nix\"\n", "a",
			"# header\n\ndefault = \"a\"\n\n# roles\n[profile]\na = \"a.nix\"\n"},
		{"insert after a file header comment", "# header\n[profile]\na = \"a.nix\"\n", "a",
			"# header\ndefault = \"a\"\n\n[profile]\na = \"a.nix\"\n"},
		{"insert into an empty file", "", "builtin:default", "default = \"builtin:default\"\n"},
		{"no table, no final newline", "# only comments", "a", "# only comments\ndefault = \"a\"\n"},
		{"default inside a table is not the top-level one", "[profile]\ndefault = \"d.nix\"\n", "builtin:default",
			"default = \"builtin:default\"\n\n[profile]\ndefault = \"d.nix\"\n"},
		{"quotes escaped", "", `we"ird`, "default = \"we\\\"ird\"\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ed, err := setDefaultText([]byte(c.in), c.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(ed.NewText) != c.want {
				t.Fatalf("got\n%s\nwant\n%s", ed.NewText, c.want)
			}
			if got := applyEdits([]byte(c.in), ed.Edits); got != c.want {
				t.Fatalf("edits give\n%s", got)
			}
		})
	}
	if _, err := setDefaultText([]byte("[profile\n"), "x"); err == nil {
		t.Fatal("a file with a syntax error must not be edited")
	}
}

func TestSetDefaultEditTarget(t *testing.T) {
	w, reg := analyzeWorld(t)
	proj, _ := reg.selectNamed(Project, "coder")
	ed, err := SetDefaultEdit(reg, proj, nil)
	if err != nil || ed.File != w.path(projToml) || !strings.HasPrefix(string(ed.NewText), "default = \"coder\"\n") {
		t.Fatalf("project entry: %+v %v", ed, err)
	}
	builtin, _ := reg.selectNamed(Builtin, "coder")
	ed, err = SetDefaultEdit(reg, builtin, nil)
	if err != nil || ed.File != w.path(userToml) || ed.Create || !strings.HasPrefix(string(ed.NewText), "default = \"builtin:coder\"\n") {
		t.Fatalf("builtin entry: %+v %v", ed, err)
	}
	// The editor's unsaved project buffer declares a default: it would
	// override the user registry, so the project registry is edited.
	read := func(p string) ([]byte, error) {
		if p == w.path(projToml) {
			return []byte("default = \"coder\" # ours\n[profile]\ncoder = \"profiles/coder.nix\"\n"), nil
		}
		return os.ReadFile(p)
	}
	user, _ := reg.selectNamed(User, "mine")
	ed, err = SetDefaultEdit(reg, user, read)
	if err != nil || ed.File != w.path(projToml) || ed.Note == "" ||
		string(ed.NewText) != "default = \"user:mine\" # ours\n[profile]\ncoder = \"profiles/coder.nix\"\n" {
		t.Fatalf("user entry with project default: %+v %v", ed, err)
	}
	// Missing user registry: created.
	os.Remove(w.path(userToml))
	ed, err = SetDefaultEdit(reg, builtin, nil)
	if err != nil || !ed.Create || string(ed.NewText) != "default = \"builtin:coder\"\n" {
		t.Fatalf("create: %+v %v", ed, err)
	}
}

func TestAddToProjectEdit(t *testing.T) {
	w, reg := analyzeWorld(t)
	cases := []struct{ name, in, profile, want string }{
		{"appends to [profile] keeping comments", "# roles\n[profile]\ncoder = \"profiles/coder.nix\" # main\n\n[profile.x]\npath = \"x.nix\"\n",
			"home/proj/.insomnia/profiles/rev.nix",
			"# roles\n[profile]\ncoder = \"profiles/coder.nix\" # main\nrev = \"profiles/rev.nix\"\n\n[profile.x]\npath = \"x.nix\"\n"},
		{"new table when none", "default = \"builtin:default\"\n", "home/proj/tools/lint/profile.nix",
			"default = \"builtin:default\"\n\n[profile]\nlint = \"../tools/lint/profile.nix\"\n"},
		{"unique name", "[profile]\nrev = \"other.nix\"\n", "home/proj/.insomnia/profiles/rev.nix",
			"[profile]\nrev = \"other.nix\"\nrev-2 = \"profiles/rev.nix\"\n"},
		{"only [profile.x] tables: one more table", "default = \"coder\"\n\n[profile.coder]\npath = \"profiles/coder.nix\"\ndescription = \"Writes code\"\n",
			"home/proj/.insomnia/profiles/qa.nix",
			"default = \"coder\"\n\n[profile.coder]\npath = \"profiles/coder.nix\"\ndescription = \"Writes code\"\n\n[profile.qa]\npath = \"profiles/qa.nix\"\n"},
		{"dotted keys: table form", "profile.a = \"a.nix\"\n", "home/proj/.insomnia/profiles/rev.nix",
			"profile.a = \"a.nix\"\n\n[profile.rev]\npath = \"profiles/rev.nix\"\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			read := func(string) ([]byte, error) { return []byte(c.in), nil }
			ed, err := AddToProjectEdit(reg, w.path(c.profile), read)
			if err != nil {
				t.Fatal(err)
			}
			if ed.File != w.path(projToml) || string(ed.NewText) != c.want || applyEdits([]byte(c.in), ed.Edits) != c.want {
				t.Fatalf("got %s\n%s\nwant\n%s", ed.File, ed.NewText, c.want)
			}
		})
	}
	// No project registry: created under the workspace.
	w.mkdir("lone")
	lone := w.mustDiscover("lone")
	ed, err := AddToProjectEdit(lone, w.path("lone/p.nix"), func(string) ([]byte, error) { return nil, fs.ErrNotExist })
	if err != nil || !ed.Create || ed.File != w.path("lone/.insomnia/profiles.toml") || string(ed.NewText) != "[profile]\np = \"../p.nix\"\n" {
		t.Fatalf("create: %+v %q %v", ed, ed.NewText, err)
	}
	_, err = AddToProjectEdit(reg, w.path("x.nix"), func(string) ([]byte, error) { return nil, errors.New("boom") })
	if err == nil {
		t.Fatal("read errors must surface")
	}
}
