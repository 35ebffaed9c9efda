package ide

import (
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

const profileFixture = `
-- p.nix --
let lib = import ./lib/profile-lib.nix { }; in
lib.mkProfile {
  name = "t";
  model = import ./model.nix;
  compaction.worker_max_turns = 7;
  permissions = { default_action = "ask"; };
}
`

const displayJSON = `{"compaction":{"worker_max_turns":7},"model":{"scheme":"anthropic"},"permissions":{"default_action":"ask"}}`

// withCursor puts the $0 marker before the first needle of file name in a fixture.
func withCursor(archive, needle string) string {
	return strings.Replace(archive, needle, "$0"+needle, 1)
}

func TestHover(t *testing.T) {
	for _, tc := range []struct {
		name, at string   // the cursor is put before at
		errs     int      // errors of the made-up evaluation
		want     []string // the markdown contains each
		span     string   // the hovered range's text ("" = no range)
	}{
		{"lib function", "mkProfile {", 0, []string{"```nix\n", "_profile-lib_ `mkProfile`"}, "lib.mkProfile"},
		{"attribute with resolved value", "worker_max_turns", 0,
			[]string{"**`compaction.worker_max_turns`**", "resolved value:\n```json\n7\n```"}, "worker_max_turns"},
		{"enum field", "default_action", 0, []string{"**`permissions.default_action`**", "values: `", "\"ask\""}, "default_action"},
		{"whole profile on line 0", "let lib", 0, []string{"**profile** `path:p.nix` · ok", "snapshot `sha256:abc`", "\"worker_max_turns\": 7"}, ""},
		{"failed evaluation: the note", "let lib", 2, []string{"· error", "_2 manifest errors; see the diagnostics_"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, path, pos := load(t, withCursor(profileFixture, tc.at))
			src.evaluated(path, displayJSON, tc.errs, nil)
			h, ok := HoverAt(src, path, pos)
			if !ok {
				t.Fatal("no hover")
			}
			for _, w := range tc.want {
				if !strings.Contains(h.Markdown, w) {
					t.Errorf("hover lacks %q:\n%s", w, h.Markdown)
				}
			}
			if got := spanText(src, path, h.Range); got != tc.span {
				t.Errorf("hover range covers %q, want %q", got, tc.span)
			}
		})
	}
}

func spanText(src *fake, path string, r *diagnostics.Range) string {
	if r == nil {
		return ""
	}
	text := src.files[path]
	lines := diagnostics.NewLines([]byte(text))
	return text[lines.Offset(r.Start):lines.Offset(r.End)]
}

// An imported file's attributes are found in the manifest through the
// importing profile's position map (where its top-level set lands), and
// the hover says which file set a value shown from the profile.
func TestHoverImportedFile(t *testing.T) {
	archive := profileFixture + "-- model.nix --\n{\n  scheme = \"anthropic\";\n}\n"
	src, model, pos := load(t, strings.Replace(archive, "scheme =", "sche$0me =", 1))
	profile := ws + "/p.nix"
	src.deps[model] = []string{profile}
	at := src.rangeOf(t, model, "scheme")
	src.evaluated(profile, displayJSON, 0, diagnostics.PosMap{"/manifest/model/scheme": {File: model, Range: at}})
	h, ok := HoverAt(src, model, pos)
	if !ok || !strings.Contains(h.Markdown, "**`model.scheme`**") || !strings.Contains(h.Markdown, "\"anthropic\"") {
		t.Fatalf("hover in the imported file: %v\n%s", ok, h.Markdown)
	}
	src2, path, pos2 := load(t, withCursor(archive, "model = import"))
	src2.evaluated(path, displayJSON, 0, diagnostics.PosMap{"/manifest/model/scheme": {File: model, Range: at}})
	if h, _ := HoverAt(src2, path, pos2); !strings.Contains(h.Markdown, "values from `model.nix`") {
		t.Errorf("hover on model does not name the file its values come from:\n%s", h.Markdown)
	}
}

func TestHoverNotAProfile(t *testing.T) {
	src, path, pos := load(t, "-- x.nix --\n{ a$0 = 1; }\n")
	if h, ok := HoverAt(src, path, pos); ok {
		t.Errorf("hover in a file that is no profile: %q", h.Markdown)
	}
}

// The whole-profile hover names the fields that come from the builtin
// defaults (shown in the JSON, not written by the profile) and has no
// empty lines beyond the one between parts.
func TestHoverProfileMarksDefaults(t *testing.T) {
	src, path, pos := load(t, "-- p.nix --\n$0lib.mkProfile { worker.file_upload.max_bytes = 1; }\n")
	display := `{"worker":{"file_upload":{"max_bytes":1},"tool_output":{"default_max_bytes":65536}}}`
	src.evaluated(path, display, 0, diagnostics.PosMap{
		"/manifest/worker/file_upload/max_bytes": {File: path}})
	h, _ := HoverAt(src, path, pos)
	if !strings.Contains(h.Markdown, "from defaults (not written by the profile): `worker.tool_output.default_max_bytes`\n") ||
		strings.Contains(h.Markdown, "`worker.file_upload.max_bytes`") {
		t.Errorf("defaults not marked (or a written field marked):\n%s", h.Markdown)
	}
	if strings.Contains(h.Markdown, "\n\n\n") {
		t.Errorf("hover has empty lines:\n%q", h.Markdown)
	}
}

// On a secret id the hover says whether the store has it.
func TestHoverSecretID(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"op/anthropic", "github"}, "**secret** `github` · in the secret store"},
		{[]string{"op/anthropic"}, "**secret** `github` · not in the secret store (known ids: `op/anthropic`)"},
		{nil, "the secret store could not be read"},
	} {
		src, path, pos := load(t, "-- p.nix --\nlet lib = import ./l.nix { }; in\nlib.mkProfile {\n  model.auth = lib.secrets.ref \"git$0hub\";\n}\n")
		src.secretIDs = tc.ids
		h, ok := HoverAt(src, path, pos)
		if !ok || !strings.Contains(h.Markdown, tc.want) || h.Range == nil {
			t.Errorf("ids %q: hover %q, want %q", tc.ids, h.Markdown, tc.want)
		}
	}
}
