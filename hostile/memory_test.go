package hostile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Small inputs must not cost huge memory or huge messages. Every case here
// logs one line
//
//	MEASURE <case> peak_rss_mib=N largest_frame_bytes=N frames=N
//
// (peak RSS is the server's VmHWM at the end), so the same tests measure
// any build: HOSTILE_BINARY=/path/to/insomnia-lsp go test ./hostile -run Memory -v
// (an older build fails the bounds, which is the point of the comparison).

const (
	// memKillKiB: a server above this is killed at once, so a build that
	// still balloons cannot take a shared machine down with it.
	memKillKiB = 1536 << 10
	// memPeakKiB bounds the server's peak RSS in the cases this branch fixes.
	memPeakKiB = 150 << 10
	// hoverCap and resolvedCap are the display caps (lsp: hoverManifestBytes,
	// resolvedManifestBytes) plus room for the hover's header lines.
	hoverCap    = 64<<10 + 4<<10
	resolvedCap = 1<<20 + 4<<10
)

// memWatch samples the server's RSS and kills it above memKillKiB.
type memWatch struct {
	mu     sync.Mutex // guards killed and maxKiB
	killed bool
	maxKiB int64
	stop   chan struct{}
	done   chan struct{}
}

func watchMemory(c *hcase) *memWatch {
	w := &memWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop(c.p)
	c.t.Cleanup(w.end)
	return w
}

func (w *memWatch) loop(p *lspproc.Proc) {
	defer close(w.done)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
		}
		rss, _, err := p.Memory()
		if err != nil {
			return
		}
		w.mu.Lock()
		w.maxKiB = max(w.maxKiB, rss)
		over := rss > memKillKiB
		w.killed = w.killed || over
		w.mu.Unlock()
		if over {
			p.Kill()
			return
		}
	}
}

func (w *memWatch) end() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

func (w *memWatch) wasKilled() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.killed
}

// measure logs the MEASURE line and returns the peak RSS in KiB and the
// largest frame; a server the watchdog killed reports its last sample.
func (c *hcase) measure(name string, w *memWatch) (peakKiB, frame int64) {
	c.t.Helper()
	_, hwm, err := c.p.Memory()
	w.mu.Lock()
	if err != nil || w.killed {
		hwm = max(hwm, w.maxKiB)
	}
	killed := w.killed
	w.mu.Unlock()
	frame, frames := c.p.LargestFrame()
	note := ""
	if killed {
		note = fmt.Sprintf(" (killed above %d MiB)", memKillKiB>>10)
	}
	c.t.Logf("MEASURE %s peak_rss_mib=%d largest_frame_bytes=%d frames=%d%s", name, hwm>>10, frame, frames, note)
	if killed {
		c.t.Fatalf("server RSS went over %d MiB: killed", memKillKiB>>10)
	}
	return hwm, frame
}

// settled waits until path's last evaluation finished (ok or error).
func (c *hcase) settled(path string) {
	c.t.Helper()
	if err := c.p.WaitFor(awaitLong, func() bool { s := lastState(c.p, path); return s == "ok" || s == "error" }); err != nil {
		c.t.Fatalf("%s never finished evaluating: %s", filepath.Base(path), describeStates(c.p))
	}
}

// deepProfile is a profile of a few hundred bytes whose manifest holds
// lists nested depth deep: Nix builds them, the text stays small.
func deepProfile(t *testing.T, depth int) string {
	return profile(t, fmt.Sprintf("  pod.name = \"deep\";\n  deep = builtins.foldl' (a: _: [ a ]) [ ] (builtins.genList (i: i) %d);\n", depth))
}

