package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	profcheck "github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// checkOptions are the flags of `insomnia-lsp check`.
type checkOptions struct {
	noEval  bool
	asJSON  bool
	format  string // text, json, sarif or github
	timeout time.Duration
	paths   []string
}

// check is `insomnia-lsp check`: the editor's diagnostics for CI. Exit 1 on
// any error diagnostic, 2 on a usage error.
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
	env := newCLIEnv(cwd, stderr)
	p, err := env.plan(opts.paths)
	if err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp check:", textsafe.Escape(err.Error()))
		return 2
	}
	diags := p.registryDiagnostics()
	if !opts.noEval {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		diags = append(diags, env.evaluateAll(ctx, p.profiles, opts.timeout)...)
		stop()
	}
	diags = append(diags, env.staticAll(p.files)...)
	out := newPrinter(cwd).convert(diags)
	if err := writeFormat(stdout, opts.format, out, cwd); err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp check:", err)
		return 2
	}
	errs, warns := count(out)
	what, n := "profiles", len(p.profiles)
	if opts.noEval {
		what, n = "files", len(p.files)
	}
	fmt.Fprintf(stderr, "checked %d %s: %d errors, %d warnings\n", n, what, errs, warns)
	if errs > 0 {
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

// evaluateAll runs Nix on every profile, a few at a time, and turns each
// result into diagnostics exactly as the server does (profile/check).
func (c *cliEnv) evaluateAll(ctx context.Context, profiles []target, timeout time.Duration) []diagnostics.Diagnostic {
	ev := c.evaluator(timeout)
	for _, t := range profiles {
		c.parse(t.path) // once, before the concurrent part only reads the cache
	}
	results := make([][]diagnostics.Diagnostic, len(profiles))
	sem := make(chan struct{}, max(1, min(runtime.NumCPU(), 4)))
	var wg sync.WaitGroup
	for i, t := range profiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = c.diagnose(t, ev.Evaluate(ctx, eval.Request{Path: t.path}))
		}()
	}
	wg.Wait()
	var out []diagnostics.Diagnostic
	for _, ds := range results {
		out = append(out, ds...)
	}
	return out
}

// evaluator runs Nix like the server: trusted (the user asked for these
// files, as the runtime evaluates them), with the bundled resources.
func (c *cliEnv) evaluator(timeout time.Duration) *eval.Evaluator {
	opts := eval.Options{Timeout: timeout, Trusted: true, Roots: []string{c.cwd}}
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
		Tree: func() *nixsyntax.File { return c.trees[t.path] }}
}

// staticAll parses every file and runs the checks that need no Nix.
func (c *cliEnv) staticAll(files []string) []diagnostics.Diagnostic {
	var out []diagnostics.Diagnostic
	for _, f := range files {
		if tree := c.parse(f); tree != nil {
			out = append(out, profcheck.Static(f, tree, c.secretIDs)...)
		}
	}
	return out
}

// registryDiagnostics checks every profiles.toml involved, with the quirk
// warnings discovery placed in it.
func (p *plan) registryDiagnostics() []diagnostics.Diagnostic {
	var out []diagnostics.Diagnostic
	for _, rf := range p.registries {
		text, err := os.ReadFile(rf.path)
		if err != nil {
			continue // an absent user registry is normal
		}
		out = append(out, registry.AnalyzeRegistryFile(rf.path, text, rf.reg)...)
		for _, w := range rf.reg.Warnings {
			if sameFile(w.File, rf.path) || w.File == "" {
				out = append(out, w)
			}
		}
	}
	return out
}
