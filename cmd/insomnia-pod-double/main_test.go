package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func TestParseFlagsConflicts(t *testing.T) {
	bad := map[string][]string{
		"cannot be used with":           {"--profile", "x", "--pod", "y"},
		"requires '--profile'":          {"--profile-pod-name", "n"},
		"requires '--pod'":              {"--require-pod-state"},
		"not supported":                 {"--manifest", "m.toml"},
		"unexpected argument":           {"--pod", "a", "extra"},
		"flag provided but not defined": {"--overlay", "x"},
	}
	for want, args := range bad {
		if _, err := parseFlags(args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want %q, got %v", args, want, err)
		}
	}
	o, err := parseFlags([]string{"--pod", "a", "--require-pod-state", "-s", "/st"})
	if err != nil || o.pod != "a" || !o.requireState || o.store != "/st" {
		t.Errorf("restore flags: %+v %v", o, err)
	}
}

func TestResolveSelector(t *testing.T) {
	root := t.TempDir()
	res, cfg, ws := filepath.Join(root, "res"), filepath.Join(root, "cfg"), filepath.Join(root, "ws", "sub")
	testenv.Write(t, filepath.Join(res, "nix", "profiles", "default.nix"), "{}")
	testenv.Write(t, filepath.Join(res, "nix", "profiles", "coder", "profile.nix"), "{}")
	testenv.Write(t, filepath.Join(cfg, "profiles.toml"), "default = \"mine\"\n[profile]\nmine = \"p/mine.nix\"\ncoder = { path = \"c.nix\" }\n")
	testenv.Write(t, filepath.Join(root, "ws", ".insomnia", "profiles.toml"), "[entries.proj]\npath = \"proj.nix\"\n")
	t.Setenv("INSOMNIA_RESOURCE_DIR", res)
	t.Setenv("INSOMNIA_CONFIG_DIR", cfg)
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"default":         "user:mine " + filepath.Join(cfg, "p", "mine.nix"),
		"builtin:coder":   "builtin:coder " + filepath.Join(res, "nix", "profiles", "coder", "profile.nix"),
		"proj":            "project:proj " + filepath.Join(root, "ws", ".insomnia", "proj.nix"),
		"path:x":          "path " + ws + "/x",
		"../a.nix":        "path " + ws + "/../a.nix",
		"coder":           "error ambiguous profile name `coder`",
		"user:none":       "error profile not found: user:none",
		"builtin:default": "builtin:default " + filepath.Join(res, "nix", "profiles", "default.nix"),
	}
	for sel, want := range cases {
		pf, err := resolveSelector(sel, ws)
		got := ""
		switch {
		case err != nil:
			got = "error " + err.Error()
		case pf.source["kind"] == "path":
			got = "path " + pf.path
		default:
			got = pf.source["source"].(string) + ":" + pf.source["name"].(string) + " " + pf.path
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s: got %q, want %q", sel, got, want)
		}
	}
	if pf, _ := resolveSelector("builtin:default", ws); pf.base != ws {
		t.Errorf("builtin base = %q, want the cwd", pf.base)
	}
}

func TestJoinPathsLexically(t *testing.T) {
	m := map[string]any{"scope": map[string]any{"allow": []any{map[string]any{"target": "."}, map[string]any{"target": "/abs"}}},
		"skills": map[string]any{"directories": []any{"s"}}, "memory": map[string]any{"extract_model": map[string]any{"auth": map[string]any{"file": "k"}}}}
	joinPaths(m, "/b")
	allow := m["scope"].(map[string]any)["allow"].([]any)
	if allow[0].(map[string]any)["target"] != "/b/." || allow[1].(map[string]any)["target"] != "/abs" ||
		m["skills"].(map[string]any)["directories"].([]any)[0] != "/b/s" {
		t.Errorf("joined: %v", m)
	}
	if m["memory"].(map[string]any)["extract_model"].(map[string]any)["auth"].(map[string]any)["file"] != "k" {
		t.Error("memory.extract_model.auth.file must not be joined (contract §2.4)")
	}
}
