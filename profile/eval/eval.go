package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
)

// Evaluator runs Nix on profiles, one call at a time per request, with the
// limits of its Options and a shared result cache. Safe for concurrent use.
// Most callers want a Scheduler, which owns an Evaluator.
type Evaluator struct {
	opts  Options
	cache *Cache

	mu      sync.Mutex   // guards version, probe, resDir and lastDeps
	version string       // Nix version, once known
	probe   *versionCall // the `--version` probe in flight, if any
	resDir  string
	// lastDeps are the files Nix read for each profile last time
	// (freshnessDeps).
	lastDeps map[string][]string

	// pool holds pre-started Nix processes (nil: Options.Prestart off).
	pool *pool

	// pidHook, when set (tests), sees the pid of every Nix evaluation.
	pidHook func(pid int)
}

// NewEvaluator applies the defaults to opts. It runs nothing yet.
func NewEvaluator(opts Options) *Evaluator {
	opts = opts.withDefaults()
	e := &Evaluator{opts: opts, cache: NewCache(opts.CacheCount, opts.CacheBytes), lastDeps: map[string][]string{}}
	if opts.Prestart {
		e.pool = newPool(e.spawn)
	}
	return e
}

// Cache is the evaluator's result cache (for stats and tests).
func (e *Evaluator) Cache() *Cache { return e.cache }

// Evaluate returns the result for req, from the cache when nothing it
// depends on changed. It blocks until Nix ends; cancelling ctx kills Nix.
func (e *Evaluator) Evaluate(ctx context.Context, req Request) Result {
	r, _ := e.evaluate(ctx, req, nil)
	return r
}

// gate runs before Nix starts (the Scheduler's concurrency limit): it
// returns a release func, or false when ctx ended while waiting.
type gate func(ctx context.Context) (release func(), ok bool)

// evaluate is Evaluate behind an optional gate; ran reports whether Nix
// was started (false for cache hits and early failures).
func (e *Evaluator) evaluate(ctx context.Context, req Request, g gate) (r Result, ran bool) {
	if !filepath.IsAbs(req.Path) {
		return Result{Failure: fail(diagnostics.CodeBadRequest, "profile path is not absolute: "+req.Path)}, false
	}
	text := req.Text
	if text == nil {
		data, err := safefile.Read(req.Path, safefile.MaxSourceBytes)
		if err != nil {
			return Result{Failure: fail(diagnostics.CodeBadRequest, "cannot read profile: "+err.Error())}, false
		}
		text = data
	}
	resDir, err := e.resources()
	if err != nil {
		return Result{Failure: fail(diagnostics.CodeBadRequest, "cannot write the bundled Nix files: "+err.Error())}, false
	}
	version, f := e.nixVersion(ctx)
	if f != nil {
		return Result{Failure: f}, false
	}
	dg := digests{}
	trusted := e.opts.Trusted && !req.Restricted
	key := cacheKey(e.opts.fingerprint()+" res="+resDir+restrictedTag(trusted), version, req, text, dg)
	if r, ok := e.cache.get(key); ok {
		r.Cached, r.Duration = true, 0
		return r, false
	}
	if g != nil {
		release, ok := g(ctx)
		if !ok {
			return Result{Failure: fail(diagnostics.CodeCancelled, "evaluation cancelled")}, false
		}
		defer release()
	}
	r = e.run(ctx, req.Path, text, req.Deps, resDir, trusted)
	if r.cacheable() {
		e.cache.put(key, r, dg)
	}
	return r, true
}

// resources is the folder holding our wrapper: Options.ResourcesDir when
// it has one, else our bundle written once under the user cache dir (an
// installed upstream resources dir has no eval-wrapper.nix).
func (e *Evaluator) resources() (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.resDir != "" {
		return e.resDir, nil
	}
	dir := e.opts.ResourcesDir
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(WrapperFile))); dir == "" || err != nil {
		var err error
		if dir, err = WriteResources(defaultResourcesRoot()); err != nil {
			return "", err
		}
	}
	e.resDir = dir
	return dir, nil
}

