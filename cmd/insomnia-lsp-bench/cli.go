package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
)

// cli times `insomnia-lsp check --no-eval` of a corpus joined into one
// list expression against `nix-instantiate --parse` of the same file, as
// whole processes in alternating pairs (A B A B …), so a load change hits
// both alike; the median of the pair ratios is the figure.
func (b *bench) cli() error {
	joined, size, err := joinCorpus(b.cfg.corpus, filepath.Join(b.tmp, "joined.nix"))
	if err != nil {
		return err
	}
	if out, err := exec.Command("nix-instantiate", "--parse", joined).CombinedOutput(); err != nil {
		return fmt.Errorf("nix-instantiate --parse of the joined corpus: %v: %.300s", err, out)
	}
	ours := exec.Command(b.bin, "check", "--no-eval", joined)
	nix := exec.Command("nix-instantiate", "--parse", joined)
	var a, n []time.Duration
	var ratios []float64
	for i := 0; i <= b.cfg.cliPairs; i++ { // the first pair warms the page cache
		ta, err := timeRun(ours.Args)
		if err != nil {
			return err
		}
		tn, err := timeRun(nix.Args)
		if err != nil {
			return err
		}
		if i > 0 {
			a, n = append(a, ta), append(n, tn)
			ratios = append(ratios, float64(ta)/float64(tn))
		}
	}
	sort.Float64s(ratios)
	med := ratios[len(ratios)/2]
	da, dn := summarize(a), summarize(n)
	name := fmt.Sprintf("check --no-eval, %.1f MB joined corpus", float64(size)/1e6)
	b.add(metric{Name: name, Number: da.P50, Value: fmt.Sprintf("median %.0f ms (n=%d)", da.P50, da.N), Budget: "-", Detail: da})
	b.add(metric{Name: "nix-instantiate --parse, same file", Number: dn.P50, Value: fmt.Sprintf("median %.0f ms (n=%d)", dn.P50, dn.N), Budget: "-", Detail: dn})
	b.add(metric{Name: "check --no-eval / --parse (median pair ratio)", Number: med,
		Value: fmt.Sprintf("%.2f× (pairs %.2f–%.2f)", med, ratios[0], ratios[len(ratios)-1]), Budget: "≤ 0.50×", Met: met(med <= 0.5)})
	return nil
}

// timeRun runs argv with its output discarded and returns its wall time.
// check exits 1 when it finds errors; only a failure to run counts.
func timeRun(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	t0 := time.Now()
	err := cmd.Run()
	took := time.Since(t0)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		return 0, err
	}
	return took, nil
}

// joinCorpus writes every .nix file under dir, each parenthesised, as one
// list expression (which Nix parses) and returns its path and size.
func joinCorpus(dir, out string) (string, int, error) {
	var b strings.Builder
	b.WriteString("[\n")
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".nix" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b.WriteString("(\n")
		b.Write(data)
		b.WriteString("\n)\n")
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	b.WriteString("]\n")
	return out, b.Len(), os.WriteFile(out, []byte(b.String()), 0o644)
}

// inProcessStatic times what a keystroke costs inside the server on the
// bench's own edits, to put beside the stdio figure: the server's way
// (reparse from the last tree, which takes over what did not change, then
// the static checks) and, for comparison, a whole parse and check.
func inProcessStatic(prof bigProfile, n int) (server, whole dist) {
	texts := [2][]byte{[]byte(prof.text), []byte(insertLine(prof.text, prof.dupLine, prof.dupText))}
	prev := nixsyntax.Parse(texts[0])
	check.Static("/bench.nix", prev, nil)
	var inc, full []time.Duration
	for i := 1; i <= n; i++ {
		src := texts[i%2]
		t0 := time.Now()
		f := nixsyntax.Reparse(prev, src)
		check.Static("/bench.nix", f, nil)
		inc = append(inc, time.Since(t0))
		prev = f
		t0 = time.Now()
		check.Static("/bench.nix", nixsyntax.Parse(src), nil)
		full = append(full, time.Since(t0))
	}
	return summarize(inc), summarize(full)
}

// insertLine puts text (a whole line) before line n (0-based).
func insertLine(text string, n int, line string) string {
	ls := strings.SplitAfter(text, "\n")
	return strings.Join(ls[:n], "") + line + strings.Join(ls[n:], "")
}
