package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
)

type bench struct {
	cfg      config
	bin, tmp string
	lib      string
	log      io.Writer
	metrics  []metric
	errors   []string
}

func (b *bench) add(m metric) { b.metrics = append(b.metrics, m) }

func (b *bench) fail(scenario string, err error) {
	b.errors = append(b.errors, scenario+": "+err.Error())
	fmt.Fprintf(b.log, "  %s failed: %v\n", scenario, err)
}

func met(ok bool) *bool { return &ok }

func latencyMetric(name string, d dist, budgetMs float64) metric {
	return metric{Name: name, Number: d.P99, Budget: fmt.Sprintf("p99 ≤ %g ms", budgetMs), Met: met(d.P99 <= budgetMs),
		Value:  fmt.Sprintf("p50 %.2f / p90 %.2f / p99 %.2f / max %.2f ms (n=%d)", d.P50, d.P90, d.P99, d.Max, d.N),
		Detail: d}
}

// start runs a server in an isolated insomnia home under the temp folder.
func (b *bench) start(name string, settings map[string]any) (*lspproc.Proc, error) {
	home := filepath.Join(b.tmp, name+"-home")
	for _, d := range []string{"config", "data", "run"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			return nil, err
		}
	}
	return lspproc.Start(lspproc.Options{
		Binary: b.bin, Args: []string{"--log-file", filepath.Join(b.tmp, name+".log"), "--log-level", b.cfg.logLevel},
		Env: []string{"INSOMNIA_CONFIG_DIR=" + filepath.Join(home, "config"), "INSOMNIA_DATA_DIR=" + filepath.Join(home, "data"),
			"INSOMNIA_RUNTIME_DIR=" + filepath.Join(home, "run")},
		Settings: settings,
		// The bench measures unrestricted evaluation, as a trusted editor runs it.
		InitOptions: withTrust(settings),
	})
}

// withTrust is settings with `trusted: true`, for initializationOptions.
func withTrust(settings map[string]any) map[string]any {
	init := map[string]any{"trusted": true}
	for k, v := range settings {
		init[k] = v
	}
	return init
}

func (b *bench) runAll() {
	if strings.Contains(b.cfg.scenarios, "single") {
		fmt.Fprintln(b.log, "single profile: keystrokes, saves, hover, completion, burst…")
		if err := b.singleProfile(); err != nil {
			b.fail("single profile", err)
		}
	}
	if strings.Contains(b.cfg.scenarios, "cli") {
		fmt.Fprintln(b.log, "cli: check --no-eval against nix-instantiate --parse, alternating…")
		if err := b.cli(); err != nil {
			b.fail("cli", err)
		}
	}
	if b.cfg.workspace > 0 && strings.Contains(b.cfg.scenarios, "workspace") {
		fmt.Fprintf(b.log, "workspace of %d profiles…\n", b.cfg.workspace)
		if err := b.workspace(); err != nil {
			b.fail("workspace", err)
		}
	}
}

func (b *bench) singleProfile() error {
	dir := filepath.Join(b.tmp, "single")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	prof := genBigProfile(b.lib, b.cfg.lines)
	path := filepath.Join(dir, "bench.nix")
	if err := os.WriteFile(path, []byte(prof.text), 0o644); err != nil {
		return err
	}
	p, err := b.start("single", map[string]any{})
	if err != nil {
		return err
	}
	defer p.Close(10 * time.Second)
	if err := p.Initialize(dir); err != nil {
		return err
	}
	if err := p.Open(path, prof.text); err != nil {
		return err
	}
	if err := awaitState(p, path, "ok", 60*time.Second); err != nil {
		return fmt.Errorf("the generated profile did not evaluate ok: %v (diagnostics: %s)", err, describe(p, path))
	}
	steps := []struct {
		name string
		fn   func(*lspproc.Proc, string, bigProfile) error
	}{{"keystroke", b.keystrokes}, {"save", b.saves}, {"hover/completion", b.lookups}, {"burst", b.burstEdits}}
	for _, s := range steps {
		if err := s.fn(p, path, prof); err != nil {
			b.fail(s.name, err)
		}
	}
	return nil
}

