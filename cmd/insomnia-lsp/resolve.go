package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// resolved is `insomnia-lsp resolve --json`.
type resolved struct {
	Profile  string                 `json:"profile"` // qualified name, or path:<file>
	Default  bool                   `json:"is_default"`
	Source   manifest.ProfileSource `json:"source"`
	Base     string                 `json:"base"`
	Hash     string                 `json:"hash"` // sha256 of the canonical snapshot
	Manifest json.RawMessage        `json:"manifest"`
}

// resolve is `insomnia-lsp resolve SELECTOR [--json]`: select like the
// runtime, evaluate with Nix, resolve, and print the redacted manifest with
// its snapshot hash. Problems go to stderr as `check` prints them; a
// profile that does not resolve is the runtime's error and exit 1.
func resolve(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("resolve", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	timeout := fs.Duration("timeout", eval.DefaultTimeout, "time limit of the evaluation")
	trusted := fs.Bool("trusted", false, trustedUsage)
	pos, ok := parseInterspersed(fs, args)
	if !ok || len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: insomnia-lsp resolve SELECTOR [--json] [--timeout D] [--trusted]")
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	env := newCLIEnv(cwd, stderr)
	env.trusted = *trusted
	if !*trusted {
		env.restrictTo(nil)
	}
	reg := env.discover(cwd)
	sel, err := reg.Select(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "error:", textsafe.Escape(registry.Wrapped(sel.Selector.Label(), err)))
		return 1
	}
	t := selectionTarget(reg, sel, cwd)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if !env.readable(t.path) {
		fmt.Fprintln(stderr, "error:", registry.Wrapped(sel.Selector.Label(), errors.New(notReadable(t).Message)))
		return 1
	}
	r := env.evaluator(*timeout).Evaluate(ctx, eval.Request{Path: t.path})
	printed := newPrinter(cwd).convert(env.diagnose(t, r))
	res, err := resolveArtifact(r, t)
	if err != nil {
		fmt.Fprintln(stderr, "error:", textsafe.Escape(registry.Wrapped(sel.Selector.Label(), err)))
		_ = writeDiagnostics(stderr, printed, false)
		return 1
	}
	_ = writeDiagnostics(stderr, printed, false)
	src, base := t.source()
	out := resolved{Profile: label(sel), Default: sel.Entry != nil && sel.Entry.IsDefault,
		Source: src, Base: base, Hash: res.Hash, Manifest: res.Redacted()}
	return printResolved(stdout, out, *asJSON)
}

// selectionTarget is the selected profile as `check` evaluates it.
func selectionTarget(reg *registry.Registry, sel registry.Selection, cwd string) target {
	t := target{path: cleanAbs(registry.NixFile(sel.Path), cwd), reg: reg, workspace: cwd, sel: &sel}
	if sel.Entry != nil {
		e := *sel.Entry
		t.entry = &e
	}
	return t
}

// resolveArtifact runs upstream's resolution on the artifact. On failure
// the error is the inner message of the runtime's wrapper: Nix's failure
// (redacted), or the first problem that stopped the resolution.
func resolveArtifact(r eval.Result, t target) (*manifest.Resolved, error) {
	if r.Failure != nil {
		return nil, errors.New(oneLine(secrets.Redact(r.Failure.Message)))
	}
	src, base := t.source()
	res, problems := manifest.Resolve(r.Artifact, base, src)
	if res != nil {
		return res, nil
	}
	for _, p := range problems {
		if !p.Warning {
			return nil, errors.New(secrets.Redact(p.Message))
		}
	}
	return nil, errors.New("failed to resolve profile manifest/config")
}

func label(sel registry.Selection) string {
	if sel.Entry == nil {
		return "path:" + sel.Path
	}
	return sel.Entry.QualifiedName()
}

func printResolved(w io.Writer, out resolved, asJSON bool) int {
	if asJSON {
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return 1
		}
		fmt.Fprintf(w, "%s\n", b)
		return 0
	}
	def := ""
	if out.Default {
		def = " (default)"
	}
	fmt.Fprintf(w, "profile: %s%s\npath: %s\nhash: %s\n%s\n", textsafe.Escape(out.Profile), def,
		textsafe.Escape(out.Source.Path), out.Hash, textsafe.EscapeJSON(out.Manifest))
	return 0
}
