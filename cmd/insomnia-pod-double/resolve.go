package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/jsonwalk"
	"github.com/insomnia-lsp/insomnia-lsp/profile/rustpath"
)

// profileFile is a selector resolved to a file, with the base directory for
// its relative paths and the provenance the snapshot records (§1.3).
type profileFile struct {
	label  string
	path   string
	base   string
	source map[string]any
}

// resolveSelector applies the selector grammar (contract §3.4).
func resolveSelector(sel, cwd string) (profileFile, error) {
	if p, ok := strings.CutPrefix(sel, "path:"); ok {
		return pathProfile(sel, p, cwd), nil
	}
	src, name, qualified := strings.Cut(sel, ":")
	isPath := strings.Contains(sel, "/") || strings.HasPrefix(sel, ".") || strings.HasSuffix(sel, ".nix")
	if sel != "default" && !(qualified && sources[src]) && isPath {
		return pathProfile(sel, sel, cwd), nil
	}
	reg, err := loadRegistry(cwd)
	if err != nil {
		return profileFile{}, err
	}
	var e entry
	switch {
	case sel == "default":
		if reg.defaultSel == "" {
			return profileFile{}, errors.New("no default profile is configured")
		}
		s, n, _ := strings.Cut(reg.defaultSel, ":")
		e, err = reg.lookup(s, n, "default")
	case qualified && sources[src]:
		e, err = reg.lookup(src, name, sel)
	default:
		e, err = reg.lookup("", sel, sel)
	}
	if err != nil {
		return profileFile{}, err
	}
	base := rustParentOrEmpty(e.path)
	if e.source == "builtin" {
		base = cwd // builtin profiles resolve against the workspace base (625730cb)
	}
	return profileFile{label: sel, path: e.path, base: base, source: map[string]any{
		"kind": "registry", "source": e.source, "name": e.name, "path": e.path}}, nil
}

// pathProfile joins a relative path to cwd lexically, not canonicalised, as
// the runtime does (§1.1).
func pathProfile(label, p, cwd string) profileFile {
	p = rustpath.Join(cwd, p)
	return profileFile{label: label, path: p, base: rustParentOrEmpty(p),
		source: map[string]any{"kind": "path", "path": p}}
}

// rustParentOrEmpty is Rust's Path::parent, as the runtime takes the base
// ("/w/./x.nix" -> "/w").
func rustParentOrEmpty(p string) string {
	parent, _ := rustpath.Parent(p)
	return parent
}

const nixTimeout = 120 * time.Second

// evaluate runs Nix on the profile file. The runtime uses `nix eval --json
// --file`; Nix 2.8 needs an experimental feature for that, so the double
// uses the equivalent `nix-instantiate --eval --strict --json` (which,
// unlike `nix eval`, would call a top-level function with its defaults).
func evaluate(ctx context.Context, pf profileFile) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, nixTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nix-instantiate", "--eval", "--strict", "--json", pf.path)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("requires the `nix` command (nix-instantiate) to evaluate profile %s: %v", pf.path, err)
		}
		return nil, fmt.Errorf("nix eval failed for profile %s (%v)\n%s", pf.path, err, strings.TrimSpace(errb.String()))
	}
	dec := json.NewDecoder(&out)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("profile %s did not produce valid JSON: %v", pf.path, err)
	}
	art, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("failed to decode profile artifact envelope: not an object")
	}
	return art, nil
}

// manifestOf picks the manifest from an artifact (§1.2) and checks the format.
func manifestOf(art map[string]any) (manifest, meta map[string]any, err error) {
	meta, _ = art["profile"].(map[string]any)
	if f, ok := meta["format"]; ok && f != nil && f != "insomnia.nix-profile.v1" {
		return nil, nil, fmt.Errorf("unsupported profile artifact format: %v", f)
	}
	m, hasM := art["manifest"]
	c, hasC := art["config"]
	switch {
	case hasM && hasC:
		return nil, nil, errors.New("invalid profile artifact: both `manifest` and `config` are set")
	case hasC:
		m = c
	case !hasM:
		raw := map[string]any{}
		for k, v := range art {
			if k != "profile" {
				raw[k] = v
			}
		}
		m = raw
	}
	manifest, ok := m.(map[string]any)
	if !ok {
		return nil, nil, errors.New("failed to decode profile manifest/config: not an object")
	}
	return manifest, meta, nil
}

// joinedPaths are the fields the runtime joins to the base (§2.4).
var joinedPaths = [][]string{
	{"pod", "prompt_pack"}, {"model", "auth", "file"},
	{"scope", "allow", "*", "target"}, {"scope", "deny", "*", "target"},
	{"memory", "workspace_root"}, {"compaction", "model", "auth", "file"},
	{"skills", "directories", "*"},
}

// joinPaths joins relative path fields lexically, as Rust's Path::join
// does: "." becomes "<base>/.", nothing is cleaned.
func joinPaths(m map[string]any, base string) {
	for _, f := range joinedPaths {
		var v any = m
		jsonwalk.Rewrite(&v, f, func(p string) string {
			return rustpath.Join(base, p)
		})
	}
}

// snapshotFor resolves a profile into the double's snapshot: the manifest
// with joined paths, pod.name set to name, and the profile provenance.
// It returns the final pod name (name, or the manifest's when name is "").
func snapshotFor(ctx context.Context, pf profileFile, name string) (map[string]any, string, error) {
	art, err := evaluate(ctx, pf)
	if err != nil {
		return nil, "", err
	}
	m, meta, err := manifestOf(art)
	if err != nil {
		return nil, "", err
	}
	pod, _ := m["pod"].(map[string]any)
	if s, _ := pod["name"].(string); s == "" {
		return nil, "", errors.New("failed to resolve profile manifest/config: missing required field: pod.name")
	}
	scope, _ := m["scope"].(map[string]any)
	if allow, _ := scope["allow"].([]any); len(allow) == 0 {
		return nil, "", errors.New("failed to resolve profile manifest/config: missing required field: scope.allow")
	}
	joinPaths(m, pf.base)
	if name != "" {
		pod["name"] = name
	}
	prov := map[string]any{"source": pf.source}
	if meta != nil {
		prov["profile"] = meta
	}
	m["profile"] = prov
	return m, pod["name"].(string), nil
}
