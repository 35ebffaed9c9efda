package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Cases where a file the server reads itself is the hostile part: it
// reads imports to key its cache, profiles, and profiles.toml files.

// readBound is how far above its baseline the server's peak RSS may go
// while it is shown a file it must not read.
const readBound = 50 << 10 // KiB

// peakWithin fails the case when the server's peak RSS (VmHWM) went more
// than bound KiB over its baseline.
func (c *hcase) peakWithin(bound int64) {
	c.t.Helper()
	_, hwm, _ := c.p.Memory()
	if hwm > c.baseRSS+bound {
		c.t.Errorf("peak RSS %d KiB is over the baseline %d KiB + %d KiB", hwm, c.baseRSS, bound)
	}
}

// refusedImport opens a profile whose pod.name imports target (as
// written) and checks the promises: a file-not-read diagnostic on the
// import's line saying why, no evaluation, peak memory near the baseline,
// small messages, the next requests answered.
func refusedImport(t *testing.T, c *hcase, name, target string, why ...string) {
	t.Helper()
	path := c.open(name, profile(t, "  pod.name = import "+target+";\n"))
	d := c.expect(path, "file-not-read", why...)
	if want := 5; d.Range.Start.Line != want { // line of pod.name in profile()
		t.Errorf("diagnostic on line %d, want %d (the import)", d.Range.Start.Line, want)
	}
	// The status and the diagnostics are separate notifications: wait for it.
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "error" }); err != nil {
		t.Errorf("status %q, want error", lastState(c.p, path))
	}
	if n := len(evaluations(c.p)); n != 0 {
		t.Errorf("%d Nix evaluations running for a refused import", n)
	}
	_, hwm, err := c.p.Memory()
	if err != nil {
		t.Fatal(err)
	}
	largest, _ := c.p.LargestFrame()
	t.Logf("%s: peak RSS (VmHWM) %d KiB, baseline RSS %d KiB; largest message %d bytes", name, hwm, c.baseRSS, largest)
	if hwm > c.baseRSS+readBound {
		t.Errorf("peak RSS %d KiB is over the baseline %d KiB + %d KiB", hwm, c.baseRSS, readBound)
	}
	if f, _ := c.p.LargestFrame(); f > 1<<20 {
		t.Errorf("the server sent a %d-byte message", f)
	}
	if h, err := c.p.Hover(path, 5, 4); err != nil {
		t.Errorf("hover after the refused import: %v", err)
	} else {
		t.Logf("hover: %.120q", h)
	}
	c.healthy(path)
	c.exitsPromptly()
}

// exitsPromptly: shutdown then exit end the process within a second.
func (c *hcase) exitsPromptly() {
	c.t.Helper()
	begin := time.Now()
	code, err := c.p.Close(5 * time.Second)
	took := time.Since(begin)
	if err != nil || code != 0 {
		c.t.Errorf("shutdown and exit: code %d, %v", code, err)
	}
	if took > time.Second {
		c.t.Errorf("the server took %v to end after shutdown and exit", took)
	}
}

func TestImportDevZero(t *testing.T) {
	c := start(t, caseOpts{})
	refusedImport(t, c, "zero.nix", "/dev/zero", "not read: /dev/zero is not a regular file", "character device")
}

func TestImportSymlinkToDevZero(t *testing.T) {
	c := start(t, caseOpts{setup: func(root, home string) {
		if err := os.Symlink("/dev/zero", filepath.Join(root, "zero-link.nix")); err != nil {
			t.Fatal(err)
		}
	}})
	refusedImport(t, c, "via-link.nix", "./zero-link.nix", "zero-link.nix is not a regular file")
}

// TestImportDevStdin: /dev/stdin is the server's own protocol stream.
func TestImportDevStdin(t *testing.T) {
	c := start(t, caseOpts{})
	refusedImport(t, c, "stdin.nix", "/dev/stdin", "not read: /dev/stdin is not a regular file")
}

