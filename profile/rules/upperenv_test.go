package rules

import (
	"math/rand"
	"regexp"
	"testing"
)

// upperEnvLike must agree with the regexp it replaced.
func TestUpperEnvLikeMatchesRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)
	alphabet := []string{"A", "Z", "0", "9", "_", "a", "-", " ", "É"}
	r := rand.New(rand.NewSource(5))
	matched := 0
	for i := 0; i < 50000; i++ {
		s := ""
		for n := r.Intn(8); n > 0; n-- {
			s += alphabet[r.Intn(len(alphabet))]
		}
		if got, want := upperEnvLike(s), re.MatchString(s); got != want {
			t.Fatalf("upperEnvLike(%q) = %v, regexp says %v", s, got, want)
		}
		if re.MatchString(s) {
			matched++
		}
	}
	if matched < 100 {
		t.Errorf("only %d samples matched: the generator should hit both outcomes", matched)
	}
}
