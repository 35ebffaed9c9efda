package registry

import (
	"os"
	"testing"
)

// TestBaseMirrorsRustParent is point 1 of "the editor agrees with the
// runtime, round two": the base of a path profile or registry entry is
// Path::parent of its absolute path (crates/manifest/src/profile.rs:415-423
// at 6ecb5c4f), the entry path is profiles.toml's parent joined to it
// (profile.rs:567,574), a path selector is cwd.join(path) (profile.rs:683-692).
func TestBaseMirrorsRustParent(t *testing.T) {
	w := newWorld(t)
	w.write("home/proj/.insomnia/coder.nix", "{}")
	w.write("home/proj/.insomnia/sub/default.nix", "{}")
	w.write(projToml, "[profile]\ncoder = \"./coder.nix\"\nplain = \"coder.nix\"\nfolder = \"sub\"\nslash = \"./sub/\"\n")
	w.write("home/proj/sub/coder.nix", "{}")
	w.write("home/proj/sub/dir/default.nix", "{}")
	reg := w.mustDiscover()
	ins, sub := w.path("home/proj/.insomnia"), w.path("home/proj/sub")
	cases := []struct {
		selector, path, base, file string
	}{
		{"project:coder", ins + "/./coder.nix", ins, ins + "/./coder.nix"},
		{"project:plain", ins + "/coder.nix", ins, ins + "/coder.nix"},
		{"project:folder", ins + "/sub", ins, ins + "/sub/default.nix"},
		{"project:slash", ins + "/./sub/", ins, ins + "/./sub/default.nix"},
		{"./coder.nix", sub + "/./coder.nix", sub, sub + "/./coder.nix"},
		{"coder.nix", sub + "/coder.nix", sub, sub + "/coder.nix"},
		// point 3: a directory selector evaluates dir/default.nix, as
		// `nix eval --file` does, with base the parent of the folder.
		{"dir/", sub + "/dir/", sub, sub + "/dir/default.nix"},
		{"./dir", sub + "/./dir", sub, sub + "/./dir/default.nix"},
	}
	for _, c := range cases {
		sel, err := reg.Select(c.selector)
		if err != nil {
			t.Fatalf("%s: %v", c.selector, err)
		}
		if sel.Path != c.path || sel.Base != c.base || NixFile(sel.Path) != c.file {
			t.Errorf("%s: path %q base %q file %q; want %q %q %q", c.selector,
				sel.Path, sel.Base, NixFile(sel.Path), c.path, c.base, c.file)
		}
		if sel.Entry != nil && sel.ProfileSource().Path != c.path {
			t.Errorf("%s: provenance path %q, want %q", c.selector, sel.ProfileSource().Path, c.path)
		}
	}
	if es := reg.ByPath(ins + "/sub/default.nix"); len(es) != 2 {
		t.Errorf("ByPath(sub/default.nix) = %v, want the two folder entries", es)
	}
}

// TestBuiltinBaseIsPhysicalCwd is point 2: a builtin profile's base is the
// runtime's std::env::current_dir (getcwd: symlinks resolved, $PWD never
// read; crates/manifest/src/profile.rs:385-392 at 6ecb5c4f).
func TestBuiltinBaseIsPhysicalCwd(t *testing.T) {
	w := newWorld(t)
	w.write("res/nix/profiles/default.nix", "{}")
	link := w.path("home/link")
	if err := os.Symlink(w.path("home/proj"), link); err != nil {
		t.Fatal(err)
	}
	for _, ws := range []string{link, link + "/", w.path("home/proj")} {
		reg, err := Discover(Options{Env: EnvFromMap(w.env), Start: ws, Workspace: ws})
		if err != nil {
			t.Fatal(err)
		}
		sel, err := reg.Select("builtin:default")
		if err != nil {
			t.Fatal(err)
		}
		if sel.Base != w.path("home/proj") {
			t.Errorf("workspace %s: builtin base %q, want the physical %q", ws, sel.Base, w.path("home/proj"))
		}
	}
}
