package eval

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultProgram     = "nix-instantiate"
	DefaultTimeout     = 10 * time.Second
	DefaultOutputCap   = 16 << 20
	DefaultMemoryLimit = 4 << 30
	DefaultDebounce    = 200 * time.Millisecond
	DefaultCacheCount  = 256
	DefaultCacheBytes  = 64 << 20
)

// Options configure evaluation. The zero value is usable: every zero field
// takes its default.
type Options struct {
	// Program is the nix-instantiate to run (setting insomnia.nixPath).
	Program string
	// Timeout is the wall-clock limit of one evaluation.
	Timeout time.Duration
	// MaxStdout and MaxStderr cap what Nix may print; going over kills it.
	MaxStdout, MaxStderr int64
	// MemoryLimit is the child's address-space limit (RLIMIT_AS) in bytes.
	// Nix 2.8 reserves ~400 MB of heap at start, so keep it well above that.
	MemoryLimit uint64
	// Trusted false evaluates in Nix's restricted mode: only Roots, the
	// profile's folder and ResourcesDir readable, no network, read-only store.
	Trusted bool
	// Env is the environment of a trusted evaluation (see env.go); the zero
	// value is the allow-list.
	Env EnvPolicy
	// Roots are the workspace folders (absolute).
	Roots []string
	// ResourcesDir holds the bundled nix/ folder on disk (see
	// WriteResources). Empty: written under the user cache dir on first use.
	ResourcesDir string
	// Debounce is how long the Scheduler waits after an edit.
	Debounce time.Duration
	// MaxConcurrent bounds the Nix processes running at once.
	MaxConcurrent int
	// CacheCount and CacheBytes bound the result cache.
	CacheCount int
	CacheBytes int64
	// Prestart keeps pre-started Nix processes (pool.go), so an evaluation
	// pays no Nix start-up; whoever owns the Evaluator must Close it.
	Prestart bool
	// OnStart, if set, is called (from a Scheduler goroutine) when a Nix
	// process starts for key; the matching end is the onResult call. The LSP
	// layer uses it to begin $/progress.
	OnStart func(key string)
}

func (o Options) withDefaults() Options {
	if o.Program == "" {
		o.Program = DefaultProgram
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxStdout <= 0 {
		o.MaxStdout = DefaultOutputCap
	}
	if o.MaxStderr <= 0 {
		o.MaxStderr = DefaultOutputCap
	}
	if o.MemoryLimit == 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = runtime.NumCPU()
	}
	if o.CacheCount <= 0 {
		o.CacheCount = DefaultCacheCount
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	return o
}

// fingerprint is the part of the options that can change a result; it goes
// into the cache key.
func (o Options) fingerprint() string {
	roots := append([]string(nil), o.Roots...)
	sort.Strings(roots)
	env := "sandbox"
	if o.Trusted {
		env = o.Env.fingerprint()
	}
	return fmt.Sprintf("prog=%s trusted=%t roots=%q res=%s env=%s", o.Program, o.Trusted, roots, o.ResourcesDir, env)
}

// childEnv is the whole environment Nix gets: what it needs to find itself,
// its store and a temp folder, and nothing else, so a profile's
// builtins.getEnv cannot read the user's tokens.
func childEnv(trusted bool) []string {
	keep := []string{"PATH", "HOME", "TMPDIR", "NIX_REMOTE", "NIX_STORE_DIR",
		"NIX_STATE_DIR", "NIX_LOG_DIR", "NIX_CONF_DIR", "NIX_USER_CONF_FILES",
		"NIX_SSL_CERT_FILE", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"}
	if trusted {
		// A trusted profile may use <nixpkgs>; an untrusted one only sees -I roots.
		keep = append(keep, "NIX_PATH")
	}
	env := make([]string, 0, len(keep))
	for _, k := range keep {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if _, ok := os.LookupEnv("PATH"); !ok {
		env = append(env, "PATH=/usr/local/bin:/usr/bin:/bin")
	}
	return env
}

// restrictArgs are the nix-instantiate flags of an untrusted evaluation.
// Nix 2.8 has no allowed-paths setting: in restricted mode the readable
// paths are the search-path entries, hence one -I per allowed folder.
func restrictArgs(allowed []string) []string {
	args := []string{"--option", "restrict-eval", "true", "--option", "allowed-uris", "",
		"--option", "nix-path", "", "--readonly-mode"}
	seen := map[string]bool{}
	for _, p := range allowed {
		if p == "" || seen[p] || strings.ContainsRune(p, '=') {
			continue
		}
		seen[p] = true
		args = append(args, "-I", p)
	}
	return args
}
