package eval

import (
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkEvalOverhead compares our save-to-result time (Scheduler.Submit
// with immediate=true until onResult, cache emptied each time) with a bare
// `nix-instantiate --eval --strict --json FILE` of the same profile, run
// alternately so machine load hits both alike. Budget: ratio < 1.10.
func BenchmarkEvalOverhead(b *testing.B) {
	for _, trusted := range []bool{true, false} {
		name := "trusted"
		if !trusted {
			name = "untrusted"
		}
		b.Run(name, func(b *testing.B) { benchOverhead(b, trusted) })
	}
}

func benchOverhead(b *testing.B, trusted bool) {
	opts := testOptions(b)
	opts.Trusted = trusted
	path := filepath.Join(opts.ResourcesDir, "nix", "profiles", "default.nix")
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