func TestImportFIFO(t *testing.T) {
	c := start(t, caseOpts{setup: func(root, home string) {
		if err := syscall.Mkfifo(filepath.Join(root, "pipe.nix"), 0o644); err != nil {
			t.Fatal(err)
		}
	}})
	refusedImport(t, c, "fifo-import.nix", "./pipe.nix", "pipe.nix is not a regular file", "FIFO")
}

// TestImportSparse64MiB: a 64 MiB file (sparse: no disk used) is over the cap.
func TestImportSparse64MiB(t *testing.T) {
	c := start(t, caseOpts{setup: func(root, home string) { sparse(t, filepath.Join(root, "huge.nix"), 64<<20) }})
	refusedImport(t, c, "huge-import.nix", "./huge.nix", "huge.nix is 64 MiB, over the 4 MiB limit")
}

func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// TestRegistryEntriesNotRead: profiles.toml entries that are a link to
// /dev/zero, a FIFO and a 64 MiB file: each gets a diagnostic at its entry,
// none is read, and a good entry beside them still evaluates.
func TestRegistryEntriesNotRead(t *testing.T) {
	var good string
	c := start(t, caseOpts{setup: func(root, home string) {
		dir := filepath.Join(root, ".insomnia")
		mkdir(t, dir)
		if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.nix")); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(filepath.Join(dir, "fifo.nix"), 0o644); err != nil {
			t.Fatal(err)
		}
		sparse(t, filepath.Join(dir, "huge.nix"), 64<<20)
		good = testenv.Write(t, filepath.Join(dir, "good.nix"), profile(t, "  pod.name = \"good\";\n"))
		testenv.Write(t, filepath.Join(dir, "profiles.toml"),
			"[profile]\nzero = \"zero.nix\"\nfifo = \"fifo.nix\"\nhuge = \"huge.nix\"\ngood = \"good.nix\"\n")
	}})
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, good) == "ok" }); err != nil {
		t.Fatalf("the good entry is not evaluated: %s", describeStates(c.p))
	}
	reg := filepath.Join(c.root, ".insomnia", "profiles.toml")
	if err := c.p.Open(reg, testenv.ReadText(t, reg)); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "not a regular file", 2: "not a regular file", 3: "is 64 MiB, over the 4 MiB limit"}
	ds, err := c.p.AwaitDiagnostics(reg, awaitLong, func(ds []lspproc.Diag) bool { return len(ds) >= len(want) })
	if err != nil {
		t.Fatalf("profiles.toml: %s", describe(ds))
	}
	for line, frag := range want {
		found := false
		for _, d := range ds {
			found = found || (d.Range.Start.Line == line && strings.Contains(d.Message, frag))
		}
		if !found {
			t.Errorf("no diagnostic with %q on line %d: %s", frag, line, describe(ds))
		}
	}
	c.peakWithin(readBound)
	c.healthy(reg)
	c.exitsPromptly()
}

// TestRegistryFileIsDevZero: profiles.toml (project and user) is a link to
// /dev/zero: discovery does not read it and an open profile evaluates.
func TestRegistryFileIsDevZero(t *testing.T) {
	var path string
	c := start(t, caseOpts{setup: func(root, home string) {
		for _, p := range []string{filepath.Join(root, ".insomnia", "profiles.toml"), filepath.Join(home, "config", "profiles.toml")} {
			mkdir(t, filepath.Dir(p))
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
		}
		path = testenv.Write(t, filepath.Join(root, "p.nix"), profile(t, "  pod.name = \"p\";\n"))
	}})
	if err := c.p.Open(path, testenv.ReadText(t, path)); err != nil {
		t.Fatal(err)
	}
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		t.Errorf("an open profile is not evaluated: %s", describeStates(c.p))
	}
	c.peakWithin(readBound)
	c.healthy(path)
	c.exitsPromptly()
}

