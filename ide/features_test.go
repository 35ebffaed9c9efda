package ide

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// each maps xs by f (labels of completions, titles of lenses).
func each[T any](xs []T, f func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func labels(cs []Completion) []string { return each(cs, func(c Completion) string { return c.Label }) }

func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string // labels present
		insert     string   // the insert text of want[0]
	}{
		{"lib functions", "lib.$0", []string{"mkProfile", "secrets.ref"}, "mkProfile"},
		{"lib sub-chain", "lib.secrets.$0", []string{"ref"}, "ref"},
		{"secret ids", `model.auth = secrets.ref "op$0";`, []string{"op/anthropic", "github"}, "op/anthropic"},
		{"keys of a set", "compaction = { $0 };", []string{"worker_max_turns"}, "worker_max_turns"},
		{"enum values, quoted", "permissions = { default_action = $0 };", []string{"ask", "allow", "deny"}, `"ask"`},
		{"auth through the lib variable", "model.auth = $0;", []string{`lib.secrets.ref "github"`}, `lib.secrets.ref "github"`},
		{"right after a dot", "manifest = { worker.$0 };", []string{"reasoning", "max_turns"}, "reasoning"},
		{"right after a dot, no set yet", "manifest.worker.$0", []string{"reasoning"}, "reasoning"},
		{"right after a dot, nothing after", "manifest = {\n worker.$0", []string{"reasoning"}, "reasoning"},
		{"enum after = and a space", "manifest.worker.reasoning = $0", []string{"high", "low"}, `"high"`},
		{"right after a dot, above another binding", "manifest = {\n    worker.$0\n    model.ref = \"a\";\n  };", []string{"reasoning"}, "reasoning"},
		{"boolean after =", "manifest.session.record_event_trace = $0", []string{"true", "false"}, "true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "-- p.nix --\nlet lib = import ./l.nix { }; in\nlib.mkProfile {\n  " + tc.text + "\n}\n"
			src, path, pos := load(t, text)
			src.secretIDs = []string{"op/anthropic", "github"}
			cs := Completions(src, path, pos)
			got := labels(cs)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("completions %q lack %q", got, w)
				}
			}
			if i := slices.Index(got, tc.want[0]); i >= 0 && cs[i].Insert != tc.insert {
				t.Errorf("%q inserts %q, want %q", tc.want[0], cs[i].Insert, tc.insert)
			}
		})
	}
}

func TestCompletionNotInComments(t *testing.T) {
	src, path, pos := load(t, "-- p.nix --\n# lib.$0\n{ }\n")
	if cs := Completions(src, path, pos); slices.Contains(labels(cs), "mkProfile") {
		t.Errorf("lib completions inside a comment: %q", labels(cs))
	}
}

func TestDefinition(t *testing.T) {
	lib := "-- lib/profile-lib.nix --\n{ }:\nlet\n  secrets = {\n    ref = id: { ref = id; };\n  };\n  mkProfile = a: a;\nin { inherit secrets mkProfile; }\n"
	for _, tc := range []struct {
		name, use, file, def string // def: the text the location starts at in file
	}{
		{"let binding", "x$0 + 1", "p.nix", "x = 1"},
		{"lib function", "lib.mk$0Profile", "lib/profile-lib.nix", "mkProfile = a"},
		{"nested lib function", "lib.secrets.r$0ef", "lib/profile-lib.nix", "ref = id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "-- p.nix --\nlet lib = import ./lib/profile-lib.nix { }; x = 1; in\n{ a = " + tc.use + "; }\n" + lib
			src, path, pos := load(t, text)
			loc, ok := DefinitionAt(src, path, pos)
			file := ws + "/" + tc.file
			if !ok || loc.File != file || loc.Range.Start != src.rangeOf(t, file, tc.def).Start {
				t.Errorf("definition: %+v %v, want %s at %q", loc, ok, file, tc.def)
			}
		})
	}
}

func TestDefinitionOfImport(t *testing.T) {
	src, path, pos := load(t, "-- p.nix --\n{ m = import ./mo$0del.nix; }\n")
	if loc, ok := DefinitionAt(src, path, pos); !ok || loc.File != ws+"/model.nix" || loc.Range != (diagnostics.Range{}) {
		t.Errorf("definition of an import: %+v %v", loc, ok)
	}
}

func TestQuickFixGoesThroughTheLibVariable(t *testing.T) {
	for _, tc := range []struct{ name, text, lib string }{
		{"mkProfile's callee", "let lib = import ./l.nix { }; in\nlib.mkProfile {\n  model.auth = \"sk-ant-x$0\";\n}\n", "lib"},
		// A role built by a helper calls no mkProfile: the library is what
		// its preset is called on.
		{"a preset's callee", "let pl = import ./l.nix { }; in\n{ manifest = pl.semanticPresets.codingAssistant { } // {\n  model.auth = \"sk-ant-x$0\"; }; }\n", "pl"},
		{"an inherited lib", "let common = import ./common.nix; inherit (common) lib; in\ncommon.mkRole \"c\" {\n  model.auth = \"sk-ant-x$0\";\n}\n", "lib"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, path, _ := load(t, "-- p.nix --\n"+tc.text)
			lit := src.rangeOf(t, path, `"sk-ant-x"`)
			src.diags[path] = []diagnostics.Diagnostic{{File: path, Range: lit, Code: "plaintext-secret",
				Fix: &diagnostics.Fix{Title: `Replace with secrets.ref "anthropic"`, NewText: `secrets.ref "anthropic"`}}}
			fixes := QuickFixes(src, path, lit, func(diagnostics.Diagnostic) bool { return false })
			want := tc.lib + `.secrets.ref "anthropic"`
			if len(fixes) != 1 || fixes[0].NewText != want || fixes[0].Title != "Replace with "+want {
				t.Fatalf("fixes: %+v, want %s", fixes, want)
			}
			far := diagnostics.Range{Start: diagnostics.Pos{Line: 0}, End: diagnostics.Pos{Line: 0, Col: 1}}
			if fixes := QuickFixes(src, path, far, func(diagnostics.Diagnostic) bool { return false }); len(fixes) != 0 {
				t.Errorf("a fix offered far from its diagnostic: %+v", fixes)
			}
		})
	}
}

