package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// checkGroup is one launch directory of a check run and the files named
// under it: a directory argument is its own launch directory; files and
// registries named on the command line are checked from the current one
// (a profiles.toml from the project it serves).
type checkGroup struct {
	root  string
	files []string // .nix files and profiles.toml named on the command line
	whole bool     // check everything discovered from root
}

// groupArgs sorts the command's arguments into launch directories. No
// argument means the current directory.
func groupArgs(args []string, cwd string) ([]checkGroup, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var groups []checkGroup
	at := map[string]int{}
	add := func(root string) *checkGroup {
		if i, ok := at[root]; ok {
			return &groups[i]
		}
		at[root] = len(groups)
		groups = append(groups, checkGroup{root: root})
		return &groups[len(groups)-1]
	}
	for _, a := range args {
		abs := cleanAbs(a, cwd)
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: no such file or directory", a)
		case fi.IsDir():
			add(abs).whole = true
		case filepath.Ext(abs) == ".nix":
			g := add(cwd)
			g.files = append(g.files, abs)
		case filepath.Base(abs) == "profiles.toml":
			g := add(registryRoot(abs, cwd))
			g.files = append(g.files, abs)
		default:
			return nil, fmt.Errorf("%s: not a .nix file, a profiles.toml or a directory", a)
		}
	}
	return groups, nil
}

// registryRoot is the folder a profiles.toml serves: the project folder of
// .insomnia/profiles.toml, else the current directory (a user registry).
func registryRoot(path, cwd string) string {
	if dir := filepath.Dir(path); filepath.Base(dir) == ".insomnia" {
		return filepath.Dir(dir)
	}
	return cwd
}

// runCheck runs one headless session over a group and returns its
// diagnostics and how many profiles (files, with --no-eval) it checked.
func runCheck(ctx context.Context, g checkGroup, o checkOptions) ([]diagnostics.Diagnostic, int) {
	sess := session.New(session.Options{Cwd: g.root, Headless: true, Lazy: true, NoEval: o.noEval})
	defer sess.Close()
	sess.MergeSettings(cliSettings(o))
	sess.SetRoots([]string{g.root})
	sess.Start()
	if g.whole {
		sess.AddDiscovered()
	}
	for _, f := range g.files {
		sess.AddFile(f)
	}
	sess.WaitIdle(ctx)
	var out []diagnostics.Diagnostic
	for _, f := range sess.DiagnosedFiles() {
		out = append(out, sess.Diagnostics(f)...)
	}
	if o.noEval {
		return out, len(sess.Parsed())
	}
	return out, len(sess.Evaluated())
}

// cliSettings are the session settings of a check run: the CLI's timeout,
// no debounce, trusted as the runtime evaluates (the user asked for these
// files).
func cliSettings(o checkOptions) []byte {
	raw, _ := json.Marshal(map[string]any{
		"trusted":    true,
		"evaluation": map[string]any{"timeoutMs": o.timeout.Milliseconds(), "debounceMs": 0},
	})
	return raw
}