var versionRE = regexp.MustCompile(`\(Nix\) (\S+)`)

// versionCall is one `--version` probe in flight; callers that arrive
// meanwhile wait for it instead of starting their own (a workspace opening
// submits hundreds of profiles at once, and each needs the version).
type versionCall struct {
	done chan struct{}
	v    string
	f    *Failure
}

// nixVersion asks Nix once per Evaluator, shared by all callers: at most one
// probe runs at a time, and no evaluation can run beside it (every one
// needs the version first), so the probe never exceeds the concurrency
// limit. A failed probe (missing Nix) is asked again next time, so
// installing Nix needs no restart; a probe killed because its caller was
// cancelled is retried by the next waiter.
func (e *Evaluator) nixVersion(ctx context.Context) (string, *Failure) {
	for {
		e.mu.Lock()
		if e.version != "" {
			v := e.version
			e.mu.Unlock()
			return v, nil
		}
		call := e.probe
		if call == nil {
			call = &versionCall{done: make(chan struct{})}
			e.probe = call
			e.mu.Unlock()
			e.runProbe(ctx, call)
			return call.v, call.f
		}
		e.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return "", fail(diagnostics.CodeCancelled, "evaluation cancelled")
		}
		if call.f == nil || call.f.Kind != diagnostics.CodeCancelled {
			return call.v, call.f
		}
		// The leader was cancelled, not us: probe again.
	}
}

// runProbe runs `--version` for call and publishes the outcome.
func (e *Evaluator) runProbe(ctx context.Context, call *versionCall) {
	call.v, call.f = e.askVersion(ctx)
	e.mu.Lock()
	if call.f == nil {
		e.version = call.v
	}
	e.probe = nil
	e.mu.Unlock()
	close(call.done)
}

// askVersion runs `Program --version` once.
func (e *Evaluator) askVersion(ctx context.Context) (string, *Failure) {
	o := run(ctx, runSpec{argv: []string{e.opts.Program, "--version"}, env: childEnv(false),
		timeout: e.opts.Timeout, maxStdout: 1 << 16, maxStderr: 1 << 16})
	if f, _ := classify(o, e.opts); f != nil {
		if f.Kind == diagnostics.CodeNixError {
			f = fail(diagnostics.CodeNixMissing, "`"+e.opts.Program+" --version` failed: "+nixMissingMessage)
		}
		return "", f
	}
	v := strings.TrimSpace(string(o.stdout))
	if m := versionRE.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	if v == "" {
		v = "unknown"
	}
	return v, nil
}

// NixVersion is the version string of the configured Nix ("2.8.0").
func (e *Evaluator) NixVersion(ctx context.Context) (string, error) {
	v, f := e.nixVersion(ctx)
	if f != nil {
		return "", f
	}
	return v, nil
}

// run evaluates text as the profile at path. The text goes to Nix on stdin
// as the wrapper's argument, with cwd = the profile's folder, so relative
// imports resolve as they would from the file. Nix reads big text from a
// pipe, never from argv. With a pool, a pre-started Nix of the same plan
// takes the text when none of deps changed since it started.
func (e *Evaluator) run(ctx context.Context, path string, text []byte, deps []string, resDir string, trusted bool) Result {
	wrapper := filepath.Join(resDir, filepath.FromSlash(WrapperFile))
	prefix := "(import " + nixString(wrapper) + ") (\n"
	stdin := make([]byte, 0, len(prefix)+len(text)+3)
	stdin = append(append(append(stdin, prefix...), text...), "\n) \"insomnia-lsp:end\"\n"...)

	pl := e.plan(path, resDir, trusted)
	start := time.Now()
	o, warm, err := e.runPlan(ctx, pl, stdin, e.freshnessDeps(path, deps, wrapper))
	if err != nil {
		return Result{Failure: fail(diagnostics.CodeBadRequest, "cannot prepare the restricted evaluation: "+err.Error())}
	}
	sm := newSourceMap(path, text, strings.Count(prefix, "\n"), resDir)
	r := e.interpret(o, sm)
	if !trusted {
		explainRestricted(r.Failure)
		if r.Failure != nil {
			r.Failure.Message = sandboxHint(r.Failure.Message)
		}
	}
	r.Duration, r.Prestarted = time.Since(start), warm
	r.Deps = readDeps(o.stderr, wrapper)
	e.noteDeps(path, r.Deps)
	return r
}

