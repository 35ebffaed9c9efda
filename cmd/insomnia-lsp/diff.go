package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/gitrev"
	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
)

// diffOptions are the flags of `insomnia-lsp diff`.
type diffOptions struct {
	base    string
	asJSON  bool
	trusted bool
	timeout time.Duration
	paths   []string
}

// diff is `insomnia-lsp diff [--base REV] [--json] [--trusted] [PATH...]`:
// what a change does to the resolved profiles, for review. Exit 0 when
// nothing changed, 1 when something did, 2 when it cannot run (as
// `git diff --exit-code`).
func diff(args []string, stdout, stderr io.Writer) int {
	opts, ok := parseDiffFlags(args, stderr)
	if !ok {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := runDiff(ctx, opts, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp diff:", textsafe.Escape(err.Error()))
		return 2
	}
	if err := writeDiff(stdout, rep, opts.asJSON); err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp diff:", err)
		return 2
	}
	if rep.Changed {
		return 1
	}
	return 0
}

func parseDiffFlags(args []string, stderr io.Writer) (diffOptions, bool) {
	var o diffOptions
	fs := newFlags("diff", stderr)
	fs.StringVar(&o.base, "base", "", "revision to compare with (default: merge base with the upstream, else HEAD)")
	fs.BoolVar(&o.asJSON, "json", false, "print JSON")
	fs.BoolVar(&o.trusted, "trusted", false, "evaluate without Nix's restricted mode (only for repositories you trust)")
	fs.DurationVar(&o.timeout, "timeout", eval.DefaultTimeout, "time limit of one evaluation")
	paths, ok := parseInterspersed(fs, args)
	if !ok {
		return o, false
	}
	o.paths = paths
	if o.timeout <= 0 {
		fmt.Fprintln(stderr, "insomnia-lsp diff: --timeout must be positive")
		return o, false
	}
	return o, true
}

// runDiff picks the base, reads it into a temporary folder (removed
// afterwards), evaluates both trees and compares them.
func runDiff(ctx context.Context, opts diffOptions, stderr io.Writer) (*diffReport, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	repo, err := gitrev.Open(ctx, cwd)
	if err != nil {
		return nil, err
	}
	rev, err := pickBase(ctx, repo, opts.base)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "insomnia-diff-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if tmp, err = filepath.EvalSymlinks(tmp); err != nil {
		return nil, err
	}
	if err := repo.Extract(ctx, rev.Commit, tmp, gitrev.DefaultLimit); err != nil {
		return nil, err
	}
	top, err := filepath.EvalSymlinks(repo.Top())
	if err != nil {
		return nil, err
	}
	evalIn := cliTreeEvaluator(stderr, opts.timeout, opts.trusted)
	return diffTrees(ctx, evalIn, rev, tree{root: tmp, shown: top}, tree{root: top, shown: top}, cwd, opts.paths)
}

func pickBase(ctx context.Context, repo *gitrev.Repo, base string) (gitrev.Revision, error) {
	if base != "" {
		return repo.Resolve(ctx, base)
	}
	return repo.DefaultBase(ctx)
}

// tree is one side of the comparison: a folder holding the repository's
// files, and the folder its paths are shown as (the work tree's top).
type tree struct {
	root, shown string
}

// selection is what to evaluate in a tree: every profile discovered from
// the folder (all), or those the paths name (none at all when empty).
type selection struct {
	all   bool
	paths []string
}

// treeEvaluator evaluates the selected profiles of a tree, launched from
// dir (a folder of it), and reports what each resolves to and the
// default. It is the seam to the session core: diff needs nothing else
// from the command line's machinery.
type treeEvaluator func(ctx context.Context, t tree, dir string, sel selection) (treeResult, error)

// diffTrees evaluates both sides from the launch directory's place in
// each and compares them.
func diffTrees(ctx context.Context, evalIn treeEvaluator, rev gitrev.Revision, base, work tree, cwd string, paths []string) (*diffReport, error) {
	rel, err := filepath.Rel(work.root, cwd)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = "."
	}
	workRes, err := evalIn(ctx, work, cwd, selection{all: len(paths) == 0, paths: paths})
	if err != nil {
		return nil, err
	}
	baseDir := filepath.Join(base.root, rel)
	if err := os.MkdirAll(baseDir, 0o755); err != nil {
		return nil, err
	}
	baseSel := selection{all: len(paths) == 0, paths: existingIn(paths, cwd, work.root, base.root)}
	baseRes, err := evalIn(ctx, base, baseDir, baseSel)
	if err != nil {
		return nil, err
	}
	rep := compare(baseRes, workRes)
	rep.Base = diffBase{Revision: rev.Name, Commit: rev.Commit, How: rev.How}
	return rep, nil
}

// existingIn maps the PATHs of the work tree to the base tree, leaving out
// those the base does not have (their profiles are then added ones).
func existingIn(paths []string, cwd, workRoot, baseRoot string) []string {
	var out []string
	for _, p := range paths {
		rel, err := filepath.Rel(workRoot, cleanAbs(p, cwd))
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // outside the repository: not part of the change
		}
		if _, err := os.Stat(filepath.Join(baseRoot, rel)); err == nil {
			out = append(out, filepath.Join(baseRoot, rel))
		}
	}
	return out
}
