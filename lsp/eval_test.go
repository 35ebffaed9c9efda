package lsp_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// envOf is a server environment of only vars and this process's PATH
// (where nix-instantiate is): nothing of the real home leaks in.
func envOf(vars map[string]string) func(string) string {
	env := map[string]string{"PATH": os.Getenv("PATH")}
	maps.Copy(env, vars)
	return func(k string) string { return env[k] }
}

// evalEnv keeps discovery and the secret store inside a temp dir.
func evalEnv(t *testing.T) func(string) string {
	return envOf(map[string]string{"HOME": t.TempDir()})
}

// evalOpen starts a server that trusts a new folder holding the file name
// (text), with settings, and opens the file; the test needs Nix.
func evalOpen(t *testing.T, name, text string, settings map[string]any) (*lsptest.Client, string) {
	t.Helper()
	testenv.NeedNix(t)
	dir := t.TempDir()
	path := testenv.Write(t, filepath.Join(dir, name), text)
	c := lsptest.Start(t, lsp.Options{Env: evalEnv(t)})
	c.InitializeTrusted(dir, settings)
	c.Open(path)
	return c, path
}

func validProfile(lib, podName string) string {
	return profileText(lib, fmt.Sprintf("  pod.name = %q;\n  model.ref = \"anthropic/claude-sonnet-4\";\n"+
		"  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n", podName))
}

// evaluations counts the "evaluating" status notifications for a file.
func evaluations(c *lsptest.Client, path string) int {
	n := 0
	for _, note := range c.Notifications() {
		if note.Method != "insomnia/evaluationStatus" {
			continue
		}
		var p struct{ URI, State string }
		if json.Unmarshal(note.Params, &p) == nil && p.State == "evaluating" && strings.HasSuffix(p.URI, filepath.Base(path)) {
			n++
		}
	}
	return n
}

func TestBurstOfEditsEvaluatesAtMostTwiceAndLastWins(t *testing.T) {
	testenv.NeedNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	path := testenv.Write(t, filepath.Join(dir, "burst.nix"), validProfile(lib, "p0"))
	c := lsptest.Start(t, lsp.Options{Env: evalEnv(t)})
	c.InitializeTrusted(dir, map[string]any{"evaluation": map[string]any{"debounceMs": 200}})
	c.Open(path)
	c.Await("the first evaluation", func() bool { return strings.Contains(c.Hover(path, 0, 0), `"p0"`) })
	before := evaluations(c, path)
	for i := 1; i <= 50; i++ {
		c.Change(path, validProfile(lib, "p"+strconv.Itoa(i)))
	}
	c.Await("the last edit's manifest", func() bool { return strings.Contains(c.Hover(path, 0, 0), `"p50"`) })
	time.Sleep(500 * time.Millisecond) // let any stray evaluation show up
	if n := evaluations(c, path) - before; n > 2 || n < 1 {
		t.Errorf("50 edits gave %d evaluations, want 1 or 2", n)
	}
	if h := c.Hover(path, 0, 0); !strings.Contains(h, `"p50"`) {
		t.Errorf("final hover does not show the last edit:\n%s", h)
	}
}

func TestImportedFileChangeReevaluatesProfile(t *testing.T) {
	testenv.NeedNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	part := testenv.Write(t, filepath.Join(dir, "part.nix"), `{ name = "from-import-1"; }`)
	path := testenv.Write(t, filepath.Join(dir, "main.nix"), profileText(lib,
		"  pod = import ./part.nix;\n  model.ref = \"anthropic/x\";\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"))
	c := lsptest.Start(t, lsp.Options{Env: evalEnv(t)})
	c.InitializeTrusted(dir, nil)
	c.Open(path)
	c.Await("the first manifest", func() bool { return strings.Contains(c.Hover(path, 0, 0), "from-import-1") })
	// Edited in the editor and saved: the profile follows.
	c.Open(part)
	c.Save(part, `{ name = "from-import-2"; }`)
	c.Await("re-evaluation after the import changed", func() bool { return strings.Contains(c.Hover(path, 0, 0), "from-import-2") })
}

