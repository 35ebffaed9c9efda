package textsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain/path.nix", "plain/path.nix"},
		{"ünïcødé 名前", "ünïcødé 名前"},
		{"a\n::warning file=x::pwned", `a\n::warning file=x::pwned`},
		{"cr\rlf\ttab", `cr\rlf\ttab`},
		{"\x1b[31mred\x07", `\x1b[31mred\x07`},
		{"del\x7f", `del\x7f`},
		{"nel\u0085csi\u009b", `nel\u0085csi\u009b`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`},
		{"rlo\u202eoll\u2066", `rlo\u202eoll\u2066`},
		{"bad\xffutf8", `bad\xffutf8`},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Whatever the input, the output has no character a terminal or a log
// parser treats as a control.
func TestEscapeLeavesNoControl(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	all.WriteString("\xff\xfe")
	for _, r := range Escape(all.String()) {
		if unsafe(r) || r == 0xfffd {
			t.Fatalf("escaped text still has %U", r)
		}
	}
}

func TestEscapeJSON(t *testing.T) {
	in, _ := json.MarshalIndent(map[string]string{"k": "a\u0085b\u202ec\x7fd\u00e9"}, "", "  ")
	got := EscapeJSON(in)
	want := "{\n  \"k\": \"a\\u0085b\\u202ec\\u007fdé\"\n}"
	if string(got) != want {
		t.Fatalf("EscapeJSON = %q, want %q", got, want)
	}
	var back, orig map[string]string
	if json.Unmarshal(got, &back) != nil || json.Unmarshal(in, &orig) != nil || back["k"] != orig["k"] {
		t.Errorf("escaped JSON does not mean the same: %q vs %q", back, orig)
	}
}