func TestProfileActions(t *testing.T) {
	src, path, _ := load(t, "-- p.nix --\n$0{ x = lib.mkProfile { }; }\n")
	if a := ProfileActions(src, path); len(a) != 1 || a[0].Title != "Add to project profiles" || a[0].Command.Name != CmdAddToProject {
		t.Errorf("actions of an unlisted profile: %+v", a)
	}
	src.reg = &registry.Registry{Entries: []registry.Entry{{Source: "project", Name: "p", Path: path}}}
	if a := ProfileActions(src, path); len(a) != 1 || a[0].Command.Name != CmdSetDefaultProfile {
		t.Errorf("actions of a listed profile: %+v", a)
	}
}

type pods []spawn.Pod

func (p pods) List(string, string) []spawn.Pod { return p }

func lensTitles(ls []Lens) []string { return each(ls, func(l Lens) string { return l.Title }) }

func TestLenses(t *testing.T) {
	text := "-- p.nix --\n$0let lib = import ./l.nix { }; in lib.mkProfile { }\n"
	for _, tc := range []struct {
		name      string
		listed    bool
		untrusted bool
		errs      int
		want      []string
	}{
		{"unlisted, 2 errors", false, false, 2, []string{"profile: path:p.nix", "Add to project profiles", "Spawn pod (fix 2 errors first)", "1 pod: coder-1 (stopped) — Resume"}},
		{"listed, ready", true, false, 0, []string{"profile: project:coder", "Set as default", "Spawn pod", "1 pod: coder-1 (stopped) — Resume"}},
		{"untrusted: no spawn", true, true, 0, []string{"profile: project:coder", "Set as default", "1 pod: coder-1 (stopped) — Resume"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, path, _ := load(t, text)
			// An unlisted profile is named relative to its project folder.
			src.reg = &registry.Registry{ProjectFile: "/ws/.insomnia/profiles.toml"}
			if tc.listed {
				src.reg.Entries = []registry.Entry{{Source: "project", Name: "coder", Path: path}}
			}
			src.untrusted = tc.untrusted
			src.dirs = registry.Dirs{Data: "/data", Runtime: "/run"}
			src.evaluated(path, `{}`, tc.errs, nil)
			ls := Lenses(src, path, pods{{Name: "coder-1", State: spawn.StateStopped,
				Source: &spawn.ProfileSource{Path: path}, Snapshot: json.RawMessage(`{}`)}})
			got := lensTitles(ls)
			if strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("lenses:\n got %q\nwant %q", got, tc.want)
			}
			if last := ls[len(ls)-1]; (last.Command == nil) != tc.untrusted {
				t.Errorf("pods lens command %+v (untrusted %v): untrusted lenses are labels", last.Command, tc.untrusted)
			}
		})
	}
}

// An empty file in .insomnia/ completes to a whole profile: a snippet with
// placeholders (and its plain form) importing the vendored library and
// scoped to the project folder.
func TestCompletionNewProfileTemplate(t *testing.T) {
	src, path, pos := load(t, "-- .insomnia/profiles/qa.nix --\n\n  $0\n")
	cs := Completions(src, path, pos)
	if len(cs) != 1 || cs[0].Label != "insomnia profile" {
		t.Fatalf("completions of an empty profile file: %q", labels(cs))
	}
	c := cs[0]
	for _, want := range []string{"import ../lib/profile-lib.nix { }", `name = "qa";`, `pod.name = "qa";`,
		`target = "../.."; permission = "read";`} {
		if !strings.Contains(c.Insert, want) {
			t.Errorf("plain template lacks %q:\n%s", want, c.Insert)
		}
	}
	if strings.Contains(c.Insert, "$") || nixsyntax.Parse([]byte(c.Insert)).HasSyntaxErrors() {
		t.Errorf("plain template is not plain Nix:\n%s", c.Insert)
	}
	if !strings.Contains(c.Snippet, `name = "${1:qa}";`) || !strings.Contains(c.Snippet, "${5|read,write|}") {
		t.Errorf("snippet lacks its placeholders:\n%s", c.Snippet)
	}
	if c.Range.Start != (diagnostics.Pos{}) || c.Range.End != pos {
		t.Errorf("template range %+v: want the blank text up to the cursor", c.Range)
	}
	for name, archive := range map[string]string{
		"outside .insomnia": "-- tools/qa.nix --\n$0\n",
		"not empty":         "-- .insomnia/qa.nix --\n{ $0 }\n",
	} {
		src, path, pos := load(t, archive)
		if cs := Completions(src, path, pos); slices.Contains(labels(cs), "insomnia profile") {
			t.Errorf("%s: template offered", name)
		}
	}
}
