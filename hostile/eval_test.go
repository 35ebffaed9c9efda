package hostile

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
)

// Cases where Nix itself is the hostile part.

func TestInfiniteRecursion(t *testing.T) {
	c := start(t, caseOpts{})
	path := c.open("rec.nix", profile(t, "  pod.name = let x = x; in x;\n"))
	c.expect(path, "nix-error", "infinite recursion")
	c.healthy(path)
}

func TestStackOverflow(t *testing.T) {
	c := start(t, caseOpts{})
	path := c.open("deep.nix", profile(t, "  pod.name = let f = n: 1 + f (n + 1); in toString (f 0);\n"))
	c.expect(path, "nix-error")
	c.healthy(path)
}

// loopText keeps Nix busy far past the timeout in constant memory.
const loopText = "  pod.name = toString (builtins.foldl' (a: i: builtins.foldl' (b: j: b + 1) a (builtins.genList (x: x) 100000)) 0 (builtins.genList (x: x) 100000));\n"

func TestInfiniteLoop(t *testing.T) {
	c := start(t, caseOpts{})
	path := c.open("loop.nix", profile(t, loopText))
	c.expect(path, "timeout", "2 s")
	c.healthy(path)
}

func TestHundredMegabyteString(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"timeoutMs": 20000}}})
	// 100 characters doubled 20 times: 104,857,600 bytes.
	text := profile(t, "  pod.name = let go = n: s: if n == 0 then s else go (n - 1) (s + s); in go 20 \""+strings.Repeat("x", 100)+"\";\n")
	path := c.open("big-string.nix", text)
	d := c.waitEvalFailure(path, "output-cap", "memory-limit")
	if strings.Contains(d.Message, strings.Repeat("x", 200)) {
		t.Errorf("diagnostic echoes the string: %.120q", d.Message)
	}
	c.healthy(path)
}

// waitEvalFailure waits for one of codes on path.
func (c *hcase) waitEvalFailure(path string, codes ...string) lspproc.Diag {
	c.t.Helper()
	var found lspproc.Diag
	_, err := c.p.AwaitDiagnostics(path, awaitLong, func(ds []lspproc.Diag) bool {
		for _, d := range ds {
			for _, code := range codes {
				if d.Code() == code {
					found = d
					return true
				}
			}
		}
		return false
	})
	if err != nil {
		ds, _ := c.p.Diagnostics(path)
		c.t.Fatalf("none of %v on %s: %s", codes, path, describe(ds))
	}
	c.t.Logf("%s: %s %q", filepath.Base(path), found.Code(), found.Message)
	return found
}

func TestProfileImportingItself(t *testing.T) {
	c := start(t, caseOpts{})
	path := c.open("self.nix", profile(t, "  pod.name = (import ./self.nix).manifest.pod.name;\n"))
	c.expect(path, "nix-error", "infinite recursion")
	// Two profiles importing each other.
	write(t, c.root+"/b.nix", profile(t, "  pod.name = (import ./a.nix).manifest.pod.name;\n"))
	a := c.open("a.nix", profile(t, "  pod.name = (import ./b.nix).manifest.pod.name;\n"))
	// Located in b.nix, so a.nix gets a pointer to it (naming the file, not
	// repeating the message, which b.nix itself carries).
	d := c.waitEvalFailure(a, "nix-error", "import-error")
	if want := map[string]string{"nix-error": "infinite recursion", "import-error": "b.nix"}[d.Code()]; !strings.Contains(d.Message, want) {
		t.Errorf("mutual import: %s %q does not say %s", d.Code(), d.Message, want)
	}
	c.healthy(a)
}

func TestNixKilledFromOutside(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"timeoutMs": 30000}}})
	path := c.open("slow.nix", profile(t, loopText))
	// Startup may submit the open profile twice (the second kills the
	// first), so kill whatever evaluation runs until one is reported.
	killed := false
	for round := 0; round < 5 && !killed; round++ {
		var nix []lspproc.ProcInfo
		if err := c.p.WaitFor(awaitLong, func() bool { nix = evaluations(c.p); return len(nix) > 0 }); err != nil {
			t.Fatal("no Nix evaluation started for the profile")
		}
		for _, n := range nix {
			t.Logf("killing %d: %s", n.Pid, lspproc.Cmdline(n.Pid))
			if err := killPid(n.Pid); err != nil {
				t.Fatalf("kill %d: %v", n.Pid, err)
			}
		}
		_, err := c.p.AwaitCode(path, "killed-from-outside", 5*time.Second)
		killed = err == nil
	}
	c.expect(path, "killed-from-outside", "stopped from outside")
	c.healthy(path)
}

func TestProfileDeletedWhileEvaluating(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"timeoutMs": 4000}}})
	path := c.open("doomed.nix", profile(t, loopText))
	if err := c.p.WaitFor(awaitLong, func() bool { return len(evaluations(c.p)) > 0 }); err != nil {
		t.Fatal("no Nix evaluation started for the profile")
	}
	removeFile(t, path)
	if err := c.p.CloseDoc(path); err != nil {
		t.Fatal(err)
	}
	// The evaluation ends (timeout or cancelled) and nothing is left.
	c.noNix("after the profile was deleted")
	other := c.open("other.nix", profile(t, "  pod.name = \"still-here\";\n"))
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, other) == "ok" }); err != nil {
		t.Errorf("a later profile does not evaluate after the deletion: %s", describeStates(c.p))
	}
	c.healthy(other)
}

// evaluations are the server's Nix processes evaluating a profile (not a
// `--version` probe).
func evaluations(p *lspproc.Proc) []lspproc.ProcInfo {
	var out []lspproc.ProcInfo
	for _, n := range p.NixChildren() {
		if strings.Contains(lspproc.Cmdline(n.Pid), "--eval") {
			out = append(out, n)
		}
	}
	return out
}

func lastState(p *lspproc.Proc, path string) string {
	st := ""
	for _, s := range p.Statuses() {
		if s.Path == path {
			st = s.State
		}
	}
	return st
}

func describeStates(p *lspproc.Proc) string {
	var parts []string
	for _, s := range p.Statuses() {
		parts = append(parts, s.Path+"="+s.State)
	}
	return strings.Join(parts, ", ")
}

var _ = time.Second

// TestExitWithStdinOpen: the exit notification alone must end the server
// (LSP), even when the editor keeps the pipe open.
func TestExitWithStdinOpen(t *testing.T) {
	c := start(t, caseOpts{})
	path := c.open("p.nix", profile(t, "  pod.name = \"p\";\n"))
	c.healthy(path)
	if code, err := c.p.CloseKeepStdin(10 * time.Second); err != nil || code != 0 {
		t.Errorf("exit with stdin open: code %d, %v", code, err)
	}
}
