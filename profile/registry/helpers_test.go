package registry

import (
	"os"
	"path/filepath"
	"testing"
)

// world is a temporary machine: a HOME, a resource dir and a project.
type world struct {
	t    *testing.T
	root string
	env  map[string]string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, root: root, env: map[string]string{
		"HOME":                  filepath.Join(root, "home"),
		"INSOMNIA_RESOURCE_DIR": filepath.Join(root, "res"),
	}}
	w.mkdir("home/proj/sub")
	return w
}

func (w *world) path(rel string) string { return filepath.Join(w.root, rel) }

func (w *world) mkdir(rel string) {
	w.t.Helper()
	if err := os.MkdirAll(w.path(rel), 0o755); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) write(rel, text string) string {
	w.t.Helper()
	p := w.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// discover runs discovery from home/proj/sub (or start, when given).
func (w *world) discover(start ...string) (*Registry, error) {
	s := w.path("home/proj/sub")
	if len(start) > 0 {
		s = w.path(start[0])
	}
	return Discover(Options{Env: EnvFromMap(w.env), Start: s})
}

func (w *world) mustDiscover(start ...string) *Registry {
	w.t.Helper()
	reg, err := w.discover(start...)
	if err != nil {
		w.t.Fatalf("discover: %v", err)
	}
	return reg
}

func qualified(reg *Registry) []string {
	var out []string
	for _, e := range reg.Entries {
		s := e.QualifiedName()
		if e.IsDefault {
			s += "*"
		}
		out = append(out, s)
	}
	return out
}

const userToml = "home/.config/insomnia/profiles.toml"
const projToml = "home/proj/.insomnia/profiles.toml"
