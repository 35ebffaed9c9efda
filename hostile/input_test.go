package hostile

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Cases where the text itself is the hostile part.

func TestDeeplyNestedExpression(t *testing.T) {
	c := start(t, caseOpts{})
	const depth = 100000
	text := profile(t, "  pod.name = "+strings.Repeat("[ ", depth)+strings.Repeat("] ", depth)+";\n")
	path := c.open("nested.nix", text)
	c.expect(path, "syntax-error", "nested too deeply")
	// Nesting under the guard goes to Nix: whatever it says, it says it
	// on this file and the server lives.
	mid := c.open("nested-ok.nix", profile(t, "  pod.name = "+strings.Repeat("(", 3000)+"\"p\""+strings.Repeat(")", 3000)+";\n"))
	if err := c.p.WaitFor(awaitLong, func() bool { s := lastState(c.p, mid); return s == "ok" || s == "error" }); err != nil {
		t.Errorf("3,000 nested parentheses never finished evaluating: %s", describeStates(c.p))
	}
	c.healthy(path)
}

func TestTenMegabyteFile(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"timeoutMs": 30000}}})
	var b strings.Builder
	for i := 0; b.Len() < 10<<20; i++ {
		fmt.Fprintf(&b, "  # padding line %d of a ten-megabyte profile, with some words to make it long enough\n", i)
	}
	text := profile(t, b.String()+"  pod.name = \"big\";\n")
	path := c.open("ten-mb.nix", text)
	// Over limits.MaxProfileBytes: refused with one diagnostic, not parsed
	// or evaluated.
	c.expect(path, "file-too-large", "file is 10.0 MiB, over the 4 MiB limit")
	testenv.Write(t, path, profile(t, "  pod.name = \"small\";\n"))
	if err := c.p.CloseDoc(path); err != nil {
		t.Fatal(err)
	}
	c.healthy(path)
}

// TestLongStringLiteral: a 3.5 MB string literal in a profile (under the
// 4 MiB limit on profiles).
func TestLongStringLiteral(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"timeoutMs": 30000}}})
	text := profile(t, "  pod.name = \"long\";\n  description = \""+strings.Repeat("d", 7<<19)+"\";\n")
	path := c.open("long-string.nix", text)
	c.bigProfileHealthy(path, "long")
}

// bigProfileHealthy: a big valid profile evaluates ok and hovers; once
// closed (and shrunk on disk) the server's memory is back near baseline.
func (c *hcase) bigProfileHealthy(path, pod string) {
	t := c.t
	t.Helper()
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		ds, _ := c.p.Diagnostics(path)
		t.Fatalf("a big valid profile does not evaluate ok: %s %s", describeStates(c.p), describe(ds))
	}
	if h, err := c.p.Hover(path, 0, 0); err != nil || !strings.Contains(h, pod) {
		t.Errorf("hover on the big profile: %v %.200q", err, h)
	}
	rss, _, _ := c.p.Memory()
	t.Logf("RSS with the big profile open: %d MiB (baseline %d MiB)", rss>>10, c.baseRSS>>10)
	testenv.Write(t, path, profile(t, "  pod.name = \"small\";\n"))
	if err := c.p.CloseDoc(path); err != nil {
		t.Fatal(err)
	}
	c.healthy(path)
}

func TestBinaryGarbageAndInvalidUTF8(t *testing.T) {
	c := start(t, caseOpts{})
	garbage := make([]byte, 0, 64<<10)
	for i := 0; len(garbage) < cap(garbage); i++ {
		garbage = append(garbage, byte(i*131+i/7)) // every byte value, invalid UTF-8 included
	}
	// On disk, for Nix and discovery. Inside a project's .insomnia folder:
	// the server's features are for profiles and files there (garbage is
	// not recognisably a profile; elsewhere it would get nothing at all).
	testenv.Write(t, filepath.Join(c.root, ".insomnia", "profiles.toml"), "")
	disk := testenv.Write(t, filepath.Join(c.root, ".insomnia", "profiles", "garbage.nix"), "let lib = import "+lib(t)+" { }; in lib.mkProfile {\n"+string(garbage)+"\n}\n")
	// In the editor, byte for byte inside the JSON string (encoding/json
	// would replace invalid UTF-8, a real client may not).
	body := fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"nix","version":1,"text":"`,
		string(uri.File(disk)))
	raw := append([]byte(body), jsonStringBytes(garbage)...)
	raw = append(raw, `"}}}`...)
	if err := c.p.WriteFrame(raw); err != nil {
		t.Fatal(err)
	}
	c.expect(disk, "syntax-error")
	// A valid profile whose string holds invalid UTF-8: Nix prints it.
	bad := c.open("bad-utf8.nix", profile(t, "  pod.name = \"p\";\n  description = \"\xff\xfe\xc0\x80 \x00 end\";\n"))
	if err := c.p.WaitFor(awaitLong, func() bool { s := lastState(c.p, bad); return s == "ok" || s == "error" }); err != nil {
		t.Errorf("a string with invalid UTF-8 never finished evaluating: %s", describeStates(c.p))
	}
	c.healthy(disk)
}

// jsonStringBytes escapes only what JSON requires (quote, backslash,
// control characters) and passes every other byte through unchanged.
func jsonStringBytes(b []byte) []byte {
	var out []byte
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20:
			out = append(out, fmt.Sprintf(`\u%04x`, c)...)
		default:
			out = append(out, c)
		}
	}
	return out
}

func TestTenThousandChanges(t *testing.T) {
	c := start(t, caseOpts{})
	base := profile(t, "  pod.name = \"p\";\n  web.search.provider = \"brave\";\n")
	path := c.open("typed.nix", base)
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		t.Fatalf("the profile does not evaluate: %s", describeStates(c.p))
	}
	before := len(c.p.Statuses())
	line := strings.Count(base[:strings.Index(base, "  web.search")], "\n")
	at := lspproc.Position{Line: line}
	next := lspproc.Position{Line: line + 1}
	const n = 10000
	for i := 1; i <= n; i++ {
		if _, err := c.p.Edit(path, at, next, fmt.Sprintf("  web.search.provider = \"flood%05d\";\n", i)); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
	}
	last := fmt.Sprintf("\"flood%05d\"", n)
	ds, err := c.p.AwaitDiagnostics(path, awaitLong, func(ds []lspproc.Diag) bool {
		return len(ds) == 1 && ds[0].Code() == "unknown-enum" && strings.Contains(ds[0].Message, last)
	})
	if err != nil {
		t.Fatalf("the last of %d edits does not win: %s", n, describe(ds))
	}
	evals := 0
	for _, s := range c.p.Statuses()[before:] {
		if s.Path == path && s.State == "evaluating" {
			evals++
		}
	}
	// The edits arrive far faster than the debounce: a handful of
	// evaluations, not thousands.
	if evals > 20 {
		t.Errorf("%d evaluations for %d edits", evals, n)
	}
	t.Logf("%d edits, %d evaluations started", n, evals)
	time.Sleep(500 * time.Millisecond)
	c.healthy(path)
}