// keystrokes toggles a duplicate attribute, so every edit changes the
// static set and a publish follows; it measures didChange -> publish.
func (b *bench) keystrokes(p *lspproc.Proc, path string, prof bigProfile) error {
	var samples []time.Duration
	at := lspproc.Position{Line: prof.dupLine}
	next := lspproc.Position{Line: prof.dupLine + 1}
	for i := 1; i <= b.cfg.keystrokes; i++ {
		insert := i%2 == 1
		after := p.PublishSeq(path)
		t0 := time.Now()
		var err error
		if insert {
			_, err = p.Edit(path, at, at, prof.dupText)
		} else {
			_, err = p.Edit(path, at, next, "")
		}
		if err != nil {
			return err
		}
		pub, err := p.AwaitPublish(path, after, 10*time.Second, func(pub lspproc.Publish) bool {
			return hasCode(pub.Diags, "duplicate-attribute") == insert
		})
		if err != nil {
			return fmt.Errorf("edit %d: no static diagnostics: %v", i, err)
		}
		samples = append(samples, pub.At.Sub(t0))
		time.Sleep(b.cfg.typingGap)
	}
	b.add(latencyMetric(fmt.Sprintf("keystroke → static diagnostics (%d lines)", strings.Count(prof.text, "\n")), summarize(samples), 5))
	in, whole := inProcessStatic(prof, b.cfg.keystrokes)
	b.add(metric{Name: "keystroke, in-process (reparse + static checks)", Number: in.P99, Budget: "-", Detail: in,
		Value: fmt.Sprintf("p50 %.2f / p90 %.2f / p99 %.2f / max %.2f ms (n=%d)", in.P50, in.P90, in.P99, in.Max, in.N)})
	b.add(metric{Name: "keystroke, in-process, whole parse (for comparison)", Number: whole.P99, Budget: "-", Detail: whole,
		Value: fmt.Sprintf("p50 %.2f / p90 %.2f / p99 %.2f / max %.2f ms (n=%d)", whole.P50, whole.P90, whole.P99, whole.Max, whole.N)})
	return nil
}

// saves alternates a valid and a wrongly typed pod.name (each text new, so
// no cache hit) and compares save -> evaluation diagnostics with a bare
// nix-instantiate of the same file, measured in turn.
func (b *bench) saves(p *lspproc.Proc, path string, prof bigProfile) error {
	var server, bare []time.Duration
	for i := 0; i <= b.cfg.evals; i++ {
		bad := i%2 == 0
		line := fmt.Sprintf(`  pod.name = "bench-%d";`, i)
		if bad {
			line = fmt.Sprintf(`  pod.name = %d;`, i)
		}
		text := withLine(prof.text, prof.podNameLine, line)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
		t0 := time.Now()
		if out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", path).CombinedOutput(); err != nil {
			return fmt.Errorf("bare nix-instantiate: %v: %s", err, out)
		}
		bareTook := time.Since(t0)
		after := p.PublishSeq(path)
		if _, err := p.Change(path, text); err != nil {
			return err
		}
		t1 := time.Now()
		if err := p.Save(path, text); err != nil {
			return err
		}
		pub, err := p.AwaitPublish(path, after, 60*time.Second, func(pub lspproc.Publish) bool {
			return hasCode(pub.Diags, "type-mismatch") == bad
		})
		if err != nil {
			return fmt.Errorf("save %d: no evaluation diagnostics: %v (%s)", i, err, describe(p, path))
		}
		if i == 0 {
			continue // warm-up
		}
		bare = append(bare, bareTook)
		server = append(server, pub.At.Sub(t1))
	}
	// Back to the generated text for the next steps.
	if err := os.WriteFile(path, []byte(prof.text), 0o644); err != nil {
		return err
	}
	if _, err := p.Change(path, prof.text); err != nil {
		return err
	}
	if err := p.Save(path, prof.text); err != nil {
		return err
	}
	s, n := summarize(server), summarize(bare)
	ratio := s.P50 / n.P50
	b.add(metric{Name: "save → evaluation diagnostics", Number: s.P50, Value: fmt.Sprintf("p50 %.0f / p90 %.0f / p99 %.0f / max %.0f ms (n=%d)", s.P50, s.P90, s.P99, s.Max, s.N), Budget: "-", Detail: s})
	b.add(metric{Name: "bare nix-instantiate --eval --strict --json", Number: n.P50, Value: fmt.Sprintf("p50 %.0f / p90 %.0f / p99 %.0f / max %.0f ms (n=%d)", n.P50, n.P90, n.P99, n.Max, n.N), Budget: "-", Detail: n})
	b.add(metric{Name: "evaluation overhead (p50 ratio)", Number: ratio, Value: fmt.Sprintf("%.2f× (%+.0f ms)", ratio, s.P50-n.P50), Budget: "≤ 0.40×", Met: met(ratio <= 0.40)})
	return nil
}

