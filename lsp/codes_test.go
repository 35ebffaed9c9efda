package lsp_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// codeCase is one manifest diagnostic code, produced by real Nix through
// the server: the profile body (inside mkProfile), the 0-based line the
// diagnostic must start on, and a fragment of its message.
type codeCase struct {
	code, body string
	line       int
	msg        string
	raw        bool // body is the whole file (no mkProfile wrapper)
}

// Lines of the wrapped profile: 0 `let lib`, 1 `lib.mkProfile {`, 2 `name`, 3.. the body.
var codeCases = []codeCase{
	{code: "missing-required", line: 1, msg: "pod.name", // no position: the mkProfile call
		body: "  model.ref = \"anthropic/x\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"},
	{code: "missing-required", line: 4, msg: "scope.allow",
		body: "  pod.name = \"p\";\n  scope.allow = [ ];\n  model.ref = \"anthropic/x\";\n"},
	{code: "missing-required", line: 6, msg: "permissions.default_action",
		body: okBody + "  permissions.rule = [ ];\n"},
	{code: "type-mismatch", line: 3, msg: "pod.name must be a string",
		body: "  pod.name = 42;\n  model.ref = \"anthropic/x\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"},
	{code: "unknown-enum", line: 6, msg: "did you mean \"write\"",
		body: okBody + "  scope.deny = [ { target = \"./x\"; permission = \"wirte\"; } ];\n"},
	{code: "unknown-field", line: 6, msg: "the runtime ignores it",
		body: okBody + "  worker.reasonning = \"high\";\n"},
	{code: "removed-field", line: 6, msg: "prune_protected_turns was removed",
		body: okBody + "  compaction.prune_protected_turns = 3;\n"},
	{code: "model-incomplete", line: 4, msg: "no ref",
		body: "  pod.name = \"p\";\n  model.scheme = \"anthropic\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"},
	{code: "unknown-provider", line: 4, msg: "did you mean \"anthropic\"",
		body: "  pod.name = \"p\";\n  model.ref = \"antrhopic/claude\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"},
	{code: "scope-outside-launch-dir", line: 5, msg: "launch directory",
		body: "  pod.name = \"p\";\n  model.ref = \"anthropic/x\";\n  scope.allow = [ { target = \"./sub\"; permission = \"read\"; } ];\n"},
	{code: "store-path", line: 6, msg: "Nix store path",
		body: okBody + "  skills.directories = [ ./. ];\n"},
	{code: "alias-conflict", line: 6, msg: "alias",
		body: okBody + "  compaction = { threshold = 1; compact_threshold = 2; };\n"},
	{code: "secret-invalid-id", line: 6, msg: "invalid secret id",
		body: okBody + "  compaction.model.auth = lib.secrets.ref \"../etc\";\n"},
	{code: "plaintext-secret", line: 6, msg: "plaintext credential",
		body: okBody + "  compaction.model.auth = \"sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789\";\n"},
	{code: "env-name-invalid", line: 6, msg: "environment variable",
		body: okBody + "  web.search = { provider = \"brave\"; api_key_env = \"brave key\"; };\n"},
	{code: "unsupported-format", line: 0, raw: true, msg: "unsupported profile artifact format",
		body: "{ profile.format = \"insomnia.nix-profile.v2\";\n  manifest = { pod.name = \"p\"; model.ref = \"anthropic/x\"; scope.allow = [ { target = \".\"; permission = \"read\"; } ]; };\n}\n"},
	{code: "manifest-and-config", line: 2, raw: true, // the config key msg: "both manifest and config",
		body: "{ profile.name = \"x\";\n  manifest = { pod.name = \"p\"; };\n  config = { pod.name = \"q\"; };\n}\n"},
	{code: "invalid-artifact", line: 0, raw: true, msg: "expected an attribute set",
		body: "# mkProfile\n\"just a string\"\n"},
}

// okBody is a complete manifest taking lines 3-5.
const okBody = "  pod.name = \"p\";\n  model.ref = \"anthropic/x\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"

func TestEveryManifestCodeThroughTheServer(t *testing.T) {
	testenv.NeedNix(t)
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	for _, tc := range codeCases {
		t.Run(tc.code+"/"+tc.msg, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			text := tc.body
			if !tc.raw {
				text = profileText(lib, tc.body)
			}
			path := testenv.Write(t, filepath.Join(dir, "p.nix"), text)
			inProject(t, dir, "p", "p.nix") // a string is a profile only when listed
			c := lsptest.Start(t, lsp.Options{Env: evalEnv(t)})
			c.InitializeTrusted(dir, nil)
			c.Open(path)
			d := c.AwaitCode(path, tc.code)
			if int(d.Range.Start.Line) != tc.line {
				t.Errorf("%s at line %d, want %d: %s\n%s", tc.code, d.Range.Start.Line, tc.line, lsptest.Message(d), numbered(text))
			}
			if !strings.Contains(lsptest.Message(d), tc.msg) {
				t.Errorf("%s message %q lacks %q", tc.code, lsptest.Message(d), tc.msg)
			}
		})
	}
}

func TestSecretUnknownNamesClosestIDs(t *testing.T) {
	testenv.NeedNix(t)
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	dir := t.TempDir()
	data := t.TempDir()
	testenv.Write(t, filepath.Join(data, "secrets", "store.json"),
		`{"version":1,"entries":{"llm.anthropic.default":{"nonce":"00","ciphertext":"SECRETBYTES","tag":"00"}}}`)
	env := envOf(map[string]string{"HOME": t.TempDir(), "INSOMNIA_DATA_DIR": data})
	path := testenv.Write(t, filepath.Join(dir, "p.nix"), profileText(lib, okBody+"  compaction.model.auth = lib.secrets.ref \"llm.antropic.default\";\n"))
	c := lsptest.Start(t, lsp.Options{Env: env})
	c.InitializeTrusted(dir, nil)
	c.Open(path)
	d := c.AwaitCode(path, "secret-unknown")
	if d.Range.Start.Line != 6 || !strings.Contains(lsptest.Message(d), `did you mean "llm.anthropic.default"`) {
		t.Errorf("secret-unknown at line %d: %s", d.Range.Start.Line, lsptest.Message(d))
	}
	if strings.Contains(lsptest.Describe(c.Diagnostics(path)), "SECRETBYTES") {
		t.Error("a store value reached a diagnostic")
	}
}

func numbered(text string) string {
	var b strings.Builder
	for i, l := range strings.Split(text, "\n") {
		b.WriteString(strings.Repeat(" ", 2) + string(rune('0'+i%10)) + "| " + l + "\n")
	}
	return b.String()
}
