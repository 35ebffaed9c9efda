package secrets

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The regexps Find used before its linear scans; refFind is that Find, kept
// to check the scans give the same spans.
var (
	refShapes = regexp.MustCompile(`\b(?:` + strings.TrimPrefix(keyShapes.String(), `^(?:`))
	refRun    = regexp.MustCompile(`[A-Za-z0-9_\-+=]{32,}`)
)

func refFind(s string) [][2]int {
	var out [][2]int
	for _, m := range refShapes.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	for _, m := range refRun.FindAllStringIndex(s, -1) {
		hit := false
		for _, sp := range out {
			hit = hit || (m[0] < sp[1] && sp[0] < m[1])
		}
		if !hit && HighEntropy(s[m[0]:m[1]]) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

// randomText mixes words, separators, key prefixes and random token runs,
// so shapes, \b edges and overlapping runs all occur.
func randomText(r *rand.Rand) string {
	pieces := []string{"sk-", "sk-ant-", "ghp_", "gho_", "github_pat_", "xoxb-", "AKIA", "AIza", "glpat-", "gh",
		" ", "-", "_", "=", "/", ".", "é", "\xff", "task", "the night", "\n", "x"}
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for n := r.Intn(12); n >= 0; n-- {
		if r.Intn(2) == 0 {
			b.WriteString(pieces[r.Intn(len(pieces))])
			continue
		}
		for k := r.Intn(45); k > 0; k-- {
			b.WriteByte(alnum[r.Intn(len(alnum))])
		}
	}
	return b.String()
}

func TestFindMatchesRegexps(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	found := 0
	for i := 0; i < 20000; i++ {
		s := randomText(r)
		want := refFind(s)
		if got := Find(s); !slices.Equal(got, want) {
			t.Fatalf("Find(%q) = %v, want %v", s, got, want)
		}
		if LooksSecret(s) != (len(want) > 0) || KnownShape(s) != refShapes.MatchString(s) {
			t.Fatalf("LooksSecret/KnownShape disagree with Find on %q", s)
		}
		if len(want) > 0 {
			found++
		}
	}
	if found < 1000 || found > 19000 {
		t.Errorf("%d of 20000 samples had findings: the generator should mix both", found)
	}
}

func TestMaskInvalidUTF8(t *testing.T) {
	v := "\xffé\xfeabcdefghijkl"
	if got, want := Mask(v), string([]rune(v)[:4])+"…(15 chars)"; got != want {
		t.Errorf("Mask = %q, want %q", got, want)
	}
}

func FuzzFind(f *testing.F) {
	f.Add("key sk-ant-abcdefgh1234 and ghp_" + strings.Repeat("aB3", 8))
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Find(s), refFind(s); !slices.Equal(got, want) {
			t.Fatalf("Find(%q) = %v, want %v", s, got, want)
		}
	})
}
