package registry

import (
	"strconv"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// analyzeWorld: builtin default + coder, a user registry, a project dir.
func analyzeWorld(t *testing.T) (*world, *Registry) {
	w := newWorld(t)
	w.write("res/nix/profiles/default.nix", "{}")
	w.write("res/nix/profiles/coder.nix", "{}")
	w.write("home/.config/insomnia/mine.nix", "{}")
	w.write(userToml, "[profile]\nmine = \"mine.nix\"\n")
	w.write("home/proj/.insomnia/profiles/coder.nix", "{}")
	w.write("home/proj/.insomnia/profiles/rev.nix", "{}")
	w.write(projToml, "[profile]\ncoder = \"profiles/coder.nix\"\n")
	return w, w.mustDiscover()
}

func codesAt(ds []diagnostics.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code+"@"+itoa(d.Range.Start.Line)+":"+itoa(d.Range.Start.Col))
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestAnalyzeRegistryFile(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // code@line:col in order
		severity   []diagnostics.Severity
	}{
		{"clean", "default = \"coder\"\n[profile]\ncoder = \"profiles/coder.nix\"\nrev = \"profiles/rev.nix\"\n", []string{"registry-duplicate-name@2:0"}, []diagnostics.Severity{diagnostics.Information}},
		{"syntax error", "default = \"coder\"\n[profile\n", []string{"toml-syntax@1:8"}, []diagnostics.Severity{diagnostics.Error}},
		{"missing file", "[profile]\nrev = \"profiles/rev.nix\"\ngone = \"profiles/gone.nix\"\n", []string{"registry-missing-file@2:7"}, []diagnostics.Severity{diagnostics.Error}},
		{"bad entry", "[profile]\nrev = 3\n[profile.t]\ndescription = \"x\"\n", []string{"registry-invalid-entry@1:0", "registry-invalid-entry@2:9"}, []diagnostics.Severity{diagnostics.Error, diagnostics.Error}},
		{"removed alias and unknown keys", "[alias]\nr = \"rev\"\n[profile.rev]\npath = \"profiles/rev.nix\"\ncolor = \"red\"\n", []string{"registry-unknown-key@4:0", "registry-unknown-key@0:1"}, []diagnostics.Severity{diagnostics.Warning, diagnostics.Warning}},
		{"default resolves to nothing", "default = \"nope\"\n", []string{"default-unresolved@0:10"}, []diagnostics.Severity{diagnostics.Error}},
		{"default in another source", "default = \"user:mine\"\n", nil, nil},
		{"default ambiguous", "default = \"builtin:dup\"\n", []string{"default-ambiguous@0:10"}, []diagnostics.Severity{diagnostics.Error}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, reg := analyzeWorld(t)
			if c.name == "default ambiguous" {
				w.write("res/nix/profiles/dup.nix", "{}")
				w.write("res/nix/profiles/dup/profile.nix", "{}")
				reg = w.mustDiscover()
			}
			ds := AnalyzeRegistryFile(w.path(projToml), []byte(c.text), reg)
			got := codesAt(ds)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Fatalf("got %v\nwant %v\n%+v", got, c.want, ds)
			}
			for i, d := range ds {
				if d.Severity != c.severity[i] || d.File != w.path(projToml) || d.Message == "" {
					t.Fatalf("diagnostic %d: %+v", i, d)
				}
			}
		})
	}
}

func TestAnalyzeUserDefaultOverridden(t *testing.T) {
	w, _ := analyzeWorld(t)
	w.write(projToml, "default = \"coder\"\n[profile]\ncoder = \"profiles/coder.nix\"\n")
	reg := w.mustDiscover()
	ds := AnalyzeRegistryFile(w.path(userToml), []byte("default = \"mine\"\n[profile]\nmine = \"mine.nix\"\n"), reg)
	if got := strings.Join(codesAt(ds), " "); got != CodeDefaultShadow+"@0:10" {
		t.Fatalf("got %s", got)
	}
}

func TestAnalyzeSeesUnsavedEntries(t *testing.T) {
	// The default names an entry that exists only in the unsaved text.
	w, reg := analyzeWorld(t)
	ds := AnalyzeRegistryFile(w.path(projToml), []byte("default = \"rev\"\n[profile]\nrev = \"profiles/rev.nix\"\n"), reg)
	if len(ds) != 0 {
		t.Fatalf("got %+v", ds)
	}
}

func TestEntryPositionsInEveryTomlForm(t *testing.T) {
	text := "profile.dot = \"d.nix\"\nprofile.inl = { path = \"i.nix\" }\n[profile.tab]\npath = \"t.nix\"\n[profile.sub]\nx.y = 1\n[profile.deep]\nmeta.path = \"m\"\n"
	doc := parseRegistry([]byte(text))
	got := map[string]string{}
	for _, e := range doc.Entries {
		got[e.Name] = text[e.Key.Start:e.Key.End] + "|" + text[e.PathSpan.Start:e.PathSpan.End]
	}
	want := map[string]string{"dot": "dot|\"d.nix\"", "inl": "inl|\"i.nix\"", "tab": "tab|\"t.nix\"", "sub": "sub|", "deep": "deep|"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q want %q", k, got[k], v)
		}
	}
	// sub and deep have no string path: upstream rejects them.
	if len(doc.Problems) != 2 || doc.Problems[0].Code != "registry-invalid-entry" {
		t.Fatalf("problems %+v", doc.Problems)
	}
}
