package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/session"
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

// cliTreeEvaluator evaluates a tree as `check` does: the same headless
// session, restricted unless trusted, the tree's folder the only folder a
// restricted evaluation may read besides the resources.
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
		sess := session.New(session.Options{Cwd: dir, Headless: true, Lazy: true, Timeout: timeout,
			Readable: []string{t.root}})
		defer sess.Close()
		sess.MergeSettings([]byte(`{"evaluation":{"debounceMs":0}}`))
		sess.SetRoots([]string{dir})
		if trusted {
			sess.SetTrust(session.TrustAll())
		}
		sess.Start()
		if err := addSelection(sess, sel, dir); err != nil {
			return res, err
		}
		sess.WaitIdle(ctx)
		for _, path := range sess.Evaluated() {
			if within(path, t.root) { // builtin and user profiles are the same on both sides
				res.Profiles[profileName(sess, path, t)] = sessionOutcome(sess, path, t)
			}
		}
		return res, nil
	}
}

// addSelection adds what sel names to a headless session, as check does.
func addSelection(sess *session.Session, sel selection, dir string) error {
	if sel.all {
		sess.AddDiscovered()
		return nil
	}
	for _, p := range sel.paths {
		abs := cleanAbs(p, dir)
		if _, err := os.Stat(abs); err != nil {
			return fmt.Errorf("%s: no such file or directory", p)
		}
		sess.AddFile(abs)
	}
	return nil
}

// sessionOutcome is a profile's last evaluation as diff compares it: the
// redacted resolved manifest as flat fields, or the first line of why it
// does not resolve (Nix's failure, else the first error placed on it).
func sessionOutcome(sess *session.Session, path string, t tree) outcome {
	st, _ := sess.Profile(path)
	o := st.Latest
	if o != nil && o.Snapshot != nil {
		red, err := manifest.Redacted(o.Snapshot)
		if err == nil {
			return outcome{Fields: flattenJSON(red, t)}
		}
	}
	if o != nil && o.NixError {
		return outcome{Failure: t.show(firstLine(o.Message))}
	}
	for _, d := range sess.Diagnostics(path) {
		if d.Severity == diagnostics.Error {
			return outcome{Failure: t.show(firstLine(d.Message))}
		}
	}
	return outcome{Failure: "failed to resolve profile manifest/config"}
}

func flattenJSON(doc []byte, t tree) map[string]string {
	var v any
	d := json.NewDecoder(bytes.NewReader(doc))
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
func profileName(sess *session.Session, path string, t tree) string {
	if e, ok := sess.Entry(path); ok {
		return e.QualifiedName()
	}
	rel, _ := filepath.Rel(t.root, path)
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
