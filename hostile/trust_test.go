package hostile

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Cases about what an untrusted workspace may read, and secrets.

func TestUntrustedReadsAndFetches(t *testing.T) {
	body := "FETCHED-" + randomHex(12)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	c := start(t, caseOpts{settings: map[string]any{"trusted": false}, needles: []string{body}})
	read := c.open("read.nix", localProfile(t, c.root, "  pod.name = builtins.readFile /etc/passwd;\n"))
	c.expect(read, "nix-error", "/etc/passwd", "forbidden in restricted mode")
	imp := c.open("import.nix", localProfile(t, c.root, "  pod.name = import /etc/passwd;\n"))
	c.expect(imp, "nix-error", "/etc/passwd", "forbidden in restricted mode")
	fetch := c.open("fetch.nix", localProfile(t, c.root, fmt.Sprintf("  pod.name = builtins.readFile (builtins.fetchurl %q);\n", srv.URL+"/data")))
	c.expect(fetch, "nix-error", "forbidden in restricted mode")
	tarball := c.open("tarball.nix", localProfile(t, c.root, fmt.Sprintf("  pod.name = toString (builtins.fetchTarball %q);\n", srv.URL+"/t.tar.gz")))
	c.expect(tarball, "nix-error", "forbidden in restricted mode")
	if n := hits.Load(); n != 0 {
		t.Errorf("an untrusted evaluation reached the network: %d request(s)", n)
	}
	c.healthy(read)
}

// localProfile is a profile importing a copy of the library inside the
// workspace root: an untrusted evaluation may read nothing else.
func localProfile(t *testing.T, root, extra string) string {
	testenv.Write(t, filepath.Join(root, "profile-lib.nix"), testenv.ReadText(t, lib(t)))
	return strings.Replace(profile(t, extra), lib(t), "./profile-lib.nix", 1)
}

func describeStatuses(p *lspproc.Proc, path string) string {
	var parts []string
	for _, s := range p.Statuses() {
		if s.Path == path {
			parts = append(parts, s.State+" "+strconv.Quote(s.Message))
		}
	}
	return strings.Join(parts, ", ")
}

// TestRegistryPointingOutside: an untrusted workspace's registry names
// files outside it, one of them /etc/passwd; their content must not leak
// through a parse error's excerpt, a hover or the log.
func TestRegistryPointingOutside(t *testing.T) {
	outside := t.TempDir()
	other := testenv.Write(t, filepath.Join(outside, "elsewhere.nix"), profile(t, "  pod.name = \"elsewhere\";\n"))
	c := start(t, caseOpts{settings: map[string]any{"trusted": false}, setup: func(root, home string) {
		testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"), fmt.Sprintf(
			"[profile]\npasswd = \"/etc/passwd\"\nelsewhere = %q\nup = \"../../%s\"\n", other, filepath.Base(outside)+"/elsewhere.nix"))
	}})
	reg := filepath.Join(c.root, ".insomnia", "profiles.toml")
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, "/etc/passwd") == "error" }); err != nil {
		t.Errorf("/etc/passwd as a registry entry: no error status: %s", describeStates(c.p))
	}
	ds, _ := c.p.Diagnostics("/etc/passwd")
	t.Logf("/etc/passwd diagnostics: %s; statuses: %s", describe(ds), describeStatuses(c.p, "/etc/passwd"))
	for _, d := range ds {
		for _, l := range passwdLines {
			if strings.Contains(d.Message, l) {
				t.Errorf("diagnostic quotes /etc/passwd: %q", d.Message)
			}
		}
	}
	text := testenv.ReadText(t, reg)
	if err := c.p.Open(reg, text); err != nil {
		t.Fatal(err)
	}
	regDiags, _ := c.p.AwaitDiagnostics(reg, awaitLong, func([]lspproc.Diag) bool { return true })
	t.Logf("profiles.toml diagnostics: %s", describe(regDiags))
	if _, err := c.p.Hover(reg, 1, 2); err != nil {
		t.Errorf("hover on profiles.toml: %v", err)
	}
	if _, err := c.p.Command("insomnia.showResolvedManifest", map[string]string{"uri": "file:///etc/passwd"}); err != nil {
		t.Errorf("showResolvedManifest of /etc/passwd: %v", err)
	}
	c.healthy(reg)
}

func TestCanarySecret(t *testing.T) {
	c := start(t, caseOpts{env: []string{"ANTHROPIC_API_KEY=" + canary, "INSOMNIA_TEST_TOKEN=" + canary}})
	path := c.open("leaky.nix", "let lib = import "+lib(t)+" { }; key = \""+canary+"\"; in\nlib.mkProfile {\n  name = \"leaky\";\n"+
		"  pod.name = \"leaky\";\n  model = { scheme = \"anthropic\"; model_id = \"claude\"; auth = key; };\n"+
		"  web.search.api_key_env = \""+canary+"\";\n  description = builtins.getEnv \"ANTHROPIC_API_KEY\";\n"+
		"  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n}\n")
	d := c.expect(path, "plaintext-secret")
	if !strings.Contains(d.Message, "secrets.ref") {
		t.Errorf("plaintext-secret message does not say what to do: %q", d.Message)
	}
	if err := c.p.WaitFor(awaitLong, func() bool { s := lastState(c.p, path); return s == "ok" || s == "error" }); err != nil {
		t.Fatalf("the leaky profile never finished evaluating: %s", describeStates(c.p))
	}
	// Every way the value could come back out: hover, the resolved
	// manifest, the profile list, code lenses, symbols.
	for line := 0; line < 9; line++ {
		if _, err := c.p.Hover(path, line, 8); err != nil {
			t.Errorf("hover line %d: %v", line, err)
		}
	}
	if _, err := c.p.Command("insomnia.showResolvedManifest", map[string]string{"uri": uriOf(path)}); err != nil {
		t.Errorf("showResolvedManifest: %v", err)
	}
	if _, err := c.p.Call("textDocument/codeLens", map[string]any{"textDocument": map[string]string{"uri": uriOf(path)}}); err != nil {
		t.Logf("codeLens: %v", err)
	}
	c.healthy(path)
	// The canary check itself must be able to fail: the value is in what
	// we sent, so it would be found if the server echoed it.
	if !strings.Contains(testenv.ReadText(t, path), canary[4:]) {
		t.Fatal("the profile on disk lacks the canary: the check proves nothing")
	}
}