// lookups measures hover and completion from the last result.
func (b *bench) lookups(p *lspproc.Proc, path string, prof bigProfile) error {
	if err := awaitState(p, path, "ok", 60*time.Second); err != nil {
		return fmt.Errorf("profile not back to ok: %v", err)
	}
	var hovers, comps []time.Duration
	var compErr error
	for i := 0; i < b.cfg.lookups; i++ {
		t0 := time.Now()
		h, err := p.Hover(path, prof.podNameLine, 4)
		if err != nil {
			return err
		}
		hovers = append(hovers, time.Since(t0))
		if i == 0 && !strings.Contains(h, "bench") {
			return fmt.Errorf("hover does not show the profile: %q", h)
		}
		if compErr == nil {
			t0 = time.Now()
			if _, err := p.Completion(path, prof.completionPos[0], prof.completionPos[1]); err != nil {
				compErr = err
				continue
			}
			comps = append(comps, time.Since(t0))
		}
	}
	b.add(latencyMetric("hover (last result)", summarize(hovers), 1))
	if compErr != nil {
		b.add(metric{Name: "completion (last result)", Value: "not measurable: " + compErr.Error(), Budget: "p99 ≤ 1 ms", Met: met(false)})
		return nil
	}
	b.add(latencyMetric("completion (last result)", summarize(comps), 1))
	return nil
}

// burstEdits sends cfg.burst edits within one second, each a different
// unknown web.search.provider; it counts the evaluations that started and
// checks that the last edit's diagnostic is the one left.
func (b *bench) burstEdits(p *lspproc.Proc, path string, prof bigProfile) error {
	if err := awaitState(p, path, "ok", 60*time.Second); err != nil {
		return fmt.Errorf("profile not back to ok: %v", err)
	}
	start := time.Now()
	gap := time.Second / time.Duration(max(b.cfg.burst, 1))
	line := lspproc.Position{Line: prof.providerLine}
	next := lspproc.Position{Line: prof.providerLine + 1}
	value := func(i int) string { return fmt.Sprintf("burst%03d", i) }
	for i := 1; i <= b.cfg.burst; i++ {
		if _, err := p.Edit(path, line, next, fmt.Sprintf("  web.search.provider = %q;\n", value(i))); err != nil {
			return err
		}
		time.Sleep(time.Until(start.Add(time.Duration(i) * gap)))
	}
	sent := time.Since(start)
	last := value(b.cfg.burst)
	diags, err := p.AwaitDiagnostics(path, 60*time.Second, func(ds []lspproc.Diag) bool { return mentions(ds, last) })
	settled := time.Since(start)
	if err != nil {
		return fmt.Errorf("the last edit's diagnostic never came: %v (%s)", err, describe(p, path))
	}
	time.Sleep(time.Second) // a late evaluation would show up here
	diags, _ = p.Diagnostics(path)
	evals := 0
	for _, s := range p.Statuses() {
		if s.Path == path && s.State == "evaluating" && !s.At.Before(start) {
			evals++
		}
	}
	lastWins := mentions(diags, last)
	for i := 1; i < b.cfg.burst; i++ {
		if mentions(diags, value(i)) {
			lastWins = false
		}
	}
	b.add(metric{Name: fmt.Sprintf("burst of %d edits in %.2f s: evaluations", b.cfg.burst, sent.Seconds()), Number: float64(evals),
		Value: fmt.Sprintf("%d (final diagnostics %.0f ms after the first edit)", evals, ms(settled)), Budget: "≤ 2", Met: met(evals <= 2)})
	b.add(metric{Name: "burst: last edit wins", Value: fmt.Sprint(lastWins), Budget: "true", Met: met(lastWins)})
	return nil
}

// workspace indexes a generated project registry of cfg.workspace
// profiles and samples the server's peak RSS and its Nix children.
func (b *bench) workspace() error {
	root := filepath.Join(b.tmp, "ws")
	paths, err := genWorkspace(root, b.lib, b.cfg.workspace)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	p, err := b.start("workspace", map[string]any{"evaluation": map[string]any{"maxConcurrent": b.cfg.maxConcurrent}})
	if err != nil {
		return err
	}
	defer b.evaluationTotals(p, "workspace")
	stop := make(chan struct{})
	sampled := make(chan sample, 1)
	go sampleProc(p, stop, sampled)
	t0 := time.Now()
	if err := p.Initialize(root); err != nil {
		close(stop)
		return err
	}
	done := func() int {
		n := 0
		for path, st := range latestStates(p) {
			if want[path] && (st == "ok" || st == "error") {
				n++
			}
		}
		return n
	}
	waitErr := p.WaitFor(b.cfg.wsTimeout, func() bool { return done() == len(want) })
	took := time.Since(t0)
	close(stop)
	smp := <-sampled
	indexed := done()
	b.add(metric{Name: fmt.Sprintf("workspace: %d profiles evaluated", len(want)), Number: took.Seconds(),
		Value: fmt.Sprintf("%d/%d in %.1f s", indexed, len(want), took.Seconds()), Budget: "all in ≤ 30 s",
		Met: met(waitErr == nil && indexed == len(want) && took <= 30*time.Second)})
	b.add(metric{Name: "workspace: server peak RSS (VmHWM)", Number: float64(smp.hwmKB) / 1024,
		Value: fmt.Sprintf("%.1f MB", float64(smp.hwmKB)/1024), Budget: "≤ 100 MB", Met: met(smp.hwmKB > 0 && smp.hwmKB <= 100*1024)})
	b.add(metric{Name: "workspace: Nix processes at once (/proc)", Number: float64(smp.maxAll),
		Value:  fmt.Sprintf("%d, %d of them not blocked on stdin (%d samples)", smp.maxAll, smp.maxNix, smp.n),
		Budget: fmt.Sprintf("≤ maxConcurrent %d + 4 pre-started", b.cfg.maxConcurrent),
		Met:    met(smp.maxAll <= b.cfg.maxConcurrent+4), Detail: map[string]any{"peakCommandLines": smp.peakArgs}})
	return nil
}