// plan is the fixed part of a profile's Nix process. Trusted: the
// policy's environment (an allow-list in the server, all of it in the
// CLI); untrusted: the pared-down one, inside a sandbox, restricted.
func (e *Evaluator) plan(path, resDir string, trusted bool) procPlan {
	argv := []string{e.opts.Program, "--eval", "--strict", "--json", "--show-trace", "-v",
		"--log-format", "internal-json"}
	env := childEnv(false)
	if trusted {
		env = e.opts.Env.environ()
	} else {
		allowed := append([]string{filepath.Dir(path), resDir, e.opts.ResourcesDir}, e.opts.Roots...)
		argv = append(append(argv, restrictArgs(allowed)...), sandboxArgs()...)
	}
	return procPlan{argv: append(argv, "-"), dir: filepath.Dir(path), env: env, sandboxed: !trusted,
		memLimit: e.opts.MemoryLimit, maxStdout: e.opts.MaxStdout, maxStderr: e.opts.MaxStderr}
}

// runPlan runs stdin through a pre-started process of pl, else a cold one,
// and asks the pool for the next; warm says which ran it. err: the sandbox
// could not be made.
func (e *Evaluator) runPlan(ctx context.Context, pl procPlan, stdin []byte, deps []string) (o runOutcome, warm bool, err error) {
	if ctx.Err() != nil {
		return runOutcome{stopped: stopCancelled, exitCode: -1}, false, nil
	}
	var c *child
	if e.pool != nil {
		c = e.pool.take(pl, deps)
		defer e.pool.replenish(pl)
	}
	warm = c != nil
	if c == nil {
		if c, err = e.spawn(pl); err != nil {
			var se sandboxError
			if errors.As(err, &se) {
				return runOutcome{}, false, se.err
			}
			return runOutcome{startErr: err, exitCode: -1}, false, nil
		}
	}
	return c.finish(ctx, runSpec{stdin: stdin, timeout: e.opts.Timeout, onStart: e.pidHook}), warm, nil
}

// sandboxError: the untrusted child's folders could not be made.
type sandboxError struct{ err error }

func (s sandboxError) Error() string { return s.err.Error() }

// spawn starts pl's process, blocked on its stdin. An untrusted one gets
// its own sandbox, removed once it has been reaped. exec resolves Program
// with the server's PATH, not env's: the sandbox's empty PATH hides every
// other program from Nix only.
func (e *Evaluator) spawn(pl procPlan) (*child, error) {
	env := pl.env
	var sb *sandbox
	if pl.sandboxed {
		var err error
		if sb, err = newSandbox(); err != nil {
			return nil, sandboxError{err}
		}
		env = sb.env(env)
	}
	c, err := startChild(runSpec{argv: pl.argv, dir: pl.dir, env: env, memLimit: pl.memLimit,
		maxStdout: pl.maxStdout, maxStderr: pl.maxStderr}, true)
	if err != nil {
		if sb != nil {
			sb.remove()
		}
		return nil, err
	}
	if sb != nil {
		c.cleanup = sb.remove
	}
	return c, nil
}

// freshnessDeps are the files a pre-started process must not be older
// than: the request's import closure, what Nix read last time for this
// profile, and our wrapper.
func (e *Evaluator) freshnessDeps(path string, deps []string, wrapper string) []string {
	e.mu.Lock()
	last := e.lastDeps[path]
	e.mu.Unlock()
	out := make([]string, 0, len(deps)+len(last)+1)
	out = append(append(out, deps...), last...)
	if wrapper != "" {
		out = append(out, wrapper)
	}
	return out
}

