package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBaseDirs(t *testing.T) {
	cases := []struct {
		name                  string
		env                   map[string]string
		config, data, runtime string
	}{
		{"nothing set", map[string]string{}, "", "", ""},
		{"home only", map[string]string{"HOME": "/h"}, "/h/.config/insomnia", "/h/.insomnia", "/h/.insomnia/run"},
		{"xdg", map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "/x", "XDG_RUNTIME_DIR": "/r"},
			"/x/insomnia", "/h/.insomnia", "/r/insomnia"},
		{"insomnia home beats xdg", map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "/x", "XDG_RUNTIME_DIR": "/r", "INSOMNIA_HOME": "/i"},
			"/i/config", "/i", "/i/run"},
		{"explicit dirs beat all", map[string]string{"INSOMNIA_HOME": "/i", "INSOMNIA_CONFIG_DIR": "/c", "INSOMNIA_DATA_DIR": "/d", "INSOMNIA_RUNTIME_DIR": "/rt"},
			"/c", "/d", "/rt"},
		{"empty counts as unset", map[string]string{"HOME": "/h", "INSOMNIA_CONFIG_DIR": "", "INSOMNIA_HOME": "", "XDG_CONFIG_HOME": ""},
			"/h/.config/insomnia", "/h/.insomnia", "/h/.insomnia/run"},
		{"relative used as-is, no tilde expansion", map[string]string{"INSOMNIA_CONFIG_DIR": "rel/cfg", "INSOMNIA_HOME": "~/ins"},
			"rel/cfg", "~/ins", "~/ins/run"},
		{"data has no xdg step", map[string]string{"HOME": "/h", "XDG_DATA_HOME": "/xd"}, "/h/.config/insomnia", "/h/.insomnia", "/h/.insomnia/run"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := EnvFromMap(c.env)
			got := [3]string{ConfigDir(env), DataDir(env), RuntimeDir(env)}
			want := [3]string{c.config, c.data, c.runtime}
			if got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

func TestDerivedPaths(t *testing.T) {
	d, err := ResolveDirs(EnvFromMap(map[string]string{"HOME": "/h", "INSOMNIA_RESOURCE_DIR": "/res"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{d.UserRegistry(), d.BuiltinDir(), d.ProfileLib(), d.SecretStore(), d.ResourceFrom}
	want := []string{"/h/.config/insomnia/profiles.toml", "/res/nix/profiles", "/res/nix/profile-lib.nix", "/h/.insomnia/secrets/store.json", "env"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if (Dirs{}).UserRegistry() != "" || (Dirs{}).BuiltinDir() != "" {
		t.Fatal("unknown dirs must give empty paths")
	}
}

// fakePod installs an executable insomnia-pod under prefix/bin, reached
// through a symlink in linkDir, like a Nix profile or Homebrew install.
func fakePod(t *testing.T, w *world, prefix, linkDir string) string {
	t.Helper()
	exe := w.write(prefix+"/bin/insomnia-pod", "#!/bin/sh\n")
	if err := os.Chmod(exe, 0o755); err != nil {
		t.Fatal(err)
	}
	w.mkdir(linkDir)
	link := w.path(linkDir + "/insomnia-pod")
	if err := os.Symlink(exe, link); err != nil {
		t.Fatal(err)
	}
	return link
}

func TestResourceDirRules(t *testing.T) {
	w := newWorld(t)
	fakePod(t, w, "prefix", "links")
	w.mkdir("prefix/share/insomnia/resources")
	fakePod(t, w, "bare", "links2") // no share/ next to it
	stub := func() (string, error) { return "/bundled", nil }
	cases := []struct {
		name      string
		env       map[string]string
		want, how string
	}{
		{"env wins", map[string]string{"INSOMNIA_RESOURCE_DIR": "/r", "PATH": w.path("links")}, "/r", "env"},
		{"installed via PATH and symlinks", map[string]string{"PATH": w.path("links")}, w.path("prefix/share/insomnia/resources"), "installed"},
		{"installed without share falls back to bundled", map[string]string{"PATH": w.path("links2")}, "/bundled", "bundled"},
		{"INSOMNIA_POD_COMMAND is the binary launched", map[string]string{"PATH": w.path("links2"), "INSOMNIA_POD_COMMAND": w.path("links/insomnia-pod")},
			w.path("prefix/share/insomnia/resources"), "installed"},
		{"no pod at all", map[string]string{"PATH": w.path("nowhere")}, "/bundled", "bundled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ResolveDirs(EnvFromMap(c.env), stub)
			if err != nil {
				t.Fatal(err)
			}
			if d.Resource != c.want || d.ResourceFrom != c.how {
				t.Fatalf("got %q (%s), want %q (%s)", d.Resource, d.ResourceFrom, c.want, c.how)
			}
		})
	}
}

func TestBundledResourcesHasBuiltinDefault(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir, err := BundledResources()
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"nix/profile-lib.nix", "nix/profiles/default.nix"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Fatalf("bundled copy lacks %s: %v", rel, err)
		}
	}
}
