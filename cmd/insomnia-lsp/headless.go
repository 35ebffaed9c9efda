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
// diagnostics, the profiles (files, with --no-eval) it checked, and whether
// Nix was missing.
func runCheck(ctx context.Context, g checkGroup, o checkOptions, readable []string) ([]diagnostics.Diagnostic, []string, bool) {
	sess := session.New(session.Options{Cwd: g.root, Headless: true, Lazy: true, NoEval: o.noEval, Readable: readable,
		Timeout: o.timeout})
	defer sess.Close()
	sess.MergeSettings(cliSettings(o))
	if o.trusted {
		sess.SetTrust(session.TrustAll())
	}
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
		return out, sess.Parsed(), false
	}
	return out, sess.Evaluated(), sess.NixWasMissing()
}

// cliSettings are the session settings of a check run: no debounce (the
// timeout is the session's option, trust is not a setting: see runCheck).
func cliSettings(o checkOptions) []byte {
	raw, _ := json.Marshal(map[string]any{"evaluation": map[string]any{"debounceMs": 0}})
	return raw
}

// readableDirs are what a restricted run may read besides the launch
// directory and the resources: the project of the current directory and
// the project of every path given.
func readableDirs(cwd string, paths []string) []string {
	out := []string{projectDir(cwd)}
	for _, p := range paths {
		abs := cleanAbs(p, cwd)
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			abs = filepath.Dir(abs)
		}
		out = append(out, projectDir(abs))
	}
	return out
}
