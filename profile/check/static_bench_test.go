package check

import (
	"fmt"
	"math/rand"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// cpuTime is this process's CPU time: on a shared, loaded machine it is the
// figure to compare with the keystroke budget, not wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchProfile builds a profile of about n lines as people write them: let
// bindings, a model with a secrets.ref, nested sets, lists of scope and
// permission rules, many string literals, and a few plaintext keys.
func benchProfile(n int) []byte {
	var b strings.Builder
	b.WriteString("{ lib, pkgs, secrets, ... }:\nlet\n  home = \"/home/dev\";\n  ro = target: { inherit target; permission = \"read\"; };\n  rw = target: { inherit target; permission = \"write\"; recursive = true; };\nin\n{\n  manifest = {\n")
	b.WriteString("    model = {\n      ref = \"anthropic/claude-sonnet\";\n      scheme = \"anthropic\";\n      auth = secrets.ref \"llm.anthropic.default\";\n    };\n")
	lines := func() int { return strings.Count(b.String(), "\n") }
	for i := 0; lines() < n-12; i++ {
		fmt.Fprintf(&b, "    tool%d = {\n      enable = %v;\n      description = \"tool number %d does things with files\";\n", i, i%2 == 0, i)
		fmt.Fprintf(&b, "      auth = { kind = \"api_key\"; env = \"TOOL_%d_API_KEY\"; };\n", i)
		if i%10 == 3 {
			fmt.Fprintf(&b, "      api_key = \"sk-%s\";\n", strings.Repeat("Ab1x", 8))
		}
		if i%4 == 1 {
			fmt.Fprintf(&b, "      token = secrets.ref \"tool.t%d.default\";\n", i)
		}
		b.WriteString("      scope.allow = [\n")
		for j := 0; j < 4; j++ {
			fmt.Fprintf(&b, "        (ro \"${home}/src/project%d/dir%d\")\n        { target = \"/srv/data/%d/%d\"; permission = \"write\"; }\n", i, j, i, j)
		}
		b.WriteString("      ];\n      rules = [ { tool = \"Bash\"; pattern = \"git *\"; action = \"allow\"; } { tool = \"Read\"; pattern = \"**\"; action = \"allow\"; } ];\n")
		fmt.Fprintf(&b, "      prompt = ''\n        You are tool %d.\n        Be careful with ${home}.\n      '';\n    };\n", i)
	}
	b.WriteString("    worker.stop_sequences = [ \"</done>\" \"STOP\" ];\n  };\n}\n")
	return []byte(b.String())
}

func benchStatic(b *testing.B, src []byte) {
	ids := []string{"llm.anthropic.default", "tool.t1.default", "brave.search.default"}
	if ds := Static("/p.nix", nixsyntax.Parse(src), ids); len(ds) == 0 {
		b.Fatal("the benchmark profile should have findings")
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		Static("/p.nix", nixsyntax.Parse(src), ids)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "wall-ms/op")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkStaticProfile1000 is one keystroke's static diagnostics for a
// 1,000-line profile (budget: 10 ms p99), parse included.
func BenchmarkStaticProfile1000(b *testing.B) {
	src := benchProfile(1000)
	if n := strings.Count(string(src), "\n"); n < 990 || n > 1010 {
		b.Fatalf("generated %d lines", n)
	}
	benchStatic(b, src)
}

// BenchmarkStaticHugeLiteral is a 5 MB string literal (pasted text with
// token-shaped runs and an auth key) in a small profile.
func BenchmarkStaticHugeLiteral(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var v strings.Builder
	for v.Len() < 5<<20 {
		switch r.Intn(4) {
		case 0: // a random token-shaped run
			for k := 40 + r.Intn(40); k > 0; k-- {
				v.WriteByte(alnum[r.Intn(len(alnum))])
			}
		default:
			v.WriteString("the right highlight of the night sky ")
		}
		v.WriteByte(' ')
	}
	src := "{ secrets, ... }: { manifest.model.auth = secrets.ref \"llm.anthropic.default\"; manifest.notes = \"" + v.String() + "\"; }\n"
	benchStatic(b, []byte(src))
}

// BenchmarkStaticProfileOneLine is the same profile with its newlines
// turned into spaces (generated or minified Nix): every literal sits on one
// long line, where position conversion must not go quadratic.
func BenchmarkStaticProfileOneLine(b *testing.B) {
	src := benchProfile(1000)
	for i, c := range src {
		if c == '\n' {
			src[i] = ' '
		}
	}
	benchStatic(b, src)
}
