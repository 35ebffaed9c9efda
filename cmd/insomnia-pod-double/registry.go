package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/insomnia-lsp/insomnia-lsp/profile/rustpath"
)

// The double's registry is the simplest correct subset of contract §3.2–3.4:
// builtin (scan of <resource_dir>/nix/profiles), user (<config_dir>/profiles.toml)
// and project (nearest .insomnia/profiles.toml above cwd) entries, the
// `default` rules, and the selector grammar. Not supported: nothing else
// is known to be missing, but the runtime stays the reference.

type entry struct {
	source, name, path string
}

func (e entry) qualified() string { return e.source + ":" + e.name }

type registry struct {
	entries    []entry
	defaultSel string // "<src>:<name>", or "" when none
}

var sources = map[string]bool{"builtin": true, "user": true, "project": true}

func loadRegistry(cwd string) (registry, error) {
	var r registry
	r.entries = builtinEntries()
	if cfg, err := baseDir(configDirRule); err == nil {
		if err := r.loadFile(filepath.Join(cfg, "profiles.toml"), "user"); err != nil {
			return r, err
		}
	}
	if p := projectRegistry(cwd); p != "" {
		if err := r.loadFile(p, "project"); err != nil {
			return r, err
		}
	}
	if r.defaultSel == "" && len(r.match("builtin", "default")) > 0 {
		r.defaultSel = "builtin:default"
	}
	return r, nil
}

func builtinEntries() []entry {
	res := resourceDir()
	if res == "" {
		return nil
	}
	dir := filepath.Join(res, "nix", "profiles")
	items, err := os.ReadDir(dir)
	if err != nil {
		return nil // a missing dir has no entries
	}
	var out []entry
	for _, it := range items {
		p := filepath.Join(dir, it.Name())
		switch {
		case !it.IsDir() && strings.HasSuffix(it.Name(), ".nix"):
			out = append(out, entry{"builtin", strings.TrimSuffix(it.Name(), ".nix"), p})
		case it.IsDir() && isFile(filepath.Join(p, "profile.nix")):
			out = append(out, entry{"builtin", it.Name(), filepath.Join(p, "profile.nix")})
		}
	}
	return out
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// projectRegistry walks up from cwd to / for .insomnia/profiles.toml.
func projectRegistry(cwd string) string {
	dir := cwd
	if real, err := filepath.EvalSymlinks(cwd); err == nil {
		dir = real
	}
	for {
		if p := filepath.Join(dir, ".insomnia", "profiles.toml"); isFile(p) {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

type registryFile struct {
	Default *string        `toml:"default"`
	Profile map[string]any `toml:"profile"`
	Entries map[string]any `toml:"entries"`
}

// loadFile reads one profiles.toml; a missing file is skipped, any other
// problem fails the whole discovery, as upstream.
func (r *registry) loadFile(path, source string) error {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read profile registry config %s: %v", path, err)
	}
	var f registryFile
	if err := toml.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("failed to parse profile registry config %s: %v", path, err)
	}
	table := f.Profile
	if table == nil {
		table = f.Entries
	}
	for name, v := range table {
		p, ok := entryPath(v)
		if !ok {
			return fmt.Errorf("failed to parse profile registry config %s: entry %q did not match any variant", path, name)
		}
		// Rust: profiles.toml's parent joined to the entry, never cleaned.
		p = rustpath.Join(rustParentOrEmpty(path), p)
		r.entries = append(r.entries, entry{source, name, p})
	}
	if f.Default != nil {
		r.defaultSel = qualifyDefault(*f.Default, source)
	}
	return nil
}

func entryPath(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case map[string]any:
		p, ok := t["path"].(string)
		return p, ok
	}
	return "", false
}

// qualifyDefault: "<src>:<name>" when the prefix is a source, else a name
// scoped to the declaring file.
func qualifyDefault(v, source string) string {
	if src, _, ok := strings.Cut(v, ":"); ok && sources[src] {
		return v
	}
	return source + ":" + v
}

func (r registry) match(source, name string) []entry {
	var out []entry
	for _, e := range r.entries {
		if e.name == name && (source == "" || e.source == source) {
			out = append(out, e)
		}
	}
	return out
}

// lookup finds exactly one entry; label is the selector as the user wrote it.
func (r registry) lookup(source, name, label string) (entry, error) {
	m := r.match(source, name)
	switch len(m) {
	case 1:
		return m[0], nil
	case 0:
		return entry{}, fmt.Errorf("profile not found: %s", label)
	}
	names := make([]string, len(m))
	for i, e := range m {
		names[i] = e.qualified()
	}
	return entry{}, fmt.Errorf("ambiguous profile name `%s`; use a source-qualified selector such as %v", name, names)
}
