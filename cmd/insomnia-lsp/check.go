package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	profcheck "github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// checkOptions are the flags of `insomnia-lsp check`.
type checkOptions struct {
	noEval  bool
	asJSON  bool
	trusted bool
	format  string // text, json, sarif or github
	timeout time.Duration
	paths   []string
}

// check is `insomnia-lsp check`: the editor's diagnostics for CI. It runs
// the server's own session headless, so CI and the editor see the same
// profiles and the same problems. Exit 1 on any error diagnostic, 2 on a
// usage error.
func check(args []string, stdout, stderr io.Writer) int {
	opts, ok := parseCheckFlags(args, stderr)
	if !ok {
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp check:", err)
		return 2
	}
	groups, err := groupArgs(opts.paths, cwd)
	if err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp check:", textsafe.Escape(err.Error()))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var diags []diagnostics.Diagnostic
	n, nixMissing := 0, false
	for _, g := range groups {
		ds, checked, missing := runCheck(ctx, g, opts, readableDirs(cwd, opts.paths))
		diags = append(diags, ds...)
		n += len(checked)
		nixMissing = nixMissing || missing
	}
	if nixMissing { // once, whatever the number of profiles and launch directories
		fmt.Fprintln(stderr, session.NixMissingMessage)
	}
	out := newPrinter(cwd).convert(diags)
	if err := writeFormat(stdout, opts.format, out, cwd); err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp check:", err)
		return 2
	}
	errs, warns := count(out)
	what := "profiles"
	if opts.noEval {
		what = "files"
	}
	fmt.Fprintf(stderr, "checked %d %s: %d errors, %d warnings\n", n, what, errs, warns)
	// Exit 1 without Nix, as when it was an error on every profile: CI
	// that meant to evaluate must not pass on static checks alone.
	if errs > 0 || nixMissing {
		return 1
	}
	return 0
}

// parseCheckFlags reads the flags and the paths.
func parseCheckFlags(args []string, stderr io.Writer) (checkOptions, bool) {
	var o checkOptions
	fs := newFlags("check", stderr)
	fs.BoolVar(&o.noEval, "no-eval", false, "only the parser and static checks (no Nix)")
	fs.BoolVar(&o.asJSON, "json", false, "print a JSON array of diagnostics (--format json)")
	fs.BoolVar(&o.trusted, "trusted", false, trustedUsage)
	fs.StringVar(&o.format, "format", "", "text, json, sarif (SARIF 2.1.0) or github (workflow commands)")
	fs.DurationVar(&o.timeout, "timeout", eval.DefaultTimeout, "time limit of one evaluation")
	paths, ok := parseInterspersed(fs, args)
	if !ok {
		return o, false
	}
	o.paths = paths
	if o.format = checkFormat(o.format, o.asJSON); o.format == "" {
		fmt.Fprintln(stderr, "insomnia-lsp check: --format must be text, json, sarif or github (and json with --json)")
		return o, false
	}
	if o.timeout <= 0 {
		fmt.Fprintln(stderr, "insomnia-lsp check: --timeout must be positive")
		return o, false
	}
	return o, true
}

// evaluator runs Nix like the server: restricted to the project and the
// resources unless --trusted, with the bundled resources.
func (c *cliEnv) evaluator(timeout time.Duration) *eval.Evaluator {
	roots := append([]string{c.dirs.Resource}, c.roots...)
	if c.trusted {
		roots = []string{c.cwd}
	}
	// Trusted, the CLI runs in the shell a pod would start from: Nix gets
	// the whole environment, as the runtime's nix eval does.
	opts := eval.Options{Timeout: timeout, Trusted: c.trusted, Roots: roots,
		Env: eval.EnvPolicy{Mode: eval.EnvInherit}}
	if c.dirs.ResourceFrom == "bundled" {
		opts.ResourcesDir = c.dirs.Resource
	}
	return eval.NewEvaluator(opts)
}

// diagnose turns one evaluation into diagnostics exactly as the server
// does (profile/check), on the profile and on the files it imports.
func (c *cliEnv) diagnose(t target, r eval.Result) []diagnostics.Diagnostic {
	_, byFile := profcheck.Result(c.checkProfile(t), r)
	var out []diagnostics.Diagnostic
	for _, ds := range byFile {
		out = append(out, ds...)
	}
	return out
}

// parseInterspersed parses flags that may come before, between and after
// the positional arguments, which it returns.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, bool) {
	var pos []string
	for {
		if fs.Parse(args) != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			return pos, true
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

// checkProfile gives a profile its provenance and base (contract §1.3).
func (c *cliEnv) checkProfile(t target) profcheck.Profile {
	src, base := t.source()
	// Only read the parse cache: this runs concurrently, and evaluateAll
	// filled the cache for every profile before starting.
	return profcheck.Profile{Path: t.path, Source: src, Base: base, SecretIDs: c.secretIDs, Workspace: t.workspace,
		TreeOf: func(path string) *nixsyntax.File { return c.trees[path] }}
}
