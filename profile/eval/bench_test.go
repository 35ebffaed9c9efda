package eval

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// BenchmarkEvalOverhead compares our save-to-result time (Scheduler.Submit
// with immediate=true until onResult, cache emptied each time) with a bare
// `nix-instantiate --eval --strict --json FILE` of the same profile, run
// alternately so machine load hits both alike. Budget: ratio < 1.10.
// The "big" cases evaluate a 1000-line profile shaped like the server
// benchmark's (cmd/insomnia-lsp-bench): a table Nix folds over, then the
// manifest.
func BenchmarkEvalOverhead(b *testing.B) {
	for _, big := range []bool{false, true} {
		for _, trusted := range []bool{true, false} {
			name := map[bool]string{true: "trusted", false: "untrusted"}[trusted]
			if big {
				name = "big-" + name
			}
			b.Run(name, func(b *testing.B) { benchOverhead(b, trusted, big) })
		}
	}
}

func benchOverhead(b *testing.B, trusted, big bool) {
	opts := testOptions(b)
	opts.Trusted = trusted
	path := filepath.Join(opts.ResourcesDir, "nix", "profiles", "default.nix")
	if big {
		path = writeFile(b, b.TempDir(), "big.nix", bigProfile(filepath.Join(opts.ResourcesDir, "nix", "profile-lib.nix"), 1000))
	}
	done := make(chan Result, 1)
	s := NewScheduler(opts, func(_ string, r Result) { done <- r })
	defer s.Close()
	if _, err := s.Evaluator().NixVersion(context.Background()); err != nil {
		b.Fatal(err)
	}
	var bare, ours, nix []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := exec.Command(DefaultProgram, "--eval", "--strict", "--json", path).Run(); err != nil {
			b.Fatal(err)
		}
		bare = append(bare, time.Since(t0))

		s.Evaluator().cache = NewCache(opts.CacheCount, opts.CacheBytes)
		t1 := time.Now()
		s.Submit(path, Request{Path: path}, true)
		r := <-done
		ours = append(ours, time.Since(t1))
		if r.Failure != nil {
			b.Fatal(r.Failure)
		}
		nix = append(nix, r.Duration)
	}
	// Medians: the machine is shared, and one slow run must not decide.
	mb, mo := median(bare), median(ours)
	b.ReportMetric(float64(mb.Microseconds()), "bare-median-µs")
	b.ReportMetric(float64(mo.Microseconds()), "ours-median-µs")
	b.ReportMetric(float64(median(nix).Microseconds()), "ours-nix-run-median-µs")
	b.ReportMetric(float64(mo)/float64(mb), "ratio")
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// bigProfile is a profile of about n lines, like the server benchmark's.
func bigProfile(lib string, n int) string {
	var t strings.Builder
	fmt.Fprintf(&t, "let\n  lib = import %s { };\n  table = {\n", lib)
	for i := 1; i <= n-16; i++ {
		fmt.Fprintf(&t, "    e%04d = { label = \"entry %d\"; weight = %d; tags = [ \"t%d\" \"bench\" ]; };\n", i, i, i%7, i%5)
	}
	t.WriteString(`  };
  total = builtins.foldl' (sum: k: sum + table.${k}.weight) 0 (builtins.attrNames table);
in
lib.mkProfile {
  name = "bench";
  description = "generated: ${toString total} total weight";
  pod.name = "bench";
  model.ref = "anthropic/claude-sonnet-4";
  scope.allow = [ { target = "."; permission = "read"; } ];
  web.search.provider = "brave";
  worker.reasoning = "high";
}
`)
	return t.String()
}

// BenchmarkInterpretBig is our own work after Nix ends (JSON, positions,
// literal search) for the 1000-line profile: the part of the overhead that
// is not Nix.
func BenchmarkInterpretBig(b *testing.B) {
	opts := testOptions(b)
	path := writeFile(b, b.TempDir(), "big.nix", bigProfile(filepath.Join(opts.ResourcesDir, "nix", "profile-lib.nix"), 1000))
	e := NewEvaluator(opts)
	text, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	wrapper := filepath.Join(opts.ResourcesDir, filepath.FromSlash(WrapperFile))
	prefix := "(import " + nixString(wrapper) + ") (\n"
	stdin := append(append([]byte(prefix), text...), "\n) \"insomnia-lsp:end\"\n"...)
	o := run(context.Background(), runSpec{argv: []string{DefaultProgram, "--eval", "--strict", "--json", "-"},
		dir: filepath.Dir(path), env: childEnv(true), stdin: stdin, timeout: opts.withDefaults().Timeout,
		maxStdout: 1 << 24, maxStderr: 1 << 24})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := e.interpret(o, newSourceMap(path, text, 1, opts.ResourcesDir))
		if r.Failure != nil || len(r.Positions) == 0 {
			b.Fatalf("%+v", r.Failure)
		}
	}
}
