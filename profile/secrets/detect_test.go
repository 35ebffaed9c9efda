package secrets

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Find as regexps say it, to check its linear scans give the same spans:
// refShapes for key shapes, refRun for base64 runs and refTokens for the
// candidates a run gives.
var (
	refShapes = regexp.MustCompile(`\b(?:` + strings.TrimPrefix(keyShapes.String(), `^(?:`))
	refRun    = regexp.MustCompile(`[A-Za-z0-9_\-+/]+=*`)
	refSRI    = regexp.MustCompile(`^(?:sha256|sha512|sha1|sha384|md5|blake3)-`)
	refLabel  = regexp.MustCompile(`(?:SHA256|sha256|SHA512|sha512|SHA1|sha1):$`)
)

// refTokens is the candidates of run s[m0:m1]: none for a hash, the parts
// between '/' unless the run (padding aside) is 40 long and does not start
// with '/' (a path's), and only those
// MinTokenLen or longer.
func refTokens(s string, m0, m1 int) [][2]int {
	run := s[m0:m1]
	bare := strings.TrimRight(run, "=")
	if refSRI.MatchString(run) || refLabel.MatchString(s[:m0]) {
		return nil
	}
	var parts [][2]int
	if !strings.Contains(bare, "/") || len(bare) == 40 && bare[0] != '/' {
		parts = [][2]int{{m0, m1}}
	} else {
		start := m0
		for _, p := range strings.Split(bare, "/") {
			parts = append(parts, [2]int{start, start + len(p)})
			start += len(p) + 1
		}
		parts[len(parts)-1][1] = m1 // the padding goes with the last part
	}
	var out [][2]int
	for _, p := range parts {
		if p[1]-p[0] >= MinTokenLen {
			out = append(out, p)
		}
	}
	return out
}

func refFind(s string) [][2]int {
	var out [][2]int
	for _, m := range refShapes.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	var runs [][2]int
	for _, r := range refRun.FindAllStringIndex(s, -1) {
		runs = append(runs, refTokens(s, r[0], r[1])...)
	}
	for _, m := range runs {
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
		"ASIA", "sk_live_", "rk_test_", "hf_", "api_org_", "xapp-1-A", "sha256-", "SHA256:", "==",
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

// A path or URI whose run of base64 characters is 40 long, as an AWS
// secret access key is, is a path: it reaches the editor unmasked (a
// masked URI names no file), while a 40-character secret holding '/' is
// still found.
func TestFortyCharacterPathsAreNotKeys(t *testing.T) {
	for _, s := range []string{
		"file:///tmp/TestInfiniteLoop83953893/001/loop.nix",
		"/tmp/TestInfiniteLoop839538931/001/loop0.nix is not evaluated",
	} {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) = %q, want it unchanged", s, got)
		}
	}
	// Each string's run is 40 characters and high entropy: without the
	// leading-'/' rule it was masked whole.
	for _, run := range []string{"///tmp/TestInfiniteLoop83953893/001/loop", "/tmp/TestInfiniteLoop839538931/001/loop0"} {
		if len(run) != awsSecretLen || !HighEntropy(run) {
			t.Fatalf("%q proves nothing: %d characters, high entropy %v", run, len(run), HighEntropy(run))
		}
	}
	r := rand.New(rand.NewSource(1))
	aws := awsSecret(r)
	for !HighEntropy(aws) || aws[0] == '/' || !strings.Contains(aws, "/") {
		aws = awsSecret(r)
	}
	if got := Redact("aws_secret_access_key = " + aws); strings.Contains(got, aws[4:]) {
		t.Errorf("an AWS secret with '/' is no longer found: %q", got)
	}
}