type sample struct {
	maxNix, n int
	maxAll    int // evaluating plus pre-started idle
	hwmKB     int64
	// peakArgs counts the command lines of the Nix processes at the peak
	// (an evaluation reads "-" from stdin; other runs are probes).
	peakArgs map[string]int
}

// sampleProc polls /proc every 20 ms until stop is closed.
func sampleProc(p *lspproc.Proc, stop <-chan struct{}, out chan<- sample) {
	var s sample
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		s.n++
		all := running(p.NixChildren())
		s.maxAll = max(s.maxAll, len(all))
		if nix := evaluating(all); len(nix) > s.maxNix {
			s.maxNix = len(nix)
			s.peakArgs = map[string]int{}
			for _, n := range nix {
				s.peakArgs[lspproc.Cmdline(n.Pid)]++
			}
		}
		if _, hwm, err := p.Memory(); err == nil {
			s.hwmKB = max(s.hwmKB, hwm)
		}
		select {
		case <-stop:
			out <- s
			return
		case <-t.C:
		}
	}
}

// running drops zombies: exited, only not yet reaped.
func running(ps []lspproc.ProcInfo) []lspproc.ProcInfo {
	var out []lspproc.ProcInfo
	for _, p := range ps {
		if p.State != "Z" {
			out = append(out, p)
		}
	}
	return out
}

// evaluationTotals shuts the server down and reads its "evaluation
// totals" log line: maxRunning is counted where the limit is enforced (a
// pre-started process starting up is not evaluating, which /proc cannot
// tell apart).
func (b *bench) evaluationTotals(p *lspproc.Proc, name string) {
	p.Close(30 * time.Second)
	data, err := os.ReadFile(filepath.Join(b.tmp, name+".log"))
	if err != nil {
		b.fail(name+" totals", err)
		return
	}
	for _, l := range strings.Split(string(data), "\n") {
		var t struct {
			Msg        string `json:"msg"`
			MaxRunning int    `json:"maxRunning"`
			Started    int    `json:"started"`
			Hits       int    `json:"prestartedHits"`
			Joined     int    `json:"joined"`
		}
		if json.Unmarshal([]byte(l), &t) != nil || t.Msg != "evaluation totals" {
			continue
		}
		b.add(metric{Name: name + ": most Nix processes evaluating at once", Number: float64(t.MaxRunning),
			Value:  fmt.Sprintf("%d (server count; %d runs, %d on a pre-started Nix, %d joined)", t.MaxRunning, t.Started, t.Hits, t.Joined),
			Budget: fmt.Sprintf("≤ maxConcurrent %d", b.cfg.maxConcurrent), Met: met(t.MaxRunning <= b.cfg.maxConcurrent)})
		return
	}
	b.fail(name+" totals", fmt.Errorf("no \"evaluation totals\" line in the server log"))
}

// evaluating drops pre-started Nix processes still blocked reading the
// profile from stdin (syscall 0, read, on fd 0): they evaluate nothing yet.
func evaluating(ps []lspproc.ProcInfo) []lspproc.ProcInfo {
	var out []lspproc.ProcInfo
	for _, p := range ps {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", p.Pid))
		if f := strings.Fields(string(b)); err == nil && len(f) > 1 && f[0] == "0" && f[1] == "0x0" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// latestStates is the newest evaluationStatus state per file.
func latestStates(p *lspproc.Proc) map[string]string {
	out := map[string]string{}
	for _, s := range p.Statuses() {
		out[s.Path] = s.State
	}
	return out
}

func awaitState(p *lspproc.Proc, path, state string, timeout time.Duration) error {
	return p.WaitFor(timeout, func() bool { return latestStates(p)[path] == state })
}

func hasCode(ds []lspproc.Diag, code string) bool {
	for _, d := range ds {
		if d.Code() == code {
			return true
		}
	}
	return false
}

func mentions(ds []lspproc.Diag, s string) bool {
	for _, d := range ds {
		if strings.Contains(d.Message, `"`+s+`"`) {
			return true
		}
	}
	return false
}

func describe(p *lspproc.Proc, path string) string {
	ds, _ := p.Diagnostics(path)
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Character, d.Code(), d.Message))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}
