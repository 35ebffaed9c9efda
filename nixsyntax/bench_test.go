package nixsyntax

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

type corpusSet struct {
	paths []string
	srcs  [][]byte
	total int64
}

func loadHomeManager(b *testing.B) corpusSet {
	var s corpusSet
	for _, p := range corpusFiles(b, "home-manager", "*.nix") {
		src := readFile(b, p)
		s.paths = append(s.paths, p)
		s.srcs = append(s.srcs, src)
		s.total += int64(len(src))
	}
	return s
}

func (s corpusSet) largest() (string, []byte) {
	best := 0
	for i := range s.srcs {
		if len(s.srcs[i]) > len(s.srcs[best]) {
			best = i
		}
	}
	return s.paths[best], s.srcs[best]
}

// BenchmarkParseHomeManager parses every file of corpus/home-manager per
// iteration (ns/op is the time for the whole set).
func BenchmarkParseHomeManager(b *testing.B) {
	s := loadHomeManager(b)
	b.SetBytes(s.total)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, src := range s.srcs {
			Parse(src)
		}
	}
	reportSet(b, cpu0)
}

// BenchmarkCheckHomeManager parses and runs all checks (Diagnostics).
func BenchmarkCheckHomeManager(b *testing.B) {
	s := loadHomeManager(b)
	b.SetBytes(s.total)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, src := range s.srcs {
			Parse(src).Diagnostics("x.nix")
		}
	}
	reportSet(b, cpu0)
}

func BenchmarkParseLargest(b *testing.B) {
	_, src := loadHomeManager(b).largest()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		Parse(src)
	}
	reportSet(b, cpu0)
}

// benchNix runs one `nix-instantiate --parse` over all the given files per
// iteration, for comparison with our parser on the same input.
func benchNix(b *testing.B, paths []string, total int64) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		b.Skip("nix-instantiate not installed")
	}
	b.SetBytes(total)
	cpu0 := cpuTime()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, nix, append([]string{"--parse"}, paths...)...)
		err := cmd.Run()
		cancel()
		if err != nil {
			b.Fatalf("nix-instantiate --parse: %v", err)
		}
	}
	reportSet(b, cpu0)
}

func BenchmarkNixParseHomeManager(b *testing.B) {
	s := loadHomeManager(b)
	benchNix(b, s.paths, s.total)
}

func BenchmarkNixParseLargest(b *testing.B) {
	p, src := loadHomeManager(b).largest()
	benchNix(b, []string{p}, int64(len(src)))
}

// reportSet adds wall and CPU milliseconds per iteration. On a shared,
// loaded machine the CPU figure is the one to compare with the budget.
func reportSet(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "wall-ms/op")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// profileSource builds a realistic profile of about n lines: let bindings,
// a lambda with formals, nested sets, lists, strings and interpolation.
func profileSource(n int) []byte {
	var sb strings.Builder
	sb.WriteString("{ lib, pkgs, secrets, ... }:\nlet\n  base = \"/srv\";\n  mk = name: { inherit name; path = \"${base}/${name}\"; };\nin\n{\n")
	for i := 0; sb.Len() < n*40; i++ {
		fmt.Fprintf(&sb, "  section%d = {\n    enable = true;\n    name = \"s%d\";\n", i, i)
		fmt.Fprintf(&sb, "    auth = secrets.ref \"key-%d\";\n    tools = [ (mk \"t%d\") pkgs.git ];\n", i, i)
		fmt.Fprintf(&sb, "    opts.level = if %d > 3 then lib.mkForce %d else null;\n  };\n", i, i)
	}
	sb.WriteString("}\n")
	return []byte(sb.String())
}

// BenchmarkCheckProfile1000 is the per-keystroke cost for a 1,000-line
// profile: parse plus all checks.
func BenchmarkCheckProfile1000(b *testing.B) {
	src := profileSource(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		f := Parse(src)
		if len(errorsOf(f.Diagnostics("p.nix"))) > 0 {
			b.Fatal("generated profile has errors")
		}
	}
	reportSet(b, cpu0)
}
