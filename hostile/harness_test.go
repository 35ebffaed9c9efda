package hostile

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/hostile/lspproc"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

var (
	binary   string
	buildErr error
	nixErr   error
	// canary is a plaintext API key no output may ever contain.
	canary      = "sk-ant-CANARY" + randomHex(16) + "AAAA"
	passwdLines = readPasswd()
)

func TestMain(m *testing.M) {
	flag.Parse()
	_, nixErr = exec.LookPath("nix-instantiate")
	dir, err := os.MkdirTemp("", "hostile-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// HOSTILE_BINARY runs the suite against a given build (e.g. an older
	// commit's, to measure before and after a fix).
	if b := os.Getenv("HOSTILE_BINARY"); b != "" {
		binary = b
	} else if nixErr == nil && !testing.Short() {
		binary, buildErr = lspproc.Build("..", dir)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// readPasswd returns the lines of /etc/passwd: none may reach any output.
func readPasswd() []string {
	b, _ := os.ReadFile("/etc/passwd")
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if len(l) >= 8 {
			out = append(out, l)
		}
	}
	return out
}

// needles are the strings no stdout, stderr or log byte may contain: the
// canary past the four characters a redacted message may show, and every
// line of /etc/passwd.
func needles(extra ...string) []string {
	out := []string{canary[4:], canary[len("sk-ant-CANARY"):]}
	out = append(out, passwdLines...)
	return append(out, extra...)
}

// hcase is one server started for one case, in its own workspace and
// insomnia home, logging at debug level to a file the case reads back.
type hcase struct {
	t       *testing.T
	root    string
	home    string
	logFile string
	p       *lspproc.Proc
	baseRSS int64
	needles []string
}

type caseOpts struct {
	settings map[string]any // merged over {"evaluation": {"timeoutMs": 2000}}
	// initOptions, when not nil, gives the initializationOptions (sent
	// instead of the settings) once the workspace root exists; otherwise
	// the settings go there with `trusted: true` added unless they set
	// "trusted" themselves.
	initOptions func(root string) map[string]any
	env         []string
	envFn       func(root, home string) []string // more env, once the folders exist
	needles     []string
	// setup runs before the server starts (files of the workspace or home).
	setup func(root, home string)
}

const (
	timeoutMs    = 2000
	awaitLong    = 60 * time.Second
	memTolerance = 100 << 10 // KiB above the baseline RSS
)

func start(t *testing.T, o caseOpts) *hcase {
	t.Helper()
	return startAt(t, t.TempDir(), o)
}

// startAt is start with the workspace folder at root (start's is a fresh
// temporary folder): a case whose input is the folder's name gives it.
func startAt(t *testing.T, root string, o caseOpts) *hcase {
	t.Helper()
	needBinary(t)
	c := &hcase{t: t, root: root, home: t.TempDir(), needles: needles(o.needles...)}
	c.logFile = filepath.Join(c.home, "server.log")
	for _, d := range []string{"config", "data", "run"} {
		mkdir(t, filepath.Join(c.home, d))
	}
	if o.setup != nil {
		o.setup(c.root, c.home)
	}
	settings := caseSettings(o)
	env := append([]string{"INSOMNIA_CONFIG_DIR=" + filepath.Join(c.home, "config"),
		"INSOMNIA_DATA_DIR=" + filepath.Join(c.home, "data"), "INSOMNIA_RUNTIME_DIR=" + filepath.Join(c.home, "run")}, o.env...)
	if o.envFn != nil {
		env = append(env, o.envFn(c.root, c.home)...)
	}
	p, err := lspproc.Start(lspproc.Options{Binary: binary, Args: []string{"--log-file", c.logFile, "--log-level", "debug"},
		Env: env, Dir: c.root, Needles: c.needles, Settings: settings, InitOptions: initOptions(o, c.root, settings)})
	if err != nil {
		t.Fatal(err)
	}
	c.p = p
	t.Cleanup(c.finish)
	if err := p.Initialize(c.root); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	c.baseRSS = c.rss()
	return c
}

// initOptions are the case's initializationOptions: the cases predate
// "trust fails closed" and need unrestricted evaluation unless they say
// "trusted": false.
func initOptions(o caseOpts, root string, settings map[string]any) map[string]any {
	if o.initOptions != nil {
		return o.initOptions(root)
	}
	init := map[string]any{"trusted": true}
	for k, v := range settings {
		init[k] = v
	}
	return init
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func (c *hcase) rss() int64 {
	rss, _, err := c.p.Memory()
	if err != nil {
		c.t.Fatalf("reading server memory: %v", err)
	}
	return rss
}

// lib is the bundled profile library of this checkout.
func lib(t *testing.T) string {
	p, err := filepath.Abs(filepath.Join("..", "resources", "nix", "profile-lib.nix"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// profile is a small valid profile with extra attributes in its set.
func profile(t *testing.T, extra string) string {
	return "let lib = import " + lib(t) + " { }; in\nlib.mkProfile {\n  name = \"h\";\n" +
		"  model.ref = \"anthropic/claude-sonnet-4\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n" +
		extra + "}\n"
}

// open writes a profile into the workspace and opens it.
func (c *hcase) open(name, text string) string {
	c.t.Helper()
	path := testenv.Write(c.t, filepath.Join(c.root, name), text)
	if err := c.p.Open(path, text); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// expect waits for a diagnostic with code on path whose message contains
// every fragment.
func (c *hcase) expect(path, code string, fragments ...string) lspproc.Diag {
	c.t.Helper()
	d, err := c.p.AwaitCode(path, code, awaitLong)
	if err != nil {
		ds, seq := c.p.Diagnostics(path)
		c.t.Fatalf("no %s diagnostic on %s: %v; got %s (publish %d; statuses: %s; all statuses: %s)", code, filepath.Base(path), err, describe(ds), seq, describeStatuses(c.p, path), allStatuses(c.p))
	}
	c.t.Logf("%s: %s %q", filepath.Base(path), code, d.Message)
	for _, f := range fragments {
		if !strings.Contains(d.Message, f) {
			c.t.Errorf("%s message %q lacks %q", code, d.Message, f)
		}
	}
	return d
}

// allStatuses lists every evaluationStatus received, for a failure message.
func allStatuses(p *lspproc.Proc) string {
	var parts []string
	for _, s := range p.Statuses() {
		parts = append(parts, filepath.Base(s.Path)+" "+s.State)
	}
	return strings.Join(parts, ", ")
}

func describe(ds []lspproc.Diag) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%d:%d %s %q", d.Range.Start.Line, d.Range.Start.Character, d.Code(), d.Message))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// answers is healthy without the return to baseline RSS: after a peak of
// a hundred MiB or more the Go runtime gives memory back to the system
// over minutes, so these cases bound the peak instead.
func (c *hcase) answers(probe string) {
	c.t.Helper()
	if _, err := c.p.DocumentSymbols(probe); err != nil {
		c.t.Errorf("documentSymbol after the case: %v", err)
	}
	if _, err := c.p.Hover(probe, 0, 0); err != nil {
		c.t.Errorf("hover after the case: %v", err)
	}
	if _, err := c.p.Command("insomnia.listProfiles", map[string]any{}); err != nil {
		c.t.Errorf("insomnia.listProfiles after the case: %v", err)
	}
	c.noNix("after the case")
}

// healthy checks what every case promises once its input is in: the
// server answers, no Nix process is left, and memory is near the baseline.
func (c *hcase) healthy(probe string) {
	c.t.Helper()
	c.answers(probe)
	var rss int64
	err := c.p.WaitFor(10*time.Second, func() bool { rss = c.rss(); return rss < c.baseRSS+memTolerance })
	if err != nil {
		c.t.Errorf("server RSS %d MiB, baseline %d MiB: not back within %d MiB", rss>>10, c.baseRSS>>10, memTolerance>>10)
	}
}

// noNix waits (up to the evaluation timeout and some) until no Nix process
// of this case is left: neither below the server nor in the workspace.
func (c *hcase) noNix(when string) {
	c.t.Helper()
	var left []lspproc.ProcInfo
	err := c.p.WaitFor(timeoutMs*time.Millisecond+10*time.Second, func() bool {
		left = append(c.p.NixChildren(), lspproc.NixUnder(c.root)...)
		return len(left) == 0
	})
	if err != nil {
		c.t.Errorf("Nix processes left %s: %+v", when, left)
	}
}

// finish shuts the server down and checks the exit, leftovers, and that
// no forbidden byte reached stdout, stderr or the log.
func (c *hcase) finish() {
	t := c.t
	code, err := c.p.Close(15 * time.Second)
	if err != nil {
		t.Errorf("shutdown: %v", err)
	} else if code != 0 {
		t.Errorf("server exit code %d after shutdown and exit", code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := lspproc.NixUnder(c.root)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("Nix processes left after the server exited: %+v", left)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, hit := range c.p.Found() {
		t.Errorf("forbidden text in the server's output: %.80q", hit)
	}
	log, err := os.ReadFile(c.logFile)
	if err != nil {
		t.Errorf("reading the server log: %v", err)
		return
	}
	if len(log) == 0 {
		t.Errorf("the debug log is empty: the canary check would prove nothing")
	}
	clean := true
	for _, n := range c.needles {
		if strings.Contains(string(log), n) {
			t.Errorf("forbidden text in the server log: %.80q", n)
			clean = false
		}
	}
	if t.Failed() && clean { // the log's end says what the server was doing (its folder goes with the test)
		lines := strings.Split(strings.TrimRight(string(log), "\n"), "\n")
		t.Logf("the server log's last lines:\n%s", strings.Join(lines[max(0, len(lines)-40):], "\n"))
	}
}

// caseSettings are the case's settings over the suite's: a 2 s timeout, and
// no pre-started Nix processes, so "no Nix process left" means no
// evaluation left running (the pool has its own case, TestPrestartedPool).
func caseSettings(o caseOpts) map[string]any {
	eval := map[string]any{"timeoutMs": timeoutMs, "prestart": false}
	settings := map[string]any{}
	for k, v := range o.settings {
		settings[k] = v
	}
	if own, ok := settings["evaluation"].(map[string]any); ok {
		for k, v := range own {
			eval[k] = v
		}
	}
	settings["evaluation"] = eval
	return settings
}
