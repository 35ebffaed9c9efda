package testenv

import (
	"fmt"
	"math/rand"
	"strings"
)

// TableProfile is the shape of the stdio benchmark's profile
// (cmd/insomnia-lsp-bench): a let-bound table of n small attribute sets
// and a short manifest; dup is the same text with one duplicate entry
// (the bench's keystroke toggles between the two).
func TableProfile(n int) (text, dup string) {
	var b strings.Builder
	b.WriteString("let\n  lib = import ./profile-lib.nix { };\n  table = {\n")
	head := b.Len()
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "    e%04d = { label = \"entry %d\"; weight = %d; tags = [ \"t%d\" \"bench\" ]; };\n", i, i, i%7, i%5)
	}
	b.WriteString("  };\nin\nlib.mkProfile {\n  name = \"bench\";\n  pod.name = \"bench\";\n  model.ref = \"anthropic/claude-sonnet-4\";\n}\n")
	text = b.String()
	dup = text[:head] + "    e0001 = { label = \"duplicate\"; weight = 0; tags = [ ]; };\n" + text[head:]
	return text, dup
}

// RandomEdit is one of the edits typing makes to s: a character typed or
// deleted anywhere, a line duplicated or removed, a binding added, a
// letter or digit replaced, a character typed inside a string literal.
// Many break the syntax (a quote or brace typed), as typing does.
func RandomEdit(r *rand.Rand, s string) string {
	at := r.Intn(len(s) + 1)
	switch r.Intn(10) {
	case 0, 1:
		const typed = "ab =;{}\"'$.#\n 1"
		return s[:at] + string(typed[r.Intn(len(typed))]) + s[at:]
	case 2, 3:
		if at < len(s) {
			return s[:at] + s[at+1:]
		}
	case 4:
		ls, le := lineAround(s, at)
		return s[:ls] + s[ls:le] + s[ls:]
	case 5:
		ls, le := lineAround(s, at)
		return s[:ls] + s[le:]
	case 6: // a new name at a line's start
		ls, _ := lineAround(s, at)
		return s[:ls] + "    x" + fmt.Sprint(r.Intn(3)) + " = 1;\n" + s[ls:]
	case 7:
		if q := strings.IndexByte(s[at:], '"'); q >= 0 {
			return s[:at+q+1] + "k" + s[at+q+1:]
		}
	case 8, 9: // the syntax mostly survives these
		if at < len(s) && isWordByte(s[at]) {
			return s[:at] + string("x7"[r.Intn(2)]) + s[at+1:]
		}
	}
	return s
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// lineAround is the line holding offset at, its newline included.
func lineAround(s string, at int) (int, int) {
	ls := strings.LastIndexByte(s[:at], '\n') + 1
	le := strings.IndexByte(s[at:], '\n')
	if le < 0 {
		return ls, len(s)
	}
	return ls, at + le + 1
}
