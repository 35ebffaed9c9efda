package registry

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

func TestBuiltinScan(t *testing.T) {
	w := newWorld(t)
	w.write("res/nix/profiles/default.nix", "{}")
	w.write("res/nix/profiles/coder.nix", "{}")
	w.write("res/nix/profiles/team/profile.nix", "{}")   // dir with profile.nix
	w.write("res/nix/profiles/empty/other.nix", "{}")    // dir without: ignored
	w.write("res/nix/profiles/deep/x/profile.nix", "{}") // not recursive
	w.write("res/nix/profiles/.nix", "{}")               // no stem/extension
	w.write("res/nix/profiles/notes.txt", "")            // not .nix
	w.write("res/nix/profiles/a.b.nix", "{}")            // stem keeps inner dots
	w.mkdir("res/nix/profiles/dir.nix")                  // a dir named *.nix, no profile.nix
	reg := w.mustDiscover()
	got := strings.Join(qualified(reg), " ")
	want := "builtin:a.b builtin:coder builtin:default* builtin:team"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	e, _ := reg.selectNamed(Builtin, "team")
	if e.Path != w.path("res/nix/profiles/team/profile.nix") {
		t.Fatalf("dir entry path %s", e.Path)
	}
}

func TestBuiltinMissingDirIsEmpty(t *testing.T) {
	w := newWorld(t)
	reg := w.mustDiscover()
	if len(reg.Entries) != 0 || reg.Default != nil {
		t.Fatalf("entries %v default %v", reg.Entries, reg.Default)
	}
	_, err := reg.Select("default")
	if err == nil || err.Error() != "no default profile is configured" {
		t.Fatalf("got %v", err)
	}
}

func TestRegistryFileForms(t *testing.T) {
	w := newWorld(t)
	w.write(userToml, `
[profile]
zeta = "z.nix"
abs = "/opt/abs.nix"
[profile.alpha]
path = "sub/alpha.nix"
description = "The first"
[profile.beta]
path = "beta.nix"
extra = "ignored by upstream"
`)
	reg := w.mustDiscover()
	cfg := w.path("home/.config/insomnia")
	want := []Entry{
		{Source: User, Name: "abs", Path: "/opt/abs.nix"},
		{Source: User, Name: "alpha", Path: cfg + "/sub/alpha.nix", Description: "The first"},
		{Source: User, Name: "beta", Path: cfg + "/beta.nix"},
		{Source: User, Name: "zeta", Path: cfg + "/z.nix"},
	}
	if len(reg.Entries) != len(want) {
		t.Fatalf("entries %v", qualified(reg))
	}
	for i, e := range reg.Entries {
		e.Origin = Origin{}
		if e != want[i] {
			t.Errorf("entry %d: got %+v want %+v", i, e, want[i])
		}
	}
	if o := reg.Entries[1].Origin; o.File != w.path(userToml) || o.Range.Start.Line != 4 {
		t.Errorf("origin of alpha: %+v", o)
	}
}

func TestEntriesAlias(t *testing.T) {
	w := newWorld(t)
	w.write(userToml, "[entries]\nx = \"x.nix\"\n")
	if got := qualified(w.mustDiscover()); strings.Join(got, " ") != "user:x" {
		t.Fatalf("got %v", got)
	}
}

// Every way a profiles.toml can break discovery, and its message.
func TestRegistryErrorsFailWholeDiscovery(t *testing.T) {
	cases := []struct {
		name, text string
		kind       ErrorKind
		detail     string
	}{
		{"syntax", "default = \n", ConfigParse, "unexpected"},
		{"duplicate key", "default = \"a\"\ndefault = \"b\"\n", ConfigParse, "already defined"},
		{"entry neither string nor table", "[profile]\nx = 3\n", ConfigParse, "untagged enum"},
		{"table without path", "[profile.x]\ndescription = \"d\"\n", ConfigParse, "untagged enum"},
		{"path not a string", "[profile.x]\npath = 1\n", ConfigParse, "untagged enum"},
		{"description not a string", "[profile.x]\npath = \"p\"\ndescription = 2\n", ConfigParse, "untagged enum"},
		{"default not a string", "default = 1\n", ConfigParse, "must be a string"},
		{"profile not a table", "profile = \"x\"\n", ConfigParse, "must be a table"},
		{"profile and entries", "[profile]\na = \"a\"\n[entries]\nb = \"b\"\n", ConfigParse, "duplicate field `profile`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.write("res/nix/profiles/default.nix", "{}")
			path := w.write(userToml, c.text)
			reg, err := w.discover()
			var e *Error
			if !errors.As(err, &e) || e.Kind != c.kind || !strings.Contains(e.Detail, c.detail) {
				t.Fatalf("got %v, want %s containing %q", err, c.kind, c.detail)
			}
			if !strings.HasPrefix(err.Error(), "failed to parse profile registry config "+path+": ") {
				t.Fatalf("message %q", err)
			}
			// Fails closed: even builtin:default is refused, like the runtime.
			if _, serr := reg.Select("builtin:default"); serr != err {
				t.Fatalf("select after failed discovery: %v", serr)
			}
			// A path selector needs no discovery.
			if s, serr := reg.Select("./x.nix"); serr != nil || s.Path != w.path("home/proj/sub")+"/./x.nix" {
				t.Fatalf("path selector: %+v %v", s, serr)
			}
			if len(reg.Warnings) == 0 || reg.Warnings[0].Code != diagnostics.CodeDiscoveryBlocked {
				t.Fatalf("want a %s warning, got %+v", diagnostics.CodeDiscoveryBlocked, reg.Warnings)
			}
		})
	}
}

