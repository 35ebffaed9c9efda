package eval

import (
	"encoding/json"
	"os"
	"testing"
)

// TestTrustedEnvPolicy: the runtime's nix eval inherits insomnia-pod's
// environment (crates/manifest/src/profile.rs:425-430 at 6ecb5c4f builds
// the Command without env_clear), so builtins.getEnv sees the shell. We
// pass all of it only where we run in that shell (EnvInherit, the CLI with
// --trusted); the server passes the allow-list plus the user's names; an
// untrusted evaluation passes nothing a profile could read.
func TestTrustedEnvPolicy(t *testing.T) {
	opts := testOptions(t)
	environ := func() []string {
		return append(os.Environ()[:0:0], "PATH="+os.Getenv("PATH"), "HOME=/h", "USER=u", "LC_ALL=C",
			"XDG_DATA_HOME=/x", "INSOMNIA_HOME=/i", "MY_VAR=mine", "GITHUB_TOKEN=ghp_secret")
	}
	profile := `{ manifest = { user = builtins.getEnv "USER"; lc = builtins.getEnv "LC_ALL";
	  xdg = builtins.getEnv "XDG_DATA_HOME"; ins = builtins.getEnv "INSOMNIA_HOME";
	  mine = builtins.getEnv "MY_VAR"; token = builtins.getEnv "GITHUB_TOKEN"; }; }` + "\n"
	cases := []struct {
		name    string
		trusted bool
		policy  EnvPolicy
		want    map[string]string
	}{
		{"allow-list", true, EnvPolicy{Environ: environ},
			map[string]string{"user": "u", "lc": "C", "xdg": "/x", "ins": "/i", "mine": "", "token": ""}},
		{"allow-list plus passEnv", true, EnvPolicy{Environ: environ, Extra: []string{"MY_VAR"}},
			map[string]string{"user": "u", "mine": "mine", "token": ""}},
		{"inherit", true, EnvPolicy{Mode: EnvInherit, Environ: environ},
			map[string]string{"user": "u", "mine": "mine", "token": "ghp_secret"}},
		{"empty", true, EnvPolicy{Mode: EnvEmpty, Environ: environ},
			map[string]string{"user": "", "lc": "", "mine": "", "token": ""}},
		{"untrusted ignores the policy", false, EnvPolicy{Mode: EnvInherit, Environ: environ},
			map[string]string{"user": "", "mine": "", "token": ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := opts
			o.Trusted, o.Env = c.trusted, c.policy
			path := writeFile(t, t.TempDir(), "p.nix", profile)
			r := NewEvaluator(o).Evaluate(t.Context(), Request{Path: path})
			if r.Failure != nil {
				t.Fatalf("evaluation failed: %+v", r.Failure)
			}
			var art struct{ Manifest map[string]string }
			if err := json.Unmarshal(r.Artifact, &art); err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if art.Manifest[k] != v {
					t.Errorf("%s = %q, want %q", k, art.Manifest[k], v)
				}
			}
		})
	}
}

// TestEnvPolicyPasses is the name check the hover uses.
func TestEnvPolicyPasses(t *testing.T) {
	cases := []struct {
		policy EnvPolicy
		name   string
		want   bool
	}{
		{EnvPolicy{}, "HOME", true},
		{EnvPolicy{}, "LC_TIME", true},
		{EnvPolicy{}, "XDG_RUNTIME_DIR", true},
		{EnvPolicy{}, "INSOMNIA_DATA_DIR", true},
		{EnvPolicy{}, "NIX_PATH", true},
		{EnvPolicy{}, "GITHUB_TOKEN", false},
		{EnvPolicy{}, "LC", false},
		{EnvPolicy{Extra: []string{"GITHUB_TOKEN"}}, "GITHUB_TOKEN", true},
		{EnvPolicy{Extra: []string{"MY_*"}}, "MY_VAR", true},
		{EnvPolicy{Mode: EnvInherit}, "ANYTHING", true},
		{EnvPolicy{Mode: EnvEmpty}, "USER", false},
	}
	for _, c := range cases {
		if got := c.policy.Passes(c.name); got != c.want {
			t.Errorf("%+v.Passes(%s) = %v, want %v", c.policy, c.name, got, c.want)
		}
	}
}
