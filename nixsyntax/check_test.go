package nixsyntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// summary renders diagnostics as "code@line:col" (1-based) for comparison.
func summary(ds []diagnostics.Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s@%d:%d", d.Code, d.Range.Start.Line+1, d.Range.Start.Col+1))
	}
	return strings.Join(out, " ")
}

func TestChecks(t *testing.T) {
	tests := []struct{ src, want string }{
		{"x: y", "unused-formal@1:1 undefined-variable@1:4"},
		{"x: x", ""},
		{"_x: 1", ""},
		{"{ a, b, ... }@args: a", "unused-formal@1:6 unused-formal@1:15"},
		{"{ a, a }: a", "duplicate-formal@1:6"},
		{"a@{ a }: a", "duplicate-formal@1:1"},
		{"{ a ? b, b ? 1 }: a", ""},
		{"let a = 1; b = 2; in a", "unused-binding@1:12"},
		{"let _a = 1; in 2", ""},
		{"let a = b; b = a; in a", ""},
		{"let inherit (x) y; in y", "undefined-variable@1:14"},
		{"let x = 1; inherit x; in x", "duplicate-attribute@1:20 undefined-variable@1:20"},
		{"let x = 1; in let inherit x; in x", ""},
		{"{ a = 1; a = 2; }", "duplicate-attribute@1:10"},
		{"{ a.b = 1; a = { c = 1; }; }", ""},
		{"{ a.b = 1; a = { b = 1; }; }", "duplicate-attribute@1:18"},
		{"{ a = 1; a.b = 2; }", "duplicate-attribute@1:10"},
		{"{ a.b = 1; a.b.c = 2; }", "duplicate-attribute@1:12"},
		{"{ a = { b = 1; }; a = { c = 1; }; }", ""},
		{"{ a = ({ b = 1; }); a.c = 2; }", ""},
		{"{ x = 1; inherit x; }", "duplicate-attribute@1:18 undefined-variable@1:18"},
		{"let x = 1; in { inherit x; x = 2; }", "duplicate-attribute@1:28"},
		{"{ \"a\" = 1; a = 2; }", "duplicate-attribute@1:12"},
		{"{ ${\"a\"} = 1; a = 2; }", "duplicate-attribute@1:15"},
		{"{ ${x} = 1; }", "undefined-variable@1:5"},
		{"let ${\"a\"} = 1; in a", ""},
		{"let a = 1; \"${a}\" = 2; in a", "syntax-error@1:12"},
		{"{ inherit \"${a}\"; }", "syntax-error@1:11"},
		{"rec { a = b; b = 1; }", ""},
		{"{ a = b; b = 1; }", "undefined-variable@1:7"},
		{"with builtins; y", ""}, {"with x; y", "undefined-variable@1:6"},
		{"with {}; let a = y; in a", ""},
		{"let a = 1; in with {}; a", ""},
		{"[ true false null builtins.map import map __curPos __add fetchTree ]", ""},
		{"{ a = rec { b = c; }; a.c = b; }", ""},
		{"let { a = 1; body = a; }", ""},
		{"x: let a = x; in a or 1", "undefined-variable@1:20"},
	}
	for _, tt := range tests {
		f := Parse([]byte(tt.src))
		if f.HasSyntaxErrors() && !strings.Contains(tt.want, "syntax-error") {
			t.Errorf("%q: syntax errors %v", tt.src, f.SyntaxDiagnostics(""))
			continue
		}
		if got := summary(f.Diagnostics("x.nix")); got != tt.want {
			t.Errorf("%q:\n got  %s\n want %s", tt.src, got, tt.want)
		}
	}
}

func TestDuplicateHasRelatedAndSeverities(t *testing.T) {
	f := Parse([]byte("let\n  a = 1;\n  a = 2;\nin x: a"))
	ds := f.Diagnostics("/p/x.nix")
	var dup, formal *diagnostics.Diagnostic
	for i := range ds {
		switch ds[i].Code {
		case CodeDuplicateAttr:
			dup = &ds[i]
		case CodeUnusedFormal:
			formal = &ds[i]
		}
	}
	if dup == nil || len(dup.Related) != 1 || dup.Related[0].Location.Range.Start.Line != 1 ||
		dup.Related[0].Location.File != "/p/x.nix" || dup.Severity != diagnostics.Error {
		t.Errorf("duplicate diagnostic wrong: %+v", dup)
	}
	if formal == nil || formal.Severity != diagnostics.Hint {
		t.Errorf("unused formal should be a hint: %+v", formal)
	}
}