// noteDeps remembers what Nix read for path (freshnessDeps).
func (e *Evaluator) noteDeps(path string, deps []string) {
	e.mu.Lock()
	e.lastDeps[path] = deps
	e.mu.Unlock()
}

// Close kills the pre-started processes and waits until they are reaped.
// Evaluations still running are not affected (the Scheduler kills those).
func (e *Evaluator) Close() {
	if e.pool != nil {
		e.pool.close()
	}
}

// PoolStats are the pre-started processes' counters (zero without a pool).
func (e *Evaluator) PoolStats() PoolStats {
	if e.pool == nil {
		return PoolStats{}
	}
	return e.pool.Stats()
}

// FunctionMessage is Nix's own error for a top-level function (what
// `nix eval --json --file` prints, since it does not call it), then why.
const FunctionMessage = "cannot convert a function to JSON: the profile evaluates to a function, " +
	"which the runtime's `nix eval --file` does not call (use the value, e.g. `mkProfile { ... }`, not `{ ... }: ...`)"

// interpret reads a finished run: a failure, or the wrapper's JSON.
func (e *Evaluator) interpret(o runOutcome, sm *sourceMap) Result {
	if f, pe := classify(o, e.opts); f != nil {
		if pe != nil {
			locateFailure(f, *pe, sm)
		}
		return Result{Failure: f}
	}
	var out struct {
		Artifact  json.RawMessage `json:"artifact"`
		Positions json.RawMessage `json:"positions"`
		Function  bool            `json:"function"`
	}
	// The artifact sits one level below the wrapper's object.
	stdout, depth := pruneDepth(o.stdout, MaxArtifactDepth, 1)
	if err := json.Unmarshal(stdout, &out); err != nil || (out.Artifact == nil && !out.Function) {
		return Result{Failure: fail(diagnostics.CodeInvalidJSON, "Nix did not produce valid JSON for the profile")}
	}
	if out.Function {
		f := fail(diagnostics.CodeFunctionProfile, FunctionMessage)
		f.Location = &diagnostics.Location{File: sm.profile, Range: sm.lines[bufferKey].LineRange(0)}
		return Result{Failure: f}
	}
	own, err := wrapperPositions(out.Positions)
	if err != nil {
		own = nil
	}
	r := Result{Artifact: out.Artifact, Positions: buildPosMap(out.Artifact, own, sm)}
	if depth > MaxArtifactDepth {
		r.Depth = depth
	}
	return r
}

// locateFailure converts the Nix positions of an error. The innermost one
// in a source the user has becomes Location; when Nix names none (e.g. a
// forbidden fetch), the profile's start stands in, so every Nix error can
// be shown somewhere.
func locateFailure(f *Failure, pe ParsedError, sm *sourceMap) {
	f.Message = sm.rewriteMessage(f.Message)
	defer func() {
		if f.Location == nil {
			f.Location = &diagnostics.Location{File: sm.profile, Range: sm.lines[bufferKey].LineRange(0)}
		}
	}()
	for _, p := range pe.Trace {
		loc, ok := sm.locate(p)
		if !ok {
			continue
		}
		f.Trace = append(f.Trace, loc)
		if f.Location == nil {
			l := loc
			f.Location = &l
		}
	}
}

var depRE = regexp.MustCompile(`evaluating file '([^']+)'`)

// readDeps lists the files Nix reported reading (-v prints "evaluating
// file" for each import), minus our wrapper.
func readDeps(stderr []byte, wrapper string) []string {
	seen := map[string]bool{}
	for _, m := range depRE.FindAllSubmatch(stderr, -1) {
		if f := string(m[1]); f != wrapper {
			seen[f] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			b.WriteString(`\$`)
		case c == '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// IdlePids lists the pre-started processes waiting now (for tests).
func (e *Evaluator) IdlePids() []int {
	if e.pool == nil {
		return nil
	}
	return e.pool.idlePids()
}
