package secrets

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// gitleaks' rule set (github.com/zricethezav/gitleaks/v8 v8.30.1,
// config/gitleaks.toml), measured against the hand-written detector on the
// same sets. The module is not a dependency: its config package alone pulls
// in viper and ~170 modules. The test reads the TOML from the module cache
// (`go mod download github.com/zricethezav/gitleaks/v8@v8.30.1`) and skips
// when it is not there.
const gitleaksModule = "github.com/zricethezav/gitleaks/v8@v8.30.1"

type glAllow struct {
	Condition   string   `toml:"condition"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	Stopwords   []string `toml:"stopwords"`
	Paths       []string `toml:"paths"`
	regexes     []*regexp.Regexp
}

type glRule struct {
	ID          string    `toml:"id"`
	Regex       string    `toml:"regex"`
	Path        string    `toml:"path"`
	SecretGroup int       `toml:"secretGroup"`
	Entropy     float64   `toml:"entropy"`
	Keywords    []string  `toml:"keywords"`
	Allowlists  []glAllow `toml:"allowlists"`
	re          *regexp.Regexp
}

type glConfig struct {
	Allowlist glAllow  `toml:"allowlist"`
	Rules     []glRule `toml:"rules"`
}

// loadGitleaks parses and compiles the rule set; rules that only match file
// paths (pkcs12-file) have no regex and are dropped.
func loadGitleaks(t testing.TB) *glConfig {
	t.Helper()
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, "go", "pkg", "mod")
	}
	file := filepath.Join(cache, "github.com/zricethezav/gitleaks/v8@v8.30.1", "config", "gitleaks.toml")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("gitleaks' rules are not in the module cache (go mod download %s): %v", gitleaksModule, err)
	}
	var c glConfig
	if _, err := toml.Decode(string(raw), &c); err != nil {
		t.Fatal(err)
	}
	compileAllow(t, &c.Allowlist)
	var rules []glRule
	for _, r := range c.Rules {
		if r.Regex == "" {
			continue
		}
		re, err := regexp.Compile(r.Regex)
		if err != nil {
			t.Fatalf("rule %s: Go regexp cannot compile it: %v", r.ID, err)
		}
		r.re = re
		for i := range r.Allowlists {
			compileAllow(t, &r.Allowlists[i])
		}
		rules = append(rules, r)
	}
	c.Rules = rules
	return &c
}

func compileAllow(t testing.TB, a *glAllow) {
	for _, s := range a.Regexes {
		re, err := regexp.Compile(s)
		if err != nil {
			t.Fatalf("allowlist regex %q: %v", s, err)
		}
		a.regexes = append(a.regexes, re)
	}
}

// detect applies the rules as gitleaks' detector does to one fragment:
// keyword prefilter, regex, secret group (else first non-empty group),
// entropy floor, then global and rule allowlists (regexes and stopwords;
// path and commit conditions do not apply to a string). Decoding passes
// (base64 of a key) are left out.
func (c *glConfig) detect(text string) string {
	lower := strings.ToLower(text)
	for _, r := range c.Rules {
		if len(r.Keywords) > 0 && !containsAny(lower, r.Keywords) {
			continue
		}
		for _, m := range r.re.FindAllStringSubmatch(text, -1) {
			secret := m[0]
			if r.SecretGroup > 0 && r.SecretGroup < len(m) {
				secret = m[r.SecretGroup]
			} else if r.SecretGroup == 0 {
				for _, g := range m[1:] {
					if g != "" {
						secret = g
						break
					}
				}
			}
			if r.Entropy != 0 && glEntropy(secret) <= r.Entropy {
				continue
			}
			if c.Allowlist.allows(secret, m[0], text) || r.allowed(secret, m[0], text) {
				continue
			}
			return r.ID
		}
	}
	return ""
}

func (r glRule) allowed(secret, match, line string) bool {
	for _, a := range r.Allowlists {
		if a.allows(secret, match, line) {
			return true
		}
	}
	return false
}

func (a glAllow) allows(secret, match, line string) bool {
	target := secret
	switch a.RegexTarget {
	case "match":
		target = match
	case "line":
		target = line
	}
	re := false
	for _, x := range a.regexes {
		re = re || x.MatchString(target)
	}
	stop := containsAny(strings.ToLower(secret), a.Stopwords)
	if a.Condition == "AND" {
		// Only the checks the allowlist defines count; paths never match.
		ok := len(a.Paths) == 0
		if len(a.regexes) > 0 {
			ok = ok && re
		}
		if len(a.Stopwords) > 0 {
			ok = ok && stop
		}
		return ok
	}
	return re || stop
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

func glEntropy(s string) float64 {
	counts := map[rune]float64{}
	for _, c := range s {
		counts[c]++
	}
	h, n := 0.0, float64(len(s))
	for _, k := range counts {
		h -= k / n * math.Log2(k/n)
	}
	return h
}
