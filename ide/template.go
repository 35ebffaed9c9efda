package ide

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// profileSnippet is the new-profile template, in LSP snippet syntax: $1 the
// name (mirrored into pod.name), then the description, the model, the
// scope's target and permission. {{lib}}, {{name}} and {{project}} are
// filled from the file's place first (they contain no snippet syntax).
const profileSnippet = `let
  lib = import {{lib}} { };
in
lib.mkProfile {
  name = "${1:{{name}}}";
  description = "${2:What this profile is for}";
  manifest = {
    pod.name = "${1:{{name}}}";
    model.ref = "${3:anthropic/claude-sonnet-4-20250514}";
    # Relative paths are relative to this file: "{{project}}" is the project folder.
    scope.allow = [
      { target = "${4:{{project}}}"; permission = "${5|read,write|}"; recursive = true; }
    ];
  };$0
}
`

var (
	placeholder = regexp.MustCompile(`\$\{\d+:([^}]*)\}`)
	choice      = regexp.MustCompile(`\$\{\d+\|([^,|]*)[^}]*\}`)
)

// plainText is a snippet with every placeholder replaced by its default
// and every choice by its first option, for clients without snippets.
func plainText(snippet string) string {
	s := placeholder.ReplaceAllString(snippet, "$1")
	s = choice.ReplaceAllString(s, "$1")
	return strings.ReplaceAll(s, "$0", "")
}

// templateCompletions offers a whole new profile in an empty .nix file
// inside a project's .insomnia folder (a blank file there is ours, but no
// profile yet, so nothing else applies).
func templateCompletions(path string, text []byte, pos diagnostics.Pos) []Completion {
	insomnia, ok := insomniaDir(path)
	if !ok || strings.TrimSpace(string(text)) != "" {
		return nil
	}
	dir := filepath.Dir(path)
	lib, _ := filepath.Rel(dir, filepath.Join(insomnia, "lib", "profile-lib.nix"))
	project, _ := filepath.Rel(dir, filepath.Dir(insomnia))
	snippet := strings.NewReplacer("{{lib}}", nixPath(lib), "{{name}}", templateName(path),
		"{{project}}", filepath.ToSlash(project)).Replace(profileSnippet)
	r := diagnostics.Range{End: pos} // the blank text before the cursor too
	c := item("insomnia profile", KindModule, "new profile (lib.mkProfile)",
		"A complete profile: name, description, model, scope. List it in `profiles.toml` to give it a name.",
		plainText(snippet), r)
	c.Snippet = snippet
	return []Completion{c}
}

// insomniaDir is the nearest enclosing .insomnia folder of path.
func insomniaDir(path string) (string, bool) {
	for d := filepath.Dir(filepath.Clean(path)); ; d = filepath.Dir(d) {
		if filepath.Base(d) == ".insomnia" {
			return d, true
		}
		if d == filepath.Dir(d) {
			return "", false
		}
	}
}

// nixPath writes a relative path as a Nix path literal (./x or ../x).
func nixPath(rel string) string {
	rel = filepath.ToSlash(rel)
	if strings.HasPrefix(rel, "../") {
		return rel
	}
	return "./" + rel
}

// templateName is the file's base name kept to letters, digits, '.', '_'
// and '-' (it goes into a Nix string and a snippet), else "main".
func templateName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), ".nix")
	keep := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return -1
	}, base)
	if keep == "" {
		return "main"
	}
	return keep
}
