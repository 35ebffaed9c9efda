package secrets

import (
	"fmt"
	"math/rand"
	"strings"
)

// A fakeKey is a generated example of one credential format: FAKE values
// with the right shape, made at test time from a seeded PRNG so no literal
// key is ever committed (push protection would flag one, and it would be
// one real-looking key rather than a family).
type fakeKey struct {
	provider string
	value    string
	// line is how the key appears inside a longer string (a shell export,
	// a header, a credentials file line); %s is the key.
	line string
}

const (
	base62    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	base64url = base62 + "-_"
	base64std = base62 + "+/"
	hexLower  = "0123456789abcdef"
	letters   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	upperB32  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	digits    = "0123456789"
)

func pick(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

// mixedToken is a random base62 run holding upper case, lower case and a
// digit: what the high-entropy rule is defined on ("mixed-case
// alphanumeric"); a draw missing a class is drawn again.
func mixedToken(r *rand.Rand, n int) string {
	for {
		s := pick(r, base62, n)
		if strings.ContainsAny(s, upperB32[:26]) && strings.ContainsAny(s, letters[26:]) && strings.ContainsAny(s, digits) {
			return s
		}
	}
}

// keyFormats builds each format from its documented shape. The providers
// are those the manifest supports (Anthropic, OpenAI, Gemini, OpenRouter)
// and the usual ones of a developer's machine.
func keyFormats(r *rand.Rand) []fakeKey {
	slackID := func() string { return pick(r, digits, 10+r.Intn(4)) }
	return []fakeKey{
		{"anthropic", "sk-ant-api03-" + pick(r, base64url, 93) + "AA", "export ANTHROPIC_API_KEY=%s"},
		{"anthropic-admin", "sk-ant-admin01-" + pick(r, base64url, 93) + "AA", "x-api-key: %s"},
		{"openai-project", "sk-proj-" + pick(r, base64url, 74) + "T3BlbkFJ" + pick(r, base64url, 74), "Authorization: Bearer %s"},
		{"openai-legacy", "sk-" + pick(r, base62, 20) + "T3BlbkFJ" + pick(r, base62, 20), "OPENAI_API_KEY=%s"},
		{"openrouter", "sk-or-v1-" + pick(r, hexLower, 64), "Authorization: Bearer %s"},
		{"google", "AIza" + pick(r, base64url, 35), "https://generativelanguage.googleapis.com/v1beta/models?key=%s"},
		{"github-classic", "ghp_" + pick(r, base62, 36), "git clone https://%s@github.com/o/r"},
		{"github-oauth", "gho_" + pick(r, base62, 36), "token %s"},
		{"github-app", "ghs_" + pick(r, base62, 36), "GITHUB_TOKEN=%s"},
		{"github-user-to-server", "ghu_" + pick(r, base62, 36), "GH_TOKEN=%s"},
		{"github-refresh", "ghr_" + pick(r, base62, 76), "refresh=%s"},
		{"github-fine-grained", "github_pat_" + pick(r, base62, 22) + "_" + pick(r, base62, 59), "export GH_TOKEN=\"%s\""},
		{"gitlab-pat", "glpat-" + pick(r, base64url, 20), "PRIVATE-TOKEN: %s"},
		{"slack-bot", "xoxb-" + slackID() + "-" + slackID() + "-" + pick(r, base62, 24), "SLACK_BOT_TOKEN=%s"},
		{"slack-user", "xoxp-" + slackID() + "-" + slackID() + "-" + slackID() + "-" + pick(r, hexLower, 32), "token: %s"},
		{"slack-app", "xapp-1-A" + pick(r, upperB32[:26]+digits, 10) + "-" + slackID() + "-" + pick(r, hexLower, 64), "SLACK_APP_TOKEN=%s"},
		{"aws-access-key-id", "AKIA" + pick(r, upperB32, 16), "aws_access_key_id = %s"},
		{"aws-session-key-id", "ASIA" + pick(r, upperB32, 16), "AWS_ACCESS_KEY_ID=%s"},
		{"aws-secret-access-key", awsSecret(r), "aws_secret_access_key = %s"},
		{"stripe-secret", "sk_live_" + pick(r, base62, 99), "STRIPE_SECRET_KEY=%s"},
		{"stripe-restricted", "rk_live_" + pick(r, base62, 99), "stripe: %s"},
		{"stripe-test", "sk_test_" + pick(r, base62, 24), "STRIPE_KEY=%s"},
		{"huggingface", "hf_" + pick(r, letters, 34), "HF_TOKEN=%s"},
		{"huggingface-org", "api_org_" + pick(r, letters, 34), "Authorization: Bearer %s"},
		{"high-entropy-32", mixedToken(r, 32), "token=%s"},
		{"high-entropy-40", mixedToken(r, 40), "Authorization: Bearer %s"},
		{"high-entropy-64", mixedToken(r, 64), "secret: %s # rotate monthly"},
	}
}

// awsSecret is a secret access key: 40 characters of standard base64,
// drawn until it holds a '/' or '+' (as most do), the case where the
// token is not one alphanumeric run.
func awsSecret(r *rand.Rand) string {
	for {
		s := pick(r, base64std, 40)
		if strings.ContainsAny(s, "/+") {
			return s
		}
	}
}

// recallSet is n rounds of every format, from a fixed seed.
func recallSet(n int) []fakeKey {
	r := rand.New(rand.NewSource(20240601))
	var out []fakeKey
	for i := 0; i < n; i++ {
		out = append(out, keyFormats(r)...)
	}
	return out
}

func (k fakeKey) embedded() string { return fmt.Sprintf(k.line, k.value) }
