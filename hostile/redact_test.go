package hostile

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Cases where a key is pasted where no string is: as a bare name in a
// profile, into profiles.toml, or printed by the pod program. Every frame,
// the server's stderr and its log are scanned for the canary (past the four
// characters of its mask) by the harness (finish); these cases also assert
// the plaintext-secret diagnostic and that each channel carried the mask,
// so the scan is not vacuous.

// canaryMask is what a redacted canary looks like: the first four
// characters and the length.
func canaryMask() string { return fmt.Sprintf("%s…(%d chars)", canary[:4], len(canary)) }

// TestUnquotedKeyInProfile: the canary as a value (undefined variable), as
// a let binding (unused binding) and as an attribute name (a symbol).
func TestUnquotedKeyInProfile(t *testing.T) {
	c := start(t, caseOpts{})
	value := c.open("value.nix", profile(t, "  pod.name = \"v\";\n  model.auth = "+canary+";\n"))
	binding := c.open("binding.nix", "let "+canary+" = 1; in\n"+profile(t, "  pod.name = \"b\";\n"))
	attr := c.open("attr.nix", profile(t, "  pod.name = \"a\";\n  "+canary+" = 1;\n"))
	for _, p := range []string{value, binding, attr} {
		d := c.expect(p, "plaintext-secret", canaryMask())
		if d.Range.Start.Line == 0 && p != binding {
			t.Errorf("%s: plaintext-secret at line 0, want the pasted key's line", filepath.Base(p))
		}
	}
	c.expect(value, "undefined-variable", canaryMask())
	c.expect(binding, "unused-binding", canaryMask())
	for _, p := range []string{value, binding, attr} {
		if err := c.p.WaitFor(awaitLong, func() bool { s := lastState(c.p, p); return s == "ok" || s == "error" }); err != nil {
			t.Errorf("%s never finished evaluating: %s", filepath.Base(p), describeStates(c.p))
		}
	}
	raw, err := c.p.Call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]string{"uri": uriOf(attr)}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), canary[:4]+"…") {
		t.Errorf("the attribute's symbol is not shown masked: %.300s", raw)
	}
	for line := 0; line < 8; line++ {
		for _, p := range []string{value, binding, attr} {
			if _, err := c.p.Hover(p, line, 4); err != nil {
				t.Errorf("hover %s:%d: %v", filepath.Base(p), line, err)
			}
		}
	}
	c.healthy(attr)
	if !strings.Contains(testenv.ReadText(t, value), canary[4:]) {
		t.Fatal("the profile on disk lacks the canary: the check proves nothing")
	}
}

// registryWithKeys is a project profiles.toml with the canary as an entry
// path and in a description, next to an entry whose description embeds a
// remote image.
func registryWithKeys(t *testing.T, root string) string {
	testenv.Write(t, filepath.Join(root, ".insomnia", "good.nix"), profile(t, "  pod.name = \"good\";\n"))
	return testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"), fmt.Sprintf(
		"[profile]\ngood = { path = \"good.nix\", description = \"see ![x](http://127.0.0.1/a.png) <img src=x>\" }\n"+
			"leaky = { path = \"%s.nix\", description = \"key %s\" }\n", canary, canary))
}

