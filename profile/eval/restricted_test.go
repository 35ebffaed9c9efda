package eval

import (
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Nix 2.8's restricted-mode errors get the explanation at the end of the
// first line; other errors and other kinds are left alone.
func TestExplainRestricted(t *testing.T) {
	cases := map[string]string{
		"access to absolute path '/etc/passwd' is forbidden in restricted mode":              "reading files outside",
		"access to URI 'http://127.0.0.1:1/x' is forbidden in restricted mode":               "network access",
		"file 'nixpkgs' was not found in the Nix search path (add it using $NIX_PATH or -I)": "<nixpkgs>",
		"undefined variable 'x'": "",
	}
	for msg, allows := range cases {
		f := &Failure{Kind: diagnostics.CodeNixError, Message: msg + "\nsecond line"}
		explainRestricted(f)
		first, rest, _ := strings.Cut(f.Message, "\n")
		if rest != "second line" {
			t.Errorf("%q: the rest of the message changed: %q", msg, rest)
		}
		switch {
		case allows == "" && first != msg:
			t.Errorf("%q got a hint: %q", msg, first)
		case allows != "" && !strings.HasSuffix(first, ")") || allows != "" && !strings.Contains(first, RestrictedHint+allows):
			t.Errorf("%q: first line %q lacks %q", msg, first, RestrictedHint+allows)
		}
	}
	timeout := &Failure{Kind: diagnostics.CodeTimeout, Message: "in restricted mode"}
	if explainRestricted(timeout); timeout.Message != "in restricted mode" {
		t.Errorf("a timeout got the hint: %q", timeout.Message)
	}
}
