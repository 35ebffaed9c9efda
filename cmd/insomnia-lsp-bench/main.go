// Command insomnia-lsp-bench measures the real insomnia-lsp over stdio
// against the budgets of docs/design.md: keystroke to static diagnostics,
// evaluation overhead over a bare nix-instantiate, hover and completion
// latency, a burst of edits, and a workspace of many profiles. It prints a
// table (metric, value, budget, met?) and writes the numbers as JSON.
//
//	go run ./cmd/insomnia-lsp-bench [-out artifacts/bench.json] [-workspace 1000] ...
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
)

type config struct {
	repo          string
	out           string
	lines         int
	keystrokes    int
	typingGap     time.Duration
	evals         int
	lookups       int
	burst         int
	workspace     int
	maxConcurrent int
	wsTimeout     time.Duration
	keep          bool
	scenarios     string
	logLevel      string
	corpus        string
	cliPairs      int
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("insomnia-lsp-bench", flag.ContinueOnError)
	fs.StringVar(&c.repo, "repo", ".", "repository root (builds ./cmd/insomnia-lsp from it)")
	fs.StringVar(&c.out, "out", "artifacts/bench.json", "where to write the JSON results")
	fs.IntVar(&c.lines, "lines", 1000, "lines of the generated profile")
	fs.IntVar(&c.keystrokes, "keystrokes", 300, "edits measured for keystroke latency (even)")
	fs.DurationVar(&c.typingGap, "typing-gap", 30*time.Millisecond, "pause between measured keystrokes")
	fs.IntVar(&c.evals, "evals", 20, "saves measured against a bare nix-instantiate")
	fs.IntVar(&c.lookups, "lookups", 300, "hover and completion requests measured")
	fs.IntVar(&c.burst, "burst", 100, "edits in the one-second burst")
	fs.IntVar(&c.workspace, "workspace", 1000, "profiles in the generated workspace (0 skips)")
	fs.IntVar(&c.maxConcurrent, "max-concurrent", 2, "evaluation.maxConcurrent for the workspace run")
	fs.DurationVar(&c.wsTimeout, "workspace-timeout", 150*time.Second, "give up indexing the workspace after this")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary folder (logs, generated files)")
	fs.StringVar(&c.logLevel, "log-level", "info", "the server's --log-level (logs are in the temporary folder; see -keep)")
	fs.StringVar(&c.scenarios, "scenarios", "single,cli,workspace", "which to run: single (one 1,000-line profile), cli (check --no-eval of a joined corpus), workspace")
	fs.StringVar(&c.corpus, "corpus", "../shared/corpus/home-manager", "folder of .nix files the cli scenario joins into one")
	fs.IntVar(&c.cliPairs, "cli-pairs", 11, "alternating (check, nix-instantiate --parse) pairs timed")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.keystrokes += c.keystrokes % 2 // end on the text we started with
	return c, nil
}

// quietCollector paces the driver's own collector at 400% (unless GOGC
// says otherwise; the server, a separate process, paces its own): the
// driver decodes every message the server sends, and at the default pacing
// its collections landed in the latencies it measures (on 2 cores, hover
// p99 0.5-1.1 ms with them, 0.3 ms without).
func quietCollector() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	quietCollector()
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "insomnia-lsp-bench:", err)
		os.Exit(1)
	}
}

func run(cfg config, stdout io.Writer) error {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		return fmt.Errorf("nix-instantiate not found (apt-get install nix-bin): %v", err)
	}
	repo, err := filepath.Abs(cfg.repo)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "insomnia-lsp-bench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintln(stdout, "keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	fmt.Fprintln(stdout, "building insomnia-lsp…")
	bin, err := lspproc.Build(repo, tmp)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, bin: bin, tmp: tmp, lib: filepath.Join(repo, "resources", "nix", "profile-lib.nix"), log: stdout}
	m := machine()
	m["loadBefore"] = loadAverage()
	b.runAll()
	m["loadAfter"] = loadAverage()
	rep := report{Machine: m, Config: cfg.describe(), Metrics: b.metrics, Errors: b.errors}
	printTable(stdout, rep)
	return writeJSON(filepath.Join(repo, cfg.out), rep)
}

func (c config) describe() map[string]any {
	return map[string]any{"lines": c.lines, "keystrokes": c.keystrokes, "typingGapMs": c.typingGap.Milliseconds(),
		"evals": c.evals, "lookups": c.lookups, "burst": c.burst, "workspace": c.workspace,
		"maxConcurrent": c.maxConcurrent, "corpus": c.corpus, "cliPairs": c.cliPairs}
}

type report struct {
	Machine map[string]string `json:"machine"`
	Config  map[string]any    `json:"config"`
	Metrics []metric          `json:"metrics"`
	Errors  []string          `json:"errors,omitempty"`
}

// metric is one row of the table.
type metric struct {
	Name   string  `json:"name"`
	Value  string  `json:"value"`
	Number float64 `json:"number"`
	Budget string  `json:"budget"`
	Met    *bool   `json:"met"` // nil: no budget or not measurable
	Detail any     `json:"detail,omitempty"`
}

func machine() map[string]string {
	m := map[string]string{"nproc": fmt.Sprint(runtime.NumCPU()), "go": runtime.Version(),
		"os": runtime.GOOS + "/" + runtime.GOARCH, "date": time.Now().UTC().Format(time.RFC3339)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if out, err := exec.Command("nix-instantiate", "--version").Output(); err == nil {
		m["nix"] = strings.TrimSpace(string(out))
	}
	return m
}

// loadAverage is the first three fields of /proc/loadavg ("?" if unreadable).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func printTable(w io.Writer, rep report) {
	fmt.Fprintf(w, "\nmachine: %s, %s cores, %s, %s\n", rep.Machine["cpu"], rep.Machine["nproc"], rep.Machine["nix"], rep.Machine["go"])
	// The machine is shared: the load says how far the figures can be trusted.
	fmt.Fprintf(w, "load average (1, 5, 15 min): %s before, %s after\n\n", rep.Machine["loadBefore"], rep.Machine["loadAfter"])
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tvalue\tbudget\tmet?")
	for _, m := range rep.Metrics {
		met := "-"
		if m.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*m.Met]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name, m.Value, m.Budget, met)
	}
	_ = tw.Flush()
	for _, e := range rep.Errors {
		fmt.Fprintln(w, "error:", e)
	}
}

func writeJSON(path string, rep report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
