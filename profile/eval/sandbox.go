package eval

import (
	"os"
	"path/filepath"
	"strings"
)

// Untrusted evaluation starts no program. Nix's fetchers run helpers
// (builtins.fetchGit runs git, fetchMercurial hg), and git obeys the
// repository's own .git/config: `core.fsmonitor` there is a command, so
// `builtins.fetchGit ./.` in a hostile workspace ran its code as the user.
// The untrusted child therefore gets a PATH that is one empty folder we
// made (git, hg, ssh, sh cannot be found; Nix itself is exec'd by absolute
// path, resolved before the environment changes), a fresh empty HOME, and
// git configuration switched off in case a git is reached anyway.

// sandbox is the per-evaluation folder of an untrusted child: bin/ (its
// whole PATH) and home/ (its HOME), both empty. One per run, removed after
// it, so nothing one evaluation leaves there reaches another.
type sandbox struct {
	dir string
}

// newSandbox makes the folders under the temp dir.
func newSandbox() (*sandbox, error) {
	dir, err := os.MkdirTemp("", "insomnia-lsp-sandbox-")
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"bin", "home"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o500); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	return &sandbox{dir: dir}, nil
}

func (s *sandbox) remove() {
	_ = os.Chmod(filepath.Join(s.dir, "bin"), 0o700)
	_ = os.Chmod(filepath.Join(s.dir, "home"), 0o700)
	_ = os.RemoveAll(s.dir)
}

// sandboxEnv is base (the untrusted childEnv) with PATH and HOME replaced
// and git's configuration neutralised. Nix still finds the user's nix.conf
// and cache: XDG_CONFIG_HOME and XDG_CACHE_HOME keep pointing at the real
// home's folders when they were derived from HOME.
func (s *sandbox) env(base []string) []string {
	realHome := ""
	out := make([]string, 0, len(base)+12)
	have := map[string]bool{}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME":
			realHome = v
			continue
		case k == "PATH" || strings.HasPrefix(k, "GIT_"):
			continue
		}
		have[k] = true
		out = append(out, kv)
	}
	if realHome != "" {
		if !have["XDG_CONFIG_HOME"] {
			out = append(out, "XDG_CONFIG_HOME="+filepath.Join(realHome, ".config"))
		}
		if !have["XDG_CACHE_HOME"] {
			out = append(out, "XDG_CACHE_HOME="+filepath.Join(realHome, ".cache"))
		}
	}
	return append(out,
		"PATH="+filepath.Join(s.dir, "bin"),
		"HOME="+filepath.Join(s.dir, "home"),
		// No system or global git config; no repository discovery above
		// the sandbox; the repository's own command-valued keys overridden
		// (command-line level config beats .git/config).
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CEILING_DIRECTORIES=/",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_COUNT=4",
		"GIT_CONFIG_KEY_0=core.fsmonitor", "GIT_CONFIG_VALUE_0=false",
		"GIT_CONFIG_KEY_1=core.hooksPath", "GIT_CONFIG_VALUE_1=/dev/null",
		"GIT_CONFIG_KEY_2=core.sshCommand", "GIT_CONFIG_VALUE_2=false",
		"GIT_CONFIG_KEY_3=protocol.allow", "GIT_CONFIG_VALUE_3=never",
	)
}

// sandboxArgs are Nix options added to restrictArgs: no builtins.exec
// (even if the user's nix.conf allows it) and no import from derivation,
// whose build would run a builder program.
func sandboxArgs() []string {
	return []string{"--option", "allow-unsafe-native-code-during-evaluation", "false",
		"--option", "allow-import-from-derivation", "false"}
}

// sandboxHint explains a failure caused by the sandbox: Nix's own message
// ("executing 'git': No such file or directory") does not say why.
func sandboxHint(msg string) string {
	for _, prog := range []string{"git", "hg", "ssh"} {
		if strings.Contains(msg, "executing '"+prog+"'") || strings.HasPrefix(msg, prog+" failed with exit code") {
			return msg + " (untrusted workspace: evaluation runs no programs, so fetchGit and fetchMercurial are unavailable; trust the workspace to use them)"
		}
	}
	return msg
}
