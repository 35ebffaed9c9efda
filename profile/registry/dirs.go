package registry

import (
	"os"
	"path/filepath"
	"strings"
)

// Env looks up an environment variable; an empty value counts as unset.
// Tests pass a map-backed function, the server passes EnvFromOS.
type Env func(name string) string

// EnvFromOS reads the process environment.
func EnvFromOS(name string) string { return os.Getenv(name) }

// EnvFromMap is a convenience for tests and for clients that pass an
// environment explicitly (an editor's configured environment).
func EnvFromMap(m map[string]string) Env { return func(n string) string { return m[n] } }

// Dirs are insomnia's base directories (contract §3.1). An empty string means
// the runtime could not determine the directory (no variable and no HOME).
type Dirs struct {
	Config   string `json:"config"`
	Data     string `json:"data"`
	Runtime  string `json:"runtime"`
	Resource string `json:"resource"`
	// ResourceFrom says which rule chose Resource: "env", "installed" or
	// "bundled" (our embedded copy, standing in for upstream's compile-time
	// source checkout).
	ResourceFrom string `json:"resource_from"`
}

// UserRegistry is <config_dir>/profiles.toml ("" when config is unknown).
func (d Dirs) UserRegistry() string { return under(d.Config, "profiles.toml") }

// BuiltinDir is <resource_dir>/nix/profiles.
func (d Dirs) BuiltinDir() string { return under(d.Resource, "nix/profiles") }

// ProfileLib is <resource_dir>/nix/profile-lib.nix.
func (d Dirs) ProfileLib() string { return under(d.Resource, "nix/profile-lib.nix") }

// SecretStore is <data_dir>/secrets/store.json (contract §8).
func (d Dirs) SecretStore() string { return under(d.Data, "secrets/store.json") }

// under is rel below dir, or "" when dir is unknown (""): a file of an
// undetermined directory is undetermined too.
func under(dir, rel string) string {
	if dir == "" {
		return ""
	}
	return joinIfRelative(dir, rel)
}

// firstOf returns the first rule whose variable is set: each rule is a
// variable and a suffix joined to its value ("" = the value itself).
func firstOf(env Env, rules ...[2]string) string {
	for _, r := range rules {
		if v := env(r[0]); v != "" {
			if r[1] == "" {
				return v
			}
			return joinIfRelative(v, r[1])
		}
	}
	return ""
}

// ConfigDir: INSOMNIA_CONFIG_DIR, $INSOMNIA_HOME/config,
// $XDG_CONFIG_HOME/insomnia, $HOME/.config/insomnia.
func ConfigDir(env Env) string {
	return firstOf(env,
		[2]string{"INSOMNIA_CONFIG_DIR", ""},
		[2]string{"INSOMNIA_HOME", "config"},
		[2]string{"XDG_CONFIG_HOME", "insomnia"},
		[2]string{"HOME", ".config/insomnia"})
}

// DataDir: INSOMNIA_DATA_DIR, $INSOMNIA_HOME, $HOME/.insomnia (no XDG step).
func DataDir(env Env) string {
	return firstOf(env,
		[2]string{"INSOMNIA_DATA_DIR", ""},
		[2]string{"INSOMNIA_HOME", ""},
		[2]string{"HOME", ".insomnia"})
}

// RuntimeDir: INSOMNIA_RUNTIME_DIR, $INSOMNIA_HOME/run,
// $XDG_RUNTIME_DIR/insomnia, $HOME/.insomnia/run.
func RuntimeDir(env Env) string {
	return firstOf(env,
		[2]string{"INSOMNIA_RUNTIME_DIR", ""},
		[2]string{"INSOMNIA_HOME", "run"},
		[2]string{"XDG_RUNTIME_DIR", "insomnia"},
		[2]string{"HOME", ".insomnia/run"})
}

// ResolveDirs computes all four directories. bundled is called only when
// neither INSOMNIA_RESOURCE_DIR nor an installed insomnia-pod gives the
// resource dir; pass BundledResources (or a test stub).
func ResolveDirs(env Env, bundled func() (string, error)) (Dirs, error) {
	d := Dirs{Config: ConfigDir(env), Data: DataDir(env), Runtime: RuntimeDir(env)}
	if v := env("INSOMNIA_RESOURCE_DIR"); v != "" {
		d.Resource, d.ResourceFrom = v, "env"
		return d, nil
	}
	if dir := installedResources(env); dir != "" {
		d.Resource, d.ResourceFrom = dir, "installed"
		return d, nil
	}
	if bundled == nil {
		return d, nil
	}
	dir, err := bundled()
	if err != nil {
		return d, err
	}
	d.Resource, d.ResourceFrom = dir, "bundled"
	return d, nil
}

// installedResources applies upstream's `<current exe>/../share/insomnia/
// resources` rule to the binary the client would launch: INSOMNIA_POD_COMMAND
// when set, else insomnia-pod on PATH, with symlinks resolved (Linux
// current_exe resolves them).
func installedResources(env Env) string {
	exe := lookPath(env, podCommand(env))
	if exe == "" {
		return ""
	}
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		return ""
	}
	prefix := filepath.Dir(filepath.Dir(real))
	dir := filepath.Join(prefix, "share", "insomnia", "resources")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

func podCommand(env Env) string {
	if c := env("INSOMNIA_POD_COMMAND"); c != "" {
		return c
	}
	return "insomnia-pod"
}

// lookPath searches the given environment's PATH (not the process's), so a
// table-driven test controls it.
func lookPath(env Env, name string) string {
	if strings.Contains(name, "/") {
		if isExecutable(name) {
			return name
		}
		return ""
	}
	for _, dir := range filepath.SplitList(env("PATH")) {
		if dir == "" {
			dir = "."
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