// TestKeyInRegistry: keys typed into profiles.toml are plaintext-secret
// diagnostics and reach no hover, picker or CLI line; a description's
// markdown is inert in the hover.
func TestKeyInRegistry(t *testing.T) {
	c := start(t, caseOpts{setup: func(root, home string) { registryWithKeys(t, root) }})
	reg := filepath.Join(c.root, ".insomnia", "profiles.toml")
	if err := c.p.Open(reg, testenv.ReadText(t, reg)); err != nil {
		t.Fatal(err)
	}
	ds, err := c.p.AwaitDiagnostics(reg, awaitLong, func(ds []lspproc.Diag) bool { return countCode(ds, "plaintext-secret") >= 2 })
	if err != nil {
		t.Errorf("want a plaintext-secret for the path and the description: %s", describe(ds))
	}
	for _, d := range ds {
		if d.Code() == "plaintext-secret" && !strings.Contains(d.Message, canaryMask()) {
			t.Errorf("plaintext-secret message %q lacks the mask", d.Message)
		}
	}
	good, err := c.p.Hover(reg, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hover on the good entry: %q", good)
	if !strings.Contains(good, `\!\[x\]\(`) {
		t.Errorf("the description is not in the hover, escaped: %q", good)
	}
	// With its escaped form taken out, no live markup is left.
	for _, live := range []string{"![x](", "<img"} {
		if strings.Contains(strings.ReplaceAll(good, `\`+live[:1], ""), live) {
			t.Errorf("the hover markdown holds live %q: %q", live, good)
		}
	}
	if _, err := c.p.Hover(reg, 2, 2); err != nil {
		t.Errorf("hover on the leaky entry: %v", err)
	}
	var rows []byte
	if err := c.p.WaitFor(awaitLong, func() bool {
		rows, _ = c.p.Command("insomnia.listProfiles", map[string]any{})
		return strings.Contains(string(rows), "project:leaky")
	}); err != nil {
		t.Errorf("listProfiles lacks the leaky entry: %.300s", rows)
	}
	if !strings.Contains(string(rows), canaryMask()) {
		t.Errorf("listProfiles does not show the description masked: %.300s", rows)
	}
	c.healthy(reg)
	for _, args := range [][]string{{"profiles"}, {"profiles", "--json"}} {
		out := runCaseCLI(t, c, args...)
		if !strings.Contains(out, "leaky") {
			t.Errorf("insomnia-lsp %s does not list the leaky entry: %.300q", strings.Join(args, " "), out)
		}
	}
}

// runCaseCLI runs the binary in the case's workspace and home and fails on a
// needle in its output.
func runCaseCLI(t *testing.T, c *hcase, args ...string) string {
	t.Helper()
	code, out := runCLI(t, c.root, c.home, args...)
	t.Logf("insomnia-lsp %s: exit %d", strings.Join(args, " "), code)
	for _, n := range c.needles {
		if strings.Contains(out, n) {
			t.Errorf("insomnia-lsp %s prints forbidden text %.40q", strings.Join(args, " "), n)
		}
	}
	return out
}

func countCode(ds []lspproc.Diag, code string) int {
	n := 0
	for _, d := range ds {
		if d.Code() == code {
			n++
		}
	}
	return n
}

// fakePod writes a pod program that records its arguments in marker (one
// line per run), prints stderr lines and exits 1 before becoming ready.
func fakePod(t *testing.T, dir string, stderr ...string) (program, marker string) {
	marker = filepath.Join(dir, "pod-ran")
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\" >> %q; done\necho --- >> %q\n", marker, marker)
	for _, l := range stderr {
		fmt.Fprintf(&b, "printf '%%s\\n' %q >&2\n", l)
	}
	b.WriteString("exit 1\n")
	program = testenv.Write(t, filepath.Join(dir, "fake-pod"), b.String())
	if err := os.Chmod(program, 0o755); err != nil {
		t.Fatal(err)
	}
	return program, marker
}

// evaluatedProfile opens a valid profile and waits until it evaluates ok,
// so spawnPod gets past its readiness check.
func (c *hcase) evaluatedProfile(name string) string {
	c.t.Helper()
	path := c.open(name, profile(c.t, "  pod.name = \"p\";\n"))
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		ds, _ := c.p.Diagnostics(path)
		c.t.Fatalf("the profile does not evaluate ok: %s %s", describeStates(c.p), describe(ds))
	}
	return path
}

// TestPodStderrRedacted: the pod program prints keys on stderr, once alone
// and twice straddling the 200 characters a progress report keeps: the
// canary with 13 characters before the cut (too few for its shape) and a
// random 48-character key with 31 (too few for the high-entropy rule).
// Cut first, both parts would show; the extra needles are those parts.
// Neither the progress, the error, a message nor the log may show them.
func TestPodStderrRedacted(t *testing.T) {
	tools := t.TempDir()
	random := randomKey(48)
	program, marker := fakePod(t, tools, "starting with "+canary,
		strings.Repeat("0", 186)+" "+canary+" tail", strings.Repeat("0", 168)+" "+random+" tail")
	extra := []string{canary[4:13], random[4:20]}
	c := start(t, caseOpts{needles: extra, settings: map[string]any{"pod": map[string]any{"command": program, "readyTimeoutMs": 5000}}})
	path := c.evaluatedProfile("spawned.nix")
	_, err := c.p.Command("insomnia.spawnPod", map[string]any{"profile": uriOf(path), "name": "leaky"})
	if err == nil {
		t.Fatal("spawnPod succeeded with a pod program that exits at once")
	}
	t.Logf("spawnPod error: %v", err)
	if _, statErr := os.Stat(marker); statErr != nil {
		t.Fatalf("the fake pod never ran: %v", statErr)
	}
	if !strings.Contains(err.Error(), canaryMask()) {
		t.Errorf("the error does not carry the pod's stderr, masked: %v", err)
	}
	for _, n := range c.needles {
		if strings.Contains(err.Error(), n) {
			t.Errorf("the error shows %q: %v", n, err)
		}
	}
	log := filepath.Join(c.home, "run", "leaky", "stderr.log")
	if text := testenv.ReadText(t, log); !strings.Contains(text, canary) || !strings.Contains(text, random) {
		t.Fatal("the pod's stderr.log lacks the canary: the check proves nothing")
	}
	c.healthy(path)
}

// randomKey is a random base62 token of n characters that the detector
// takes for a credential only by its entropy (no known prefix).
func randomKey(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		if k := string(b); secrets.HighEntropy(k) && !secrets.KnownShape(k) {
			return k
		}
	}
}

// TestFortyCharacterURI: a workspace whose file URIs hold a run of 40
// base64 characters (the length of an AWS secret access key) with high
// entropy. The output boundary's redaction masked such URIs whole, so
// every diagnostic and status went to a file that does not exist (seen as
// a rare failure of TestInfiniteLoop, whose temporary folder happened to
// have that shape). Its diagnostics and statuses must name the file.
func TestFortyCharacterURI(t *testing.T) {
	base, err := os.MkdirTemp("/tmp", "u")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	const pool = "Xq7Zk2WmR9tB4vN8cL3pH6sJ1dF5gK0y"
	var root, run string
	for shift := 0; shift < len(pool); shift++ {
		pad := (pool[shift:] + pool[:shift])[:35-len(base)] // "//" + base + "/" + pad + "/p" is 40
		root, run = filepath.Join(base, pad), "//"+base+"/"+pad+"/p"
		if secrets.HighEntropy(run) {
			break
		}
	}
	if len(run) != 40 || !secrets.HighEntropy(run) {
		t.Fatalf("no 40-character high-entropy run under %s (%q): the case proves nothing", base, run)
	}
	mkdir(t, root)
	c := startAt(t, root, caseOpts{})
	path := c.open("p.nix", profile(t, "  pod.name = nope;\n"))
	c.expect(path, "undefined-variable", "nope")
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) != "" }); err != nil {
		t.Errorf("no evaluation status names %s: %s", path, allStatuses(c.p))
	}
}

// TestKeyShapedFileName: a profile whose file name is a key. File URIs
// keep random-looking names (the editor must find the file), but a key
// shape is masked even there: no frame carries the canary (the harness's
// scan), the diagnostics go out under the masked name, and the server
// stays healthy.
func TestKeyShapedFileName(t *testing.T) {
	c := start(t, caseOpts{})
	path := c.open(canary+".nix", profile(t, "  pod.name = nope;\n"))
	masked := filepath.Join(c.root, canaryMask()+".nix")
	if _, err := c.p.AwaitCode(masked, "undefined-variable", awaitLong); err != nil {
		t.Errorf("no diagnostics under the masked name %s: %v", masked, err)
	}
	c.healthy(path)
}