func TestErrorInImportedFileIsPublishedThere(t *testing.T) {
	testenv.NeedNix(t)
	dir := t.TempDir()
	lib := repoFile(t, "resources/nix/profile-lib.nix")
	part := testenv.Write(t, filepath.Join(dir, "part.nix"), "{\n  name = undefinedThing;\n}\n")
	path := testenv.Write(t, filepath.Join(dir, "main.nix"), profileText(lib,
		"  pod = import ./part.nix;\n  scope.allow = [ { target = \".\"; permission = \"read\"; } ];\n"))
	c := lsptest.Start(t, lsp.Options{Env: evalEnv(t)})
	c.InitializeTrusted(dir, nil)
	c.Open(path)
	got := c.AwaitDiagnostics(part, func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
	found := false
	for _, d := range got {
		if strings.Contains(lsptest.Message(d), "undefined variable") && d.Range.Start.Line == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("no undefined-variable diagnostic on line 2 of the imported file:%s", lsptest.Describe(got))
	}
	c.AwaitCode(path, "import-error")
}

func TestInfiniteLoopEndsWithTimeoutDiagnostic(t *testing.T) {
	c, path := evalOpen(t, "loop.nix", "{ manifest =\n"+busyLoop+"; }\n", map[string]any{"evaluation": map[string]any{"timeoutMs": 1500}})
	awaitFailure(t, c, path, "timeout", "stopped after")
}

func TestInfiniteRecursionIsClear(t *testing.T) {
	c, path := evalOpen(t, "rec.nix", "# mkProfile\nlet x = x + 1; in { manifest = x; }\n", nil)
	c.AwaitMessage(path, "infinite recursion")
}

func TestNoNixProcessLeftAfterShutdown(t *testing.T) {
	c, _ := evalOpen(t, "slow.nix", "{ manifest =\n"+busyLoop+"; }\n", nil)
	c.Await("a running evaluation", func() bool { return len(nixChildren(t)) > 0 })
	if code := c.Close(); code != 0 {
		t.Errorf("exit code %d after shutdown+exit, want 0", code)
	}
	if left := nixChildren(t); len(left) > 0 {
		t.Errorf("Nix processes left after shutdown: %v", left)
	}
}

// busyLoop spins for minutes in constant memory (a billion additions).
const busyLoop = "builtins.foldl' (a: i: builtins.foldl' (b: j: b + 1) a (builtins.genList (x: x) 1000)) 0 (builtins.genList (x: x) 1000000)\n"

// nixChildren lists nix-instantiate processes whose parent is this test process.
func nixChildren(t *testing.T) []int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	me := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || !strings.Contains(s[:i], "nix") {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(me) { // state, ppid, ...
			out = append(out, pid)
		}
	}
	return out
}

func TestUntrustedWorkspaceCannotReadOutside(t *testing.T) {
	testenv.NeedNix(t)
	dir := t.TempDir()
	path := testenv.Write(t, filepath.Join(dir, "peek.nix"),
		"# mkProfile\n{ manifest = { pod.name = builtins.readFile /etc/passwd; }; }\n")
	c := lsptest.Start(t, lsp.Options{Env: evalEnv(t)})
	c.Initialize(dir, nil)
	c.Open(path)
	ds := c.AwaitMessage(path, "/etc/passwd")
	for _, d := range ds {
		if strings.Contains(lsptest.Message(d), "root:") {
			t.Errorf("a diagnostic shows the file's content: %s", lsptest.Message(d))
		}
	}
	if h := c.Hover(path, 0, 0); strings.Contains(h, "root:") {
		t.Errorf("hover shows the file's content:\n%s", h)
	}
}

// Each evaluation writes one info line a person reads as it stands.
func TestEvaluationLogLine(t *testing.T) {
	e := newProfEnv(t)
	logs := &lockedBuffer{}
	logger := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), logs, zap.InfoLevel))
	c := lsptest.Start(t, lsp.Options{Env: func(k string) string { return e.env[k] }, Cwd: e.ws, Logger: logger})
	c.InitializeTrusted(e.ws, nil)
	good := e.profileNix("coder", "anthropic/claude-sonnet")
	line := regexp.MustCompile(`evaluated project:coder in \d+ ms: (.*?)\t`)
	for i, tc := range []struct{ text, want string }{
		{strings.Replace(good, `worker.reasoning = "high";`, `worker.max_turns = "many";`, 1), "1 error"},
		{strings.Replace(good, `worker.reasoning = "high";`, `worker.reasoning = nope;`, 1), "nix error"},
		{good, "ok"},
	} {
		if i == 0 {
			c.Open(e.coder(), tc.text)
		} else {
			c.Change(e.coder(), tc.text)
		}
		c.Await("the log line "+tc.want, func() bool {
			m := line.FindAllStringSubmatch(logs.String(), -1)
			return len(m) > 0 && m[len(m)-1][1] == tc.want
		})
	}
}
