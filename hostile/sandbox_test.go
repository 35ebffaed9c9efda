package hostile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Cases where the hostile part is a program an evaluation could start:
// Nix's fetchers run git and hg, and git obeys the repository's own
// .git/config (core.fsmonitor and filter drivers are commands).

// hookRepo makes root a git repository whose .git/config runs a script on
// every git command that looks at the work tree (core.fsmonitor) and on
// every file it cleans (a .gitattributes filter); the script creates the
// returned marker, outside the workspace.
func hookRepo(t *testing.T, root string) string {
	t.Helper()
	marker, hook := testenv.HookedRepo(t, root)
	testenv.Git(t, root, "config", "filter.evil.clean", hook)
	testenv.Write(t, filepath.Join(root, ".gitattributes"), "*.nix filter=evil\n")
	if err := os.Remove(marker); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return marker
}

// programProfiles are the ways a profile could start a program.
func programProfiles(root string) map[string]string {
	return map[string]string{
		"fetchgit.nix":     "  pod.name = if (builtins.fetchGit ./.) ? outPath then \"fetched\" else \"no\";\n",
		"fetchgit-url.nix": "  pod.name = if (builtins.fetchGit { url = ./.; }) ? outPath then \"fetched\" else \"no\";\n",
		"fetchhg.nix":      "  pod.name = if (builtins.fetchMercurial ./.) ? outPath then \"fetched\" else \"no\";\n",
		"exec.nix":         "  pod.name = builtins.exec [ \"sh\" \"-c\" \"touch " + filepath.Join(root, "exec-marker") + "\" ];\n",
	}
}

// TestUntrustedFetchGitRunsNoHook: in an untrusted workspace that is a git
// repository with a hostile .git/config, no evaluation starts git, hg or
// sh: no marker appears, and each profile fails with a clear diagnostic.
func TestUntrustedFetchGitRunsNoHook(t *testing.T) {
	var marker string
	c := start(t, caseOpts{settings: map[string]any{"trusted": false}, setup: func(root, home string) { marker = hookRepo(t, root) }})
	var last string
	for name, body := range programProfiles(c.root) {
		last = c.open(name, localProfile(t, c.root, body))
		if strings.HasPrefix(name, "fetch") {
			c.expect(last, "nix-error", "evaluation runs no programs")
		} else {
			c.expect(last, "nix-error", "exec")
		}
	}
	c.healthy(last)
	for _, m := range []string{marker, filepath.Join(c.root, "exec-marker")} {
		if _, err := os.Stat(m); err == nil {
			t.Errorf("an untrusted evaluation ran a program: %s exists", m)
		}
	}
}

// TestTrustedFetchGitUnchanged: trusted evaluation still runs git (the
// hook is live, so the untrusted test above can fail) and evaluates.
func TestTrustedFetchGitUnchanged(t *testing.T) {
	var marker string
	c := start(t, caseOpts{settings: map[string]any{"trusted": true}, setup: func(root, home string) { marker = hookRepo(t, root) }})
	path := c.open("fetchgit.nix", localProfile(t, c.root, programProfiles(c.root)["fetchgit.nix"]))
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
		t.Fatalf("trusted fetchGit does not evaluate: %s", describeStatuses(c.p, path))
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("trusted fetchGit did not run git's hook: the untrusted test proves nothing")
	}
	c.healthy(path)
}

// TestCheckCommandFetchGit: `insomnia-lsp check` on the same repository.
// Restricted (the CLI's default once trust is explicit) it must not run
// the hook and must say why; trusted it evaluates as before.
func TestCheckCommandFetchGit(t *testing.T) {
	if testing.Short() || buildErr != nil || nixErr != nil || binary == "" {
		t.Skip("needs the built binary and Nix (not in -short mode)")
	}
	root := t.TempDir()
	marker := hookRepo(t, root)
	path := testenv.Write(t, filepath.Join(root, "fetchgit.nix"), localProfile(t, root, programProfiles(root)["fetchgit.nix"]))
	cmd := exec.Command(binary, "check", path)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	t.Logf("check: %v\n%s", err, out)
	_, ran := os.Stat(marker)
	if strings.Contains(string(out), "evaluation runs no programs") {
		if ran == nil {
			t.Errorf("restricted check ran git's hook")
		}
		if err == nil {
			t.Errorf("restricted check exited 0 on a failing profile")
		}
		return
	}
	if err != nil || ran != nil {
		t.Errorf("trusted check: exit %v, hook ran %v; want success as before", err, ran == nil)
	}
}

// TestUntrustedFetchGitKeepsOutputOut: when git cannot start, Nix's forked
// child flushes the JSON printed so far (the manifest up to the failing
// value) into git's output, and Nix quotes that output in its message. A
// key in a field printed before the failure must not reach the diagnostic,
// and the message must not carry the half-printed manifest at all.
func TestUntrustedFetchGitKeepsOutputOut(t *testing.T) {
	c := start(t, caseOpts{settings: map[string]any{"trusted": false}, setup: func(root, home string) { hookRepo(t, root) }})
	path := c.open("leaky.nix", localProfile(t, c.root,
		"  model.auth = \""+canary+"\";\n"+programProfiles(c.root)["fetchgit.nix"]))
	d := c.expect(path, "nix-error", "evaluation runs no programs")
	for _, half := range []string{`{"artifact"`, `"manifest"`, `"model"`} {
		if strings.Contains(d.Message, half) {
			t.Errorf("the message quotes the half-printed manifest (%s): %q", half, d.Message)
		}
	}
	c.expect(path, "plaintext-secret", canaryMask())
	c.healthy(path)
}