func TestRegistryReadError(t *testing.T) {
	w := newWorld(t)
	w.mkdir(userToml) // a directory where the file should be: exists, unreadable as a file
	_, err := w.discover()
	var e *Error
	if !errors.As(err, &e) || e.Kind != ConfigRead ||
		!strings.HasPrefix(err.Error(), "failed to read profile registry config "+w.path(userToml)+": ") {
		t.Fatalf("got %v", err)
	}
}

func TestIgnoredInputs(t *testing.T) {
	w := newWorld(t)
	w.env["INSOMNIA_USER_MANIFEST"] = w.write("home/m.toml", "[profiles]\nx = \"x.nix\"\n")
	w.write("home/.config/insomnia/manifest.toml", "[profiles]\ny = \"y.nix\"\n[profile]\nz = \"z.nix\"\n")
	w.write(userToml, "[alias]\nfoo = \"user:bar\"\nunknown = 1\n[profile]\nbar = \"bar.nix\"\n")
	reg := w.mustDiscover()
	if got := strings.Join(qualified(reg), " "); got != "user:bar" {
		t.Fatalf("got %s", got)
	}
	if _, err := reg.Select("foo"); err == nil || err.Error() != "profile not found: foo" {
		t.Fatalf("aliases must be gone, got %v", err)
	}
}

func TestProjectRegistryWalk(t *testing.T) {
	w := newWorld(t)
	w.write("home/.insomnia/profiles.toml", "[profile]\nhome = \"h.nix\"\n")
	w.write(projToml, "[profile]\nnear = \"profiles/n.nix\"\n")
	w.mkdir("home/proj/sub/.insomnia/profiles.toml") // a directory: not a registry
	reg := w.mustDiscover()
	if reg.ProjectFile != w.path(projToml) {
		t.Fatalf("project file %s", reg.ProjectFile)
	}
	e, err := reg.selectNamed(Project, "near")
	if err != nil || e.Path != w.path("home/proj/.insomnia")+"/profiles/n.nix" {
		t.Fatalf("relative entries join the .insomnia dir: %+v %v", e, err)
	}
	// Through a symlinked start directory, the walk uses the real path.
	if err := os.Symlink(w.path("home/proj/sub"), w.path("link")); err != nil {
		t.Fatal(err)
	}
	if reg := w.mustDiscover("link"); reg.ProjectFile != w.path(projToml) {
		t.Fatalf("via symlink: %s", reg.ProjectFile)
	}
	// Elsewhere under HOME, ~/.insomnia/profiles.toml is the project registry.
	w.mkdir("home/other")
	reg = w.mustDiscover("home/other")
	if reg.ProjectFile != w.path("home/.insomnia/profiles.toml") || strings.Join(qualified(reg), " ") != "project:home" {
		t.Fatalf("home registry: %s %v", reg.ProjectFile, qualified(reg))
	}
	if !hasWarning(reg, diagnostics.CodeHomeProjectRegistry) {
		t.Fatalf("want %s warning, got %+v", diagnostics.CodeHomeProjectRegistry, reg.Warnings)
	}
	// Outside HOME, nothing.
	w.mkdir("elsewhere")
	if reg := w.mustDiscover("elsewhere"); reg.ProjectFile != "" {
		t.Fatalf("outside home: %s", reg.ProjectFile)
	}
}

func hasWarning(reg *Registry, code string) bool {
	for _, d := range reg.Warnings {
		if d.Code == code {
			return true
		}
	}
	return false
}

