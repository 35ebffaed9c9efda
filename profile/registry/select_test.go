package registry

import (
	"encoding/json"
	"testing"
)

func TestParseSelector(t *testing.T) {
	cases := []struct {
		raw   string
		want  Selector
		label string
		json  string
	}{
		{"default", Selector{Kind: SelDefault}, "default", `{"kind":"default"}`},
		{"path:x", Selector{Kind: SelPath, Path: "x"}, "x", `{"kind":"path","path":"x"}`},
		{"path:", Selector{Kind: SelPath, Path: ""}, "", `{"kind":"path"}`},
		{"path:builtin:x", Selector{Kind: SelPath, Path: "builtin:x"}, "builtin:x", `{"kind":"path","path":"builtin:x"}`},
		{"builtin:default", Selector{Kind: SelNamed, Source: Builtin, Name: "default"}, "builtin:default", `{"kind":"named","source":"builtin","name":"default"}`},
		{"user:a:b", Selector{Kind: SelNamed, Source: User, Name: "a:b"}, "user:a:b", `{"kind":"named","source":"user","name":"a:b"}`},
		{"project:", Selector{Kind: SelNamed, Source: Project, Name: ""}, "project:", `{"kind":"named","source":"project"}`},
		{"project:sub/x.nix", Selector{Kind: SelNamed, Source: Project, Name: "sub/x.nix"}, "project:sub/x.nix", `{"kind":"named","source":"project","name":"sub/x.nix"}`},
		{"team:coder", Selector{Kind: SelNamed, Name: "team:coder"}, "team:coder", `{"kind":"named","name":"team:coder"}`},
		{"profiles/coder", Selector{Kind: SelPath, Path: "profiles/coder"}, "profiles/coder", `{"kind":"path","path":"profiles/coder"}`},
		{".hidden", Selector{Kind: SelPath, Path: ".hidden"}, ".hidden", `{"kind":"path","path":".hidden"}`},
		{"coder.nix", Selector{Kind: SelPath, Path: "coder.nix"}, "coder.nix", `{"kind":"path","path":"coder.nix"}`},
		{"~/p.nix", Selector{Kind: SelPath, Path: "~/p.nix"}, "~/p.nix", `{"kind":"path","path":"~/p.nix"}`},
		{"Default", Selector{Kind: SelNamed, Name: "Default"}, "Default", `{"kind":"named","name":"Default"}`},
		{"coder", Selector{Kind: SelNamed, Name: "coder"}, "coder", `{"kind":"named","name":"coder"}`},
	}
	for _, c := range cases {
		got := ParseSelector(c.raw)
		b, _ := json.Marshal(got)
		if got != c.want || got.Label() != c.label || string(b) != c.json {
			t.Errorf("%q: got %+v label %q json %s", c.raw, got, got.Label(), b)
		}
	}
}

func TestSelectErrorsAndMatches(t *testing.T) {
	w := newWorld(t)
	w.write("res/nix/profiles/default.nix", "{}")
	w.write("res/nix/profiles/coder.nix", "{}")
	w.write(userToml, "[profile]\ndefault = \"mine.nix\"\nsolo = \"solo.nix\"\n")
	w.write(projToml, "default = \"coder\"\n[profile]\ncoder = \"profiles/coder.nix\"\n")
	reg := w.mustDiscover()
	cases := []struct{ sel, entry, err string }{
		{"default", "project:coder", ""}, // not the entries named "default"
		{"builtin:default", "builtin:default", ""},
		{"user:default", "user:default", ""},
		{"solo", "user:solo", ""},
		{"project:coder", "project:coder", ""},
		{"coder", "", "ambiguous profile name `coder`; use a source-qualified selector such as [\"builtin:coder\", \"project:coder\"]"},
		{"user:coder", "", "profile not found: user:coder"},
		{"nobody", "", "profile not found: nobody"},
	}
	for _, c := range cases {
		s, err := reg.Select(c.sel)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: got %v, want %q", c.sel, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.sel, err)
		case s.Entry.QualifiedName() != c.entry || s.Path != s.Entry.Path:
			t.Errorf("%s: got %+v", c.sel, s)
		}
	}
	s, _ := reg.Select("project:coder")
	ps := s.ProfileSource()
	b, _ := json.Marshal(ps)
	want := `{"kind":"registry","source":"project","name":"coder","path":"` + w.path("home/proj/.insomnia") + `/profiles/coder.nix"}`
	if string(b) != want {
		t.Fatalf("provenance %s\nwant %s", b, want)
	}
	p, _ := reg.Select("path:/abs/x.nix")
	if b, _ := json.Marshal(p.ProfileSource()); string(b) != `{"kind":"path","path":"/abs/x.nix"}` || p.Base != "/abs" {
		t.Fatalf("path provenance %s base %s", b, p.Base)
	}
	if got := Wrapped("coder", &Error{Kind: ProfileNotFound, Selector: "coder"}); got != "failed to resolve profile coder: profile not found: coder" {
		t.Fatal(got)
	}
}

func TestRustDebugQuoting(t *testing.T) {
	got := rustDebugList([]string{`a"b`, "c\\d", "e\x1bf", "ü"})
	if want := `["a\"b", "c\\d", "e\u{1b}f", "ü"]`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func TestWatchPaths(t *testing.T) {
	w := newWorld(t)
	w.write("res/nix/profiles/default.nix", "{}")
	w.write(projToml, "[profile]\ncoder = \"profiles/coder.nix\"\n")
	reg := w.mustDiscover()
	got := reg.WatchPaths()
	want := []string{
		w.path(userToml), w.path("res/nix/profiles"), w.path("home/.insomnia/secrets/store.json"),
		w.path("res/nix/profiles/default.nix"), w.path("home/proj/.insomnia") + "/profiles/coder.nix",
		w.path("home/proj/sub/.insomnia/profiles.toml"), w.path(projToml),
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v\nwant %v", got, want)
		}
	}
}
