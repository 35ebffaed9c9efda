package markdown

import (
	"strings"
	"testing"
)

const key = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"

func TestTextIsInert(t *testing.T) {
	got := Text("see ![x](http://127.0.0.1/a.png) <img src=x> **b** `c`\n# h " + key)
	t.Log(got)
	for i := 0; i < len(got); i++ {
		if got[i] == '\\' {
			i++ // an escape and what it escapes
		} else if isSpecial(got[i]) {
			t.Errorf("unescaped %q at %d in %q", got[i], i, got)
		}
	}
	for _, bad := range []string{"![", "](", "**", "\n", "`c`", key[4:], "ant-api03"} {
		if strings.Contains(got, bad) {
			t.Errorf("escaped text %q holds %q", got, bad)
		}
	}
	if !strings.Contains(got, `\!\[x\]\(http://127.0.0.1/a.png\)`) {
		t.Errorf("the image is not escaped character by character: %q", got)
	}
}

func TestCodeFenceCannotBreak(t *testing.T) {
	for _, s := range []string{"a`b", "``x``", "`", ""} {
		c := Code(s)
		fence := c[:strings.IndexFunc(c, func(r rune) bool { return r != '`' })]
		if n := longestRun(strings.Trim(c, "`"), '`'); n >= len(fence) {
			t.Errorf("Code(%q) = %q: a run of %d inside a fence of %d", s, c, n, len(fence))
		}
	}
	b := Block("json", "```\n\"````\"\n"+key)
	if !strings.HasPrefix(b, "`````json\n") || !strings.HasSuffix(b, "\n`````") || strings.Contains(b, key[4:]) {
		t.Errorf("Block: %q", b)
	}
}
