package eval

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sort"
	"strings"
)

// EnvMode says which environment a trusted evaluation gives Nix. The
// runtime's `nix eval` inherits insomnia-pod's whole environment
// (crates/manifest/src/profile.rs:425-430 at 6ecb5c4f: no env_clear), so
// builtins.getEnv works in profiles; how much of that we can reproduce
// depends on whose environment we hold. Untrusted evaluation never uses
// this: it keeps the empty sandbox environment.
type EnvMode int

const (
	// EnvAllowList passes AllowedEnv plus EnvPolicy.Extra: the server's
	// environment is the editor's, which may hold tokens the pod's shell
	// would not, so only names that describe the user and locale go.
	EnvAllowList EnvMode = iota
	// EnvInherit passes the whole environment, as the runtime does: the CLI
	// with --trusted runs in the shell the pod would be started from.
	EnvInherit
	// EnvEmpty passes only what Nix needs to run (PATH, HOME, TMPDIR and
	// Nix's own store settings).
	EnvEmpty
)

// AllowedEnv are the names EnvAllowList passes; a trailing "*" is a prefix.
func AllowedEnv() []string {
	return []string{"HOME", "USER", "LOGNAME", "LANG", "LC_*", "TZ", "PATH",
		"XDG_*", "INSOMNIA_*", "NIX_PATH"}
}

// nixOperational are variables Nix itself needs to reach its store and
// temp folder; every mode passes them (they describe the machine, not the
// user's secrets).
func nixOperational() []string {
	return []string{"PATH", "HOME", "TMPDIR", "NIX_REMOTE", "NIX_STORE_DIR",
		"NIX_STATE_DIR", "NIX_LOG_DIR", "NIX_CONF_DIR", "NIX_USER_CONF_FILES", "NIX_SSL_CERT_FILE"}
}

// EnvPolicy is the trusted environment of the Nix child (Options.Env). The
// zero value is the allow-list with no extra names.
type EnvPolicy struct {
	Mode EnvMode
	// Extra are more names passed in EnvAllowList mode (the setting
	// insomnia.evaluation.passEnv); "*" suffixes are prefixes here too.
	Extra []string
	// Environ lists the environment to choose from (nil: os.Environ).
	Environ func() []string
}

// Passes reports whether a variable of this name reaches Nix.
func (p EnvPolicy) Passes(name string) bool {
	switch p.Mode {
	case EnvInherit:
		return true
	case EnvEmpty:
		return matchAny(nixOperational(), name)
	}
	return matchAny(nixOperational(), name) || matchAny(AllowedEnv(), name) || matchAny(p.Extra, name)
}

// environ is the child's whole environment under this policy, sorted.
func (p EnvPolicy) environ() []string {
	src := p.Environ
	if src == nil {
		src = os.Environ
	}
	var out []string
	hasPath := false
	for _, kv := range src() {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || name == "" || !p.Passes(name) {
			continue
		}
		hasPath = hasPath || name == "PATH"
		out = append(out, kv)
	}
	if !hasPath {
		out = append(out, "PATH=/usr/local/bin:/usr/bin:/bin")
	}
	sort.Strings(out)
	return out
}

// fingerprint identifies the environment for the result cache: a profile
// that reads $X must be evaluated again when X changes.
func (p EnvPolicy) fingerprint() string {
	sum := sha256.Sum256([]byte(strings.Join(p.environ(), "\x00")))
	return hex.EncodeToString(sum[:8])
}

func matchAny(patterns []string, name string) bool {
	for _, pat := range patterns {
		if prefix, ok := strings.CutSuffix(pat, "*"); ok {
			if strings.HasPrefix(name, prefix) {
				return true
			}
		} else if pat == name {
			return true
		}
	}
	return false
}

// childEnviron is the environment of one evaluation: the policy when
// trusted, the sandbox's empty environment otherwise.
func (o Options) childEnviron() []string {
	if !o.Trusted {
		return childEnv(false)
	}
	return o.Env.environ()
}
