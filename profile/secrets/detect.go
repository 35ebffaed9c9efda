package secrets

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// keyShapes are the formats of well-known credentials. Every alternative
// starts with one of shapePrefixes; Find runs it anchored at each
// occurrence of a prefix (after a word boundary, as \b would require), so
// the regexp never scans ordinary text. The AWS key id prefixes, Stripe,
// Slack app and Hugging Face shapes are gitleaks' (v8.30.1 rules
// aws-access-token, stripe-access-token, slack-app-token,
// huggingface-access-token and -organization-api-token): its rule set found
// those where these shapes did not (see gitleaks_test.go).
var keyShapes = regexp.MustCompile(`^(?:` +
	`sk-ant-[A-Za-z0-9_\-]{8,}` +
	`|sk-[A-Za-z0-9_\-]{16,}` +
	`|gh[pousr]_[A-Za-z0-9]{20,}` +
	`|github_pat_[A-Za-z0-9_]{20,}` +
	`|xox[abposr]-[A-Za-z0-9\-]{10,}` +
	`|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+` +
	`|(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}` +
	`|AIza[0-9A-Za-z_\-]{30,}` +
	`|glpat-[0-9A-Za-z_\-]{20,}` +
	`|[rs]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}` +
	`|hf_[A-Za-z]{34}` +
	`|api_org_[A-Za-z]{34}` +
	`)`)

// MinTokenLen is the shortest run the high-entropy rule considers.
const MinTokenLen = 32

// KnownShape reports whether s contains a well-known key format.
func KnownShape(s string) bool {
	found := false
	eachShape(s, func(int, int) bool { found = true; return false })
	return found
}

// HighEntropy reports whether tok looks like a random credential: at least
// 32 characters mixing upper case, lower case and digits, with at least 4
// bits of entropy per character, switching character class often, and not
// a word-separated name. Mixing all three classes excludes Nix store
// hashes, hex digests, UUIDs and model names (single-case); frequent class
// switches exclude CamelCase words followed by a number (random base62
// switches at about 44% of positions, "TestSomethingLong1234567890" at
// about 15%); more than one '-' or '_' in ten characters is a name like
// "usb-Focusrite_Scarlett_Solo_USB_Y7ZD17C24495BC-00" (random base64url has
// one in 32).
func HighEntropy(tok string) bool {
	if !mixedClasses(tok) || classSwitches(tok)*4 < len(tok) || separators(tok)*10 > len(tok) {
		return false
	}
	return entropy(tok) >= 4.0
}

func separators(tok string) int {
	return strings.Count(tok, "-") + strings.Count(tok, "_")
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

// entropy is the Shannon entropy of s in bits per character. Tokens are
// ASCII, so bytes are counted in an array; other text falls back to runes.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return runeEntropy(s)
		}
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

