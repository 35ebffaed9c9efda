package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
)

// treeResult is what the profiles of one tree resolve to.
type treeResult struct {
	// Profiles by name (qualified, or path:<file under the tree>).
	Profiles map[string]outcome
	// Default is the effective default's qualified name, or its selector
	// and why it does not resolve; "" when there is none.
	Default string
	// Discovery is the error that makes the runtime's discovery fail.
	Discovery string
}

// outcome is one profile's resolved manifest as flat fields, or the first
// line of why it does not resolve.
type outcome struct {
	Fields  map[string]string // dotted path -> JSON value (redacted)
	Failure string
}

// cliTreeEvaluator evaluates a tree as `check` does: the same discovery
// and evaluator, restricted unless trusted, the tree's folder the only
// workspace root.
func cliTreeEvaluator(stderr io.Writer, timeout time.Duration, trusted bool) treeEvaluator {
	return func(ctx context.Context, t tree, dir string, sel selection) (treeResult, error) {
		env := newCLIEnv(dir, stderr)
		res := treeResult{Profiles: map[string]outcome{}}
		reg := env.discover(dir)
		res.Default = defaultName(env, dir)
		if reg.Err != nil {
			res.Discovery = t.show(oneLine(reg.Err.Error()))
		}
		if !sel.all && len(sel.paths) == 0 {
			return res, nil
		}
		p, err := env.plan(sel.paths)
		if err != nil {
			return res, err
		}
		var targets []target
		for _, tg := range p.profiles {
			if within(tg.path, t.root) { // builtin and user profiles are the same on both sides
				targets = append(targets, tg)
			}
		}
		outs := evaluateTargets(ctx, diffEvaluator(env, timeout, trusted, t.root), targets, t)
		for i, tg := range targets {
			res.Profiles[profileName(tg, t)] = outs[i]
		}
		return res, nil
	}
}

// diffEvaluator is check's evaluator with diff's trust: restricted
// unless --trusted, the tree the only root.
func diffEvaluator(c *cliEnv, timeout time.Duration, trusted bool, root string) *eval.Evaluator {
	opts := eval.Options{Timeout: timeout, Trusted: trusted, Roots: []string{root}}
	if c.dirs.ResourceFrom == "bundled" {
		opts.ResourcesDir = c.dirs.Resource
	}
	return eval.NewEvaluator(opts)
}

// evaluateTargets evaluates and resolves each profile, a few at a time.
func evaluateTargets(ctx context.Context, ev *eval.Evaluator, targets []target, t tree) []outcome {
	outs := make([]outcome, len(targets))
	sem := make(chan struct{}, max(1, min(runtime.NumCPU(), 4)))
	var wg sync.WaitGroup
	for i, tg := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outs[i] = resolveOutcome(ev.Evaluate(ctx, eval.Request{Path: tg.path}), tg, t)
		}()
	}
	wg.Wait()
	return outs
}

// resolveOutcome resolves like `resolve` and flattens the redacted
// manifest, with the tree's folder shown as the work tree's.
func resolveOutcome(r eval.Result, tg target, t tree) outcome {
	res, err := resolveArtifact(r, tg)
	if err != nil {
		return outcome{Failure: t.show(firstLine(err.Error()))}
	}
	return outcome{Fields: flatten(res, t)}
}

func flatten(res *manifest.Resolved, t tree) map[string]string {
	var v any
	d := json.NewDecoder(strings.NewReader(string(res.Redacted())))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return map[string]string{"": "<unreadable manifest: " + err.Error() + ">"}
	}
	out := map[string]string{}
	walk(v, "", t, out)
	return out
}

// walk flattens a JSON value into dotted paths (`model.ref`,
// `scope.allow[0].target`); empty objects and arrays are leaves.
func walk(v any, path string, t tree, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[path] = "{}"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walk(x[k], joinKey(path, k), t, out)
		}
	case []any:
		if len(x) == 0 {
			out[path] = "[]"
		}
		for i, e := range x {
			walk(e, path+"["+strconv.Itoa(i)+"]", t, out)
		}
	case string:
		b, _ := marshalNoHTML(t.show(x))
		out[path] = string(b)
	default:
		b, _ := marshalNoHTML(x)
		out[path] = string(b)
	}
}

func joinKey(path, k string) string {
	if !plainKey(k) {
		b, _ := marshalNoHTML(k)
		return path + "[" + string(b) + "]"
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

func plainKey(k string) bool {
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r == '-' || r >= '0' && r <= '9')) {
			return false
		}
	}
	return k != ""
}

// show rewrites the tree's folder as the work tree's, so a base path reads
// as the same file at the other revision.
func (t tree) show(s string) string {
	if t.root == t.shown {
		return s
	}
	return strings.ReplaceAll(s, t.root, t.shown)
}

// profileName is the name a profile is compared by.
func profileName(tg target, t tree) string {
	if tg.entry != nil {
		return tg.entry.QualifiedName()
	}
	rel, _ := filepath.Rel(t.root, tg.path)
	return "path:" + filepath.ToSlash(rel)
}

// defaultName is the effective default, as `profiles` names it.
func defaultName(env *cliEnv, dir string) string {
	reg := env.discover(dir)
	if reg.Default == nil {
		return ""
	}
	e, err := reg.DefaultEntry()
	if err != nil {
		return reg.Default.Selector() + " (does not resolve)"
	}
	return e.QualifiedName()
}

func within(path, root string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