func TestDefaultPrecedence(t *testing.T) {
	cases := []struct {
		name        string
		user, proj  string
		wantDefault string // qualified entry marked default, "" for none
		selectErr   string // error of Select("default"), "" for success
		warn        string
	}{
		{"no file sets one: builtin:default", "", "", "builtin:default", "", ""},
		{"user bare name is user-scoped", `default = "coder"` + "\n[profile]\ncoder = \"c.nix\"", "", "user:coder", "", ""},
		{"user bare name does not find project entries", `default = "pc"`, "[profile]\npc = \"pc.nix\"", "", "profile not found: user:pc", diagnostics.CodeDefaultUnresolved},
		{"qualified builtin", `default = "builtin:default"` + "\n[profile]\ndefault = \"d.nix\"", "", "builtin:default", "", ""},
		{"project beats user", `default = "coder"` + "\n[profile]\ncoder = \"c.nix\"", `default = "rev"` + "\n[profile]\nrev = \"r.nix\"", "project:rev", "", ""},
		{"project may point at user", "[profile]\ncoder = \"c.nix\"", `default = "user:coder"`, "user:coder", "", ""},
		{"unresolved default: no builtin fallback", `default = "missing"`, "", "", "profile not found: user:missing", diagnostics.CodeDefaultUnresolved},
		{"path: is not allowed in default", `default = "path:/x.nix"`, "", "", "profile not found: user:path:/x.nix", diagnostics.CodeDefaultUnresolved},
		{"ambiguous default marks nothing", "", `default = "builtin:dup"`, "",
			"ambiguous profile name `dup`; use a source-qualified selector such as [\"builtin:dup\", \"builtin:dup\"]", diagnostics.CodeDefaultAmbiguous},
		{"name with colon", "[profile]\n\"a:b\" = \"ab.nix\"\n", `default = "user:a:b"`, "user:a:b", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.write("res/nix/profiles/default.nix", "{}")
			w.write("res/nix/profiles/dup.nix", "{}")
			w.write("res/nix/profiles/dup/profile.nix", "{}")
			if c.user != "" {
				w.write(userToml, c.user+"\n")
			}
			if c.proj != "" {
				w.write(projToml, c.proj+"\n")
			}
			reg := w.mustDiscover()
			var marked []string
			for _, e := range reg.Entries {
				if e.IsDefault {
					marked = append(marked, e.QualifiedName())
				}
			}
			if strings.Join(marked, ",") != c.wantDefault {
				t.Fatalf("marked %v, want %q", marked, c.wantDefault)
			}
			sel, err := reg.Select("default")
			switch {
			case c.selectErr == "" && err != nil:
				t.Fatalf("select default: %v", err)
			case c.selectErr == "" && sel.Entry.QualifiedName() != c.wantDefault:
				t.Fatalf("selected %s", sel.Entry.QualifiedName())
			case c.selectErr != "" && (err == nil || err.Error() != c.selectErr):
				t.Fatalf("got error %v, want %q", err, c.selectErr)
			}
			if (c.warn != "") != hasWarning(reg, c.warn) || (c.warn == "" && len(reg.Warnings) > 0) {
				t.Fatalf("warnings %+v, want %q", reg.Warnings, c.warn)
			}
		})
	}
}

func TestByPathAndBase(t *testing.T) {
	w := newWorld(t)
	w.write("res/nix/profiles/default.nix", "{}")
	p := w.write("home/proj/.insomnia/profiles/coder.nix", "{}")
	w.write(projToml, "[profile]\ncoder = \"profiles/coder.nix\"\nalias2 = \"./profiles/../profiles/coder.nix\"\n")
	reg, err := Discover(Options{Env: EnvFromMap(w.env), Start: w.path("home/proj/sub"), Workspace: w.path("home/proj")})
	if err != nil {
		t.Fatal(err)
	}
	got := reg.ByPath(p)
	if len(got) != 2 {
		t.Fatalf("ByPath: %v", got)
	}
	if b := reg.Base(got[0]); b != w.path("home/proj/.insomnia/profiles") && b != w.path("home/proj/.insomnia")+"/./profiles/../profiles" {
		t.Fatalf("base %s", b)
	}
	def, _ := reg.selectNamed(Builtin, "default")
	if reg.Base(def) != w.path("home/proj") {
		t.Fatalf("builtin base %s", reg.Base(def))
	}
	if n := len(reg.ByPath(filepath.Join(w.root, "nothing.nix"))); n != 0 {
		t.Fatalf("unrelated path matched %d", n)
	}
	// The paths asked about are kept, but never more than maxQueried.
	for i := 0; i < maxQueried+100; i++ {
		reg.ByPath(filepath.Join(w.root, fmt.Sprintf("scan/%d.nix", i)))
		if len(reg.queried) > maxQueried {
			t.Fatalf("%d paths kept after %d asked, want at most %d", len(reg.queried), i+1, maxQueried)
		}
	}
	if got := reg.ByPath(p); len(got) != 2 {
		t.Fatalf("ByPath after the cache started over: %v", got)
	}
}
