package secrets

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
)

// keyShapes are the prefixes of well-known credential formats. \b keeps
// "task-..." from matching "sk-".
var keyShapes = regexp.MustCompile(`\b(?:` +
	`sk-ant-[A-Za-z0-9_\-]{8,}` +
	`|sk-[A-Za-z0-9_\-]{16,}` +
	`|gh[pousr]_[A-Za-z0-9]{20,}` +
	`|github_pat_[A-Za-z0-9_]{20,}` +
	`|xox[abposr]-[A-Za-z0-9\-]{10,}` +
	`|AKIA[0-9A-Z]{16}` +
	`|AIza[0-9A-Za-z_\-]{30,}` +
	`|glpat-[0-9A-Za-z_\-]{20,}` +
	`)`)

// tokenRun finds candidate opaque tokens for the entropy test.
var tokenRun = regexp.MustCompile(`[A-Za-z0-9_\-+=]{32,}`)

// MinTokenLen is the shortest run the high-entropy rule considers.
const MinTokenLen = 32

// KnownShape reports whether s contains a well-known key format.
func KnownShape(s string) bool { return keyShapes.MatchString(s) }

// HighEntropy reports whether tok looks like a random credential: at least
// 32 characters mixing upper case, lower case and digits, with at least 4
// bits of entropy per character, switching character class often. Mixing
// all three classes excludes Nix store hashes, hex digests, UUIDs and model
// names (single-case); frequent class switches exclude CamelCase words
// followed by a number (random base62 switches at about 44% of positions,
// "TestSomethingLong1234567890" at about 15%).
func HighEntropy(tok string) bool {
	if !mixedClasses(tok) || classSwitches(tok)*4 < len(tok) {
		return false
	}
	return entropy(tok) >= 4.0
}

func mixedClasses(tok string) bool {
	if len(tok) < MinTokenLen {
		return false
	}
	var upper, lower, digit bool
	for _, c := range tok {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}

// classSwitches counts neighbours of different class (upper, lower, digit,
// other), except upper then lower, which is how words start.
func classSwitches(tok string) int {
	class := func(c byte) int {
		switch {
		case c >= 'A' && c <= 'Z':
			return 0
		case c >= 'a' && c <= 'z':
			return 1
		case c >= '0' && c <= '9':
			return 2
		}
		return 3
	}
	n := 0
	for i := 1; i < len(tok); i++ {
		a, b := class(tok[i-1]), class(tok[i])
		if a != b && !(a == 0 && b == 1) {
			n++
		}
	}
	return n
}

func entropy(s string) float64 {
	counts := map[rune]int{}
	for _, c := range s {
		counts[c]++
	}
	h := 0.0
	n := float64(len(s))
	for _, k := range counts {
		p := float64(k) / n
		h -= p * math.Log2(p)
	}
	return h
}

// Find returns the byte ranges of every secret-looking token in s: known key
// shapes first, then high-entropy runs not already covered.
func Find(s string) [][2]int {
	var out [][2]int
	if mayHaveShape(s) {
		for _, m := range keyShapes.FindAllStringIndex(s, -1) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	if len(s) < MinTokenLen {
		return out
	}
	for _, m := range tokenRun.FindAllStringIndex(s, -1) {
		if !covered(out, m) && HighEntropy(s[m[0]:m[1]]) {
			out = append(out, [2]int{m[0], m[1]})
		}
	}
	return out
}

// shapePrefixes are literal parts every key shape contains; checking them
// first keeps the regexp off ordinary strings.
var shapePrefixes = []string{"sk-", "gh", "github_pat_", "xox", "AKIA", "AIza", "glpat-"}

// minShapeLen is the length of the shortest key shape (sk-ant- + 8).
const minShapeLen = 15

func mayHaveShape(s string) bool {
	if len(s) < minShapeLen {
		return false
	}
	for _, p := range shapePrefixes {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func covered(spans [][2]int, m []int) bool {
	for _, sp := range spans {
		if m[0] < sp[1] && sp[0] < m[1] {
			return true
		}
	}
	return false
}

// LooksSecret reports whether s contains a known key shape or a
// high-entropy token.
func LooksSecret(s string) bool { return len(Find(s)) > 0 }

// Mask is the redacted form of a secret value: its first 4 characters and
// its length, e.g. `sk-a…(40 chars)`. Values under 12 characters show no
// prefix, since 4 characters would be a third of them.
func Mask(v string) string {
	n := len([]rune(v))
	if n < 12 {
		return fmt.Sprintf("…(%d chars)", n)
	}
	return fmt.Sprintf("%s…(%d chars)", string([]rune(v)[:4]), n)
}

// Redact masks every secret-looking token in text (Nix stderr, error
// messages, log lines) with Mask, plus URL passwords and credential-named
// query parameters. URL parts go first so a key is masked only once.
func Redact(text string) string {
	if strings.ContainsAny(text, "@=") {
		text = userinfo.ReplaceAllStringFunc(text, func(m string) string {
			sub := userinfo.FindStringSubmatch(m)
			return sub[1] + Mask(sub[2]) + "@"
		})
		text = queryCred.ReplaceAllStringFunc(text, func(m string) string {
			sub := queryCred.FindStringSubmatch(m)
			return sub[1] + Mask(sub[2])
		})
	}
	spans := Find(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, sp := range sortSpans(spans) {
		if sp[0] < last {
			continue
		}
		b.WriteString(text[last:sp[0]])
		b.WriteString(Mask(text[sp[0]:sp[1]]))
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// userinfo matches "scheme://user:password@" in free text.
var userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)([^\s/@]+)@`)

func sortSpans(spans [][2]int) [][2]int {
	out := append([][2]int(nil), spans...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j][0] < out[j-1][0]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// queryCred matches a credential-named URL query parameter and its value.
var queryCred = regexp.MustCompile(`(?i)([?&](?:api[_-]?key|key|token|access_token|secret|password|sig)=)([^&\s"']+)`)

// credentialWords mark a field whose string value is a credential.
var credentialWords = []string{"key", "token", "secret", "password", "passwd", "credential", "bearer"}

// CredentialName reports whether a field name says it holds a credential
// (api_key, access_token, client_secret, password...). Names of fields that
// hold an environment variable name or a store id (api_key_env, env, ref,
// *_env, *_file, *_id) are not credentials, and neither are token counts
// (*_tokens, max_tokens).
func CredentialName(name string) bool {
	n := strings.ToLower(name)
	for _, suffix := range []string{"_env", "_file", "_path", "_id", "_ref", "tokens", "_name"} {
		if strings.HasSuffix(n, suffix) {
			return false
		}
	}
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// URLCredential reports whether a URL embeds a credential: user info with a
// password (or a lone user that looks secret), or a query parameter named
// like a credential.
func URLCredential(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok || LooksSecret(u.User.Username()) {
			return true
		}
	}
	for name, vals := range u.Query() {
		if CredentialName(name) || name == "sig" || name == "auth" {
			for _, v := range vals {
				if v != "" {
					return true
				}
			}
		}
	}
	return false
}