// TestMemoryDeepNestingManifest: 6,000 nested lists built by Nix. The
// hover and showResolvedManifest are cut at their caps with a visible
// marker, the server stays small, and it answers the next request.
func TestMemoryDeepNestingManifest(t *testing.T) {
	c := start(t, caseOpts{})
	w := watchMemory(c)
	text := deepProfile(t, 6000)
	t.Logf("profile: %d bytes", len(text))
	path := c.open("deep.nix", text)
	c.settled(path)
	h, err := c.p.Hover(path, 0, 0)
	if err != nil {
		t.Fatalf("hover: %v", err)
	}
	checkTruncated(t, "hover", h, hoverCap)
	raw, err := c.p.Command("insomnia.showResolvedManifest", map[string]string{"uri": uriOf(path)})
	if err != nil {
		t.Fatalf("showResolvedManifest: %v", err)
	}
	var res struct {
		JSON string `json:"json"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("showResolvedManifest result: %v", err)
	}
	checkTruncated(t, "showResolvedManifest", res.JSON, resolvedCap)
	peak, frame := c.measure("deep-nesting-6000", w)
	if peak > memPeakKiB {
		t.Errorf("peak RSS %d MiB, want under %d MiB", peak>>10, memPeakKiB>>10)
	}
	if frame > resolvedCap+64<<10 {
		t.Errorf("largest message %d bytes, want under %d", frame, resolvedCap+64<<10)
	}
	c.expect(path, "too-deep", "6003 levels", "first 64")
	c.healthy(path)
}

// checkTruncated: text is under limit bytes, says it was truncated, and
// still shows the start of the manifest.
func checkTruncated(t *testing.T, what, text string, limit int) {
	t.Helper()
	t.Logf("%s: %d bytes", what, len(text))
	if len(text) > limit {
		t.Errorf("%s is %d bytes, over %d", what, len(text), limit)
	}
	if !strings.Contains(text, "truncated") {
		t.Errorf("%s has no truncated marker: %.300q", what, text)
	}
	if !strings.Contains(text, `"deep"`) {
		t.Errorf("%s lost the manifest's start: %.300q", what, text)
	}
}

// TestMemoryManyDiagnostics: 100,000 unused bindings. One publish carries
// 1,000 problems and one "more problems" entry, in a bounded message.
func TestMemoryManyDiagnostics(t *testing.T) {
	const n = 100000
	c := start(t, caseOpts{})
	w := watchMemory(c)
	var b strings.Builder
	b.WriteString("let\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  unused%d = %d;\n", i, i)
	}
	b.WriteString("in\n" + profile(t, "  pod.name = \"many\";\n"))
	path := c.open("many.nix", b.String())
	ds, err := c.p.AwaitDiagnostics(path, awaitLong, func(ds []lspproc.Diag) bool { return len(ds) > 0 })
	if err != nil {
		t.Fatalf("no diagnostics on %d unused bindings", n)
	}
	if len(ds) != 1001 {
		t.Errorf("%d diagnostics published, want 1000 and one summary", len(ds))
	}
	last := ds[len(ds)-1]
	if last.Code() != "too-many-problems" || !strings.Contains(last.Message, fmt.Sprintf("%d more problems", n-1000)) {
		t.Errorf("last diagnostic %s %q, want too-many-problems naming %d more", last.Code(), last.Message, n-1000)
	}
	peak, frame := c.measure("unused-bindings-100k", w)
	if peak > memPeakKiB {
		t.Errorf("peak RSS %d MiB, want under %d MiB", peak>>10, memPeakKiB>>10)
	}
	// 1,001 diagnostics of a few hundred bytes each.
	if frame > 512<<10 {
		t.Errorf("largest message %d bytes, want under 512 KiB", frame)
	}
	c.answers(path)
}

// TestMemoryHugeOpenDocument: a 64 MiB buffer opened in the editor gets one
// diagnostic saying it is too big, and is neither parsed nor evaluated.
func TestMemoryHugeOpenDocument(t *testing.T) {
	c := start(t, caseOpts{})
	w := watchMemory(c)
	var b strings.Builder
	for i := 0; b.Len() < 64<<20; i++ {
		fmt.Fprintf(&b, "  # padding line %d of a sixty-four megabyte profile, long enough to be dull\n", i)
	}
	text := profile(t, b.String()+"  pod.name = \"huge\";\n")
	path := c.open("huge.nix", text)
	b.Reset()
	text = ""
	const want = "file is 64.0 MiB, over the 4 MiB limit: not analysed"
	ds, err := c.p.AwaitDiagnostics(path, awaitLong, func(ds []lspproc.Diag) bool { return len(ds) > 0 })
	if err != nil || len(ds) != 1 || ds[0].Code() != "file-too-large" || ds[0].Message != want || ds[0].Range.Start.Line != 0 {
		t.Errorf("want one file-too-large diagnostic %q on the first line, got %s (%v)", want, describe(ds), err)
	}
	for _, s := range c.p.Statuses() {
		if s.Path == path && s.State == "evaluating" {
			t.Errorf("a file over the limit was evaluated")
		}
	}
	// The 64 MiB message itself is read, decoded and copied by the
	// protocol layers (several copies, and the collector lets the heap grow
	// to twice what is live); nothing more may be kept or built from it.
	peak, _ := c.measure("open-document-64mib", w)
	if peak > 640<<10 {
		t.Errorf("peak RSS %d MiB, want under 640 MiB (ten times the message)", peak>>10)
	}
	small := profile(t, "  pod.name = \"small\";\n")
	testenv.Write(t, path, small)
	if _, err := c.p.Change(path, small); err != nil {
		t.Fatal(err)
	}
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		t.Errorf("shrunk back under the limit, the profile is not evaluated: %s", describeStates(c.p))
	}
	c.answers(path)
}

// registryMeasure lists an entry in profiles.toml made by mk (the 64 MiB
// file of NUL bytes, /dev/zero) beside a good profile, and measures. The
// bound on reading them is the sandbox work's (bounded reads from disk);
// here the server must stay up, keep evaluating the good profile and
// answer, and the figures are logged.
func registryMeasure(t *testing.T, name string, mk func(path string)) {
	var good string
	c := start(t, caseOpts{setup: func(root, home string) {
		reg := filepath.Join(root, ".insomnia")
		mkdir(t, reg)
		mk(filepath.Join(reg, "big.nix"))
		good = testenv.Write(t, filepath.Join(reg, "good.nix"), profile(t, "  pod.name = \"good\";\n"))
		testenv.Write(t, filepath.Join(reg, "profiles.toml"), "[profile]\nbig = \"big.nix\"\ngood = \"good.nix\"\n")
	}})
	w := watchMemory(c)
	if err := c.p.Open(good, testenv.ReadText(t, good)); err != nil {
		t.Fatal(err)
	}
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, good) == "ok" }); err != nil {
		t.Errorf("the good profile beside %s is not evaluated: %s", name, describeStates(c.p))
	}
	time.Sleep(2 * time.Second) // let discovery and indexing finish with the big entry
	c.answers(good)
	c.measure(name, w)
}

// TestMemoryRegistryNULFile: a 64 MiB file of NUL bytes listed in
// profiles.toml (sparse on disk: it would be 64 KiB in git).
func TestMemoryRegistryNULFile(t *testing.T) {
	registryMeasure(t, "registry-nul-64mib", func(path string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(64 << 20); err != nil {
			t.Fatal(err)
		}
	})
}

// TestMemoryRegistryDevZero: a profiles.toml entry that is /dev/zero.
func TestMemoryRegistryDevZero(t *testing.T) {
	registryMeasure(t, "registry-dev-zero", func(path string) {
		if err := os.Symlink("/dev/zero", path); err != nil {
			t.Fatal(err)
		}
	})
}