// TestExitWhileEvaluationsStuck: evaluations that would run for 30 s do
// not keep the server alive: shutdown and exit end it within a second and
// no Nix process is left.
func TestExitWhileEvaluationsStuck(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"evaluation": map[string]any{"timeoutMs": 30000, "maxConcurrent": 2}}})
	for _, n := range []string{"stuck-a.nix", "stuck-b.nix"} {
		c.open(n, profile(t, loopText))
	}
	if err := c.p.WaitFor(awaitLong, func() bool { return len(evaluations(c.p)) >= 2 }); err != nil {
		t.Fatalf("the stuck evaluations did not start: %s", describeStates(c.p))
	}
	time.Sleep(300 * time.Millisecond) // well into the loop
	c.exitsPromptly()
	if left := lspproc.NixUnder(c.root); len(left) != 0 {
		// Pdeathsig is asynchronous: give the kernel a moment.
		time.Sleep(200 * time.Millisecond)
		if left = lspproc.NixUnder(c.root); len(left) != 0 {
			t.Errorf("Nix processes left after exit: %+v", left)
		}
	}
}

// TestSymlinkedEntryOutsideUntrusted: an untrusted workspace's registry
// entry is a link, inside the workspace, to a file outside whose first
// word is a canary. The file is never fed to Nix or quoted: the canary
// appears in no output, and the registry entry says it is outside.
func TestSymlinkedEntryOutsideUntrusted(t *testing.T) {
	word := "OUTSIDECANARY" + randomHex(8)
	outside := testenv.Write(t, filepath.Join(t.TempDir(), "secret.nix"), word+" more words\n")
	c := start(t, caseOpts{settings: map[string]any{"trusted": false}, needles: []string{word}, setup: func(root, home string) {
		dir := filepath.Join(root, ".insomnia")
		mkdir(t, dir)
		if err := os.Symlink(outside, filepath.Join(dir, "inside.nix")); err != nil {
			t.Fatal(err)
		}
		testenv.Write(t, filepath.Join(dir, "profiles.toml"), "[profile]\ninside = \"inside.nix\"\n")
	}})
	link := filepath.Join(c.root, ".insomnia", "inside.nix")
	reg := filepath.Join(c.root, ".insomnia", "profiles.toml")
	d := c.expect(reg, "untrusted-outside", "symlink to a file outside this untrusted workspace")
	if d.Range.Start.Line != 1 {
		t.Errorf("diagnostic on line %d, want 1 (the entry)", d.Range.Start.Line)
	}
	if st := lastState(c.p, link); st != "error" {
		t.Errorf("status of the linked profile %q, want error", st)
	}
	if err := c.p.Open(reg, testenv.ReadText(t, reg)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.p.Command("insomnia.showResolvedManifest", map[string]string{"uri": uriOf(link)}); err != nil {
		t.Logf("showResolvedManifest of the link: %v", err)
	}
	c.healthy(reg)
	if !strings.Contains(testenv.ReadText(t, link), word) {
		t.Fatal("the link does not lead to the canary: the check proves nothing")
	}
}

// TestAddToProjectProfilesFIFO: "Add to project profiles" when the project
// profiles.toml is a FIFO (discovery skips it, the edit would write it):
// the command answers at once with why, instead of blocking on the read.
func TestAddToProjectProfilesFIFO(t *testing.T) {
	c := start(t, caseOpts{setup: func(root, home string) {
		mkdir(t, filepath.Join(root, ".insomnia"))
		if err := syscall.Mkfifo(filepath.Join(root, ".insomnia", "profiles.toml"), 0o644); err != nil {
			t.Fatal(err)
		}
	}})
	path := c.open("loose.nix", profile(t, "  pod.name = \"loose\";\n"))
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		t.Fatalf("the loose profile is not evaluated: %s", describeStates(c.p))
	}
	begin := time.Now()
	_, err := c.p.Command("insomnia.addToProjectProfiles", map[string]string{"uri": uriOf(path)})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("addToProjectProfiles onto a FIFO: want a not-a-regular-file error, got %v", err)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("the command took %v", took)
	}
	c.healthy(path)
	c.exitsPromptly()
}