func runeEntropy(s string) float64 {
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
// shapes first, then high-entropy tokens not already covered. Both scans are
// single linear passes, so a multi-megabyte literal costs milliseconds.
func Find(s string) [][2]int {
	out := shapeSpans(s)
	shapes, k := len(out), 0
	eachToken(s, func(start, end int) bool {
		// Shapes are sorted and disjoint: skip those left of this token.
		for k < shapes && out[k][1] <= start {
			k++
		}
		if (k >= shapes || out[k][0] >= end) && HighEntropy(s[start:end]) {
			out = append(out, [2]int{start, end})
		}
		return true
	})
	return out
}

// eachShape calls fn with every key shape in s, left to right and without
// overlap (as FindAll of `\b(?:shapes)` would), until fn returns false.
func eachShape(s string, fn func(start, end int) bool) {
	if len(s) < minShapeLen {
		return
	}
	for i := 0; i+minShapeLen <= len(s); i++ {
		if !shapeStart[s[i]] || !shapePairs[uint16(s[i])<<8|uint16(s[i+1])] || (i > 0 && wordByte[s[i-1]]) || !hasShapePrefix(s[i:]) {
			continue
		}
		if m := keyShapes.FindStringIndex(s[i:]); m != nil {
			if !fn(i, i+m[1]) {
				return
			}
			i += m[1] - 1
		}
	}
}

// eachToken calls fn with every candidate token at least MinTokenLen long,
// left to right, until fn returns false. A candidate is a maximal run of
// base64 characters ([A-Za-z0-9_\-+/], then any '=' padding), except:
//   - a run that starts with an SRI algorithm (sha256-…) is a content hash,
//     not a candidate, nor is any part of it;
//   - a run holding a '/' is cut at each '/' (a '/' joins path segments far
//     more often than it sits in a key), unless it is 40 characters long,
//     the shape of an AWS secret access key, and does not start with '/':
//     a run that does is a path (/home/…, ./…, file:///…), and a path
//     whose run happened to be 40 characters was masked, URIs included,
//     so the editor could not match a published diagnostic to its file.
func eachToken(s string, fn func(start, end int) bool) {
	if len(s) < MinTokenLen {
		return
	}
	for i := 0; i < len(s); i++ {
		if !runByte[s[i]] {
			continue
		}
		j, slash := i, false
		for j < len(s) && runByte[s[j]] {
			slash = slash || s[j] == '/'
			j++
		}
		end := j
		for end < len(s) && s[end] == '=' {
			end++
		}
		if !tokenParts(s, i, j, end, slash, fn) {
			return
		}
		i = end - 1 // s[end] may start the next run ("token=<key>")
	}
}

// tokenParts hands fn the candidates of the run s[i:j] (end includes its
// padding); it returns false when fn asked to stop.
func tokenParts(s string, i, j, end int, slash bool, fn func(start, end int) bool) bool {
	switch {
	case end-i < MinTokenLen || sriHash(s[i:j]) || digestLabel(s[:i]):
		return true
	case !slash || j-i == awsSecretLen && s[i] != '/':
		return fn(i, end)
	}
	for start := i; start < j; {
		cut := strings.IndexByte(s[start:j], '/')
		stop := start + cut
		if cut < 0 {
			stop = end
		}
		if stop-start >= MinTokenLen && !fn(start, stop) {
			return false
		}
		if cut < 0 {
			break
		}
		start = stop + 1
	}
	return true
}

// digestLabel reports whether the text before a run ends in a digest's
// algorithm label, as in an SSH fingerprint "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s".
func digestLabel(before string) bool {
	for _, p := range []string{"SHA256:", "sha256:", "SHA512:", "sha512:", "SHA1:", "sha1:"} {
		if strings.HasSuffix(before, p) {
			return true
		}
	}
	return false
}

// awsSecretLen is the length of an AWS secret access key (base64, so it
// may hold '/').
const awsSecretLen = 40

// sriHash reports whether a run is an SRI hash or a Nix hash in SRI form:
// an algorithm name, '-', base64 (sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=).
func sriHash(run string) bool {
	for _, p := range []string{"sha256-", "sha512-", "sha1-", "sha384-", "md5-", "blake3-"} {
		if strings.HasPrefix(run, p) {
			return true
		}
	}
	return false
}

// shapePrefixes are the literal starts of the key shapes; checking them
// first keeps the regexp off ordinary text.
var shapePrefixes = []string{"sk-", "gh", "github_pat_", "xox", "xapp-", "AKIA", "ASIA", "ABIA", "ACCA", "AIza",
	"glpat-", "sk_", "rk_", "hf_", "api_org_"}

// MinShapeLen is the length of the shortest key shape (sk-ant- + 8): no
// shorter text is secret-looking, so callers may skip it unscanned.
const MinShapeLen = 15

const minShapeLen = MinShapeLen

func hasShapePrefix(s string) bool {
	if len(s) < 3 || !shapePairs[uint16(s[0])<<8|uint16(s[1])] {
		return false // most text: "s", "g", "h" or "A" then another letter
	}
	for _, p := range shapePrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Byte classes: shapeStart (first bytes of shapePrefixes), wordByte (\w,
// for \b) and runByte (token characters); shapePairs holds the first two
// bytes of each prefix, so ordinary words starting with s, g, h, r, a or A
// are rejected without comparing prefixes. Built once, never written.
var shapeStart, wordByte, runByte = byteSets()

var shapePairs = prefixPairs()

func prefixPairs() *[1 << 16]bool {
	var pairs [1 << 16]bool
	for _, p := range shapePrefixes {
		pairs[uint16(p[0])<<8|uint16(p[1])] = true
	}
	return &pairs
}

func byteSets() (start, word, run [256]bool) {
	for _, p := range shapePrefixes {
		start[p[0]] = true
	}
	for c := 0; c < 256; c++ {
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		word[c] = alnum || c == '_'
		run[c] = alnum || c == '_' || c == '-' || c == '+' || c == '/'
	}
	return start, word, run
}

// LooksSecret reports whether s contains a known key shape or a
// high-entropy token. It stops at the first one.
func LooksSecret(s string) bool {
	if KnownShape(s) {
		return true
	}
	found := false
	eachToken(s, func(start, end int) bool {
		found = HighEntropy(s[start:end])
		return !found
	})
	return found
}

// Mask is the redacted form of a secret value: its first 4 characters and
// its length, e.g. `sk-a…(40 chars)`. Values under 12 characters show no
// prefix, since 4 characters would be a third of them.
func Mask(v string) string {
	n := utf8.RuneCountInString(v)
	if n < 12 {
		return fmt.Sprintf("…(%d chars)", n)
	}
	// Ranging yields U+FFFD for invalid bytes, as []rune(v) did.
	var head strings.Builder
	k := 0
	for _, r := range v {
		if k == 4 {
			break
		}
		head.WriteRune(r)
		k++
	}
	return fmt.Sprintf("%s…(%d chars)", head.String(), n)
}

// Redact masks every secret-looking token in text (Nix stderr, error
// messages, log lines) with Mask, plus URL passwords and credential-named
// query parameters. URL parts go first so a key is masked only once.
func Redact(text string) string { return redact(text, Find) }

// redactURI is Redact for a file URI: key shapes and URL credentials only.
// A URI is how the editor finds the file, so the entropy guess, which can
// take a random-looking folder name for a key, would send the editor's
// diagnostics to a file that does not exist; the folder name is on the
// user's disk already.
func redactURI(uri string) string { return redact(uri, shapeSpans) }

// shapeSpans are the key shapes in s (Find without the entropy guess).
func shapeSpans(s string) [][2]int {
	var out [][2]int
	eachShape(s, func(start, end int) bool {
		out = append(out, [2]int{start, end})
		return true
	})
	return out
}

func redact(text string, find func(string) [][2]int) string {
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
	spans := find(text)
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
	// The words first: most names (every key of every literal, on every
	// keystroke) hold none, and then no suffix needs a look.
	word := false
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			word = true
			break
		}
	}
	if !word {
		return false
	}
	for _, suffix := range []string{"_env", "_file", "_path", "_id", "_ref", "tokens", "_name"} {
		if strings.HasSuffix(n, suffix) {
			return false
		}
	}
	return true
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

// Plaintext judges a literal string value by what it is. field is the name
// of the field it is bound to ("" when none); credential says whether that
// field is a credential position of the manifest schema. There every value
// but "" and an environment variable name is a credential. Anywhere else
// only a known key shape or a high-entropy token is, whatever the field is
// called, since `keybind = "q"` or a test's `password = "hunter2"` is not
// a secret; and under a field named for a digest (DigestName) only a key
// shape is, since a SHA-256 in base64 is as random as a key.
func Plaintext(v, field string, credential bool) bool {
	switch {
	case v == "":
		return false
	case credential:
		return !EnvNameLike(v) || LooksSecret(v)
	case !LooksSecret(v): // first: most values are not, and it needs no name
		return false
	}
	return !DigestName(field) || KnownShape(v)
}

// digestWords are the words of field names that hold a digest or a
// fingerprint (hash, narHash, sha256, outputHash, keys.fingerprint,
// integrity, checksum).
var digestWords = []string{"hash", "sha1", "sha256", "sha512", "fingerprint", "integrity", "checksum", "digest"}

// DigestName reports whether a field name says its value is a digest
// (sha256, narHash, fingerprint, integrity...) rather than a credential.
func DigestName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range digestWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// EnvNameLike reports whether v looks like an environment variable name
// (^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$): under a credential-named field such a
// value names where the key is (api_key = "OPENAI_API_KEY"), it is not the
// key. A byte loop, as the regexp took a quarter second on a multi-megabyte
// literal.
func EnvNameLike(v string) bool {
	if v == "" || v[0] < 'A' || v[0] > 'Z' || v[len(v)-1] == '_' {
		return false
	}
	underscore := false
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '_':
			if v[i-1] == '_' {
				return false
			}
			underscore = true
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return underscore
}
