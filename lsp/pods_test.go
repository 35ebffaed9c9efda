package lsp_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
)

// podDouble is cmd/insomnia-pod-double, built once into its own folder so
// that the pods these tests start can be told apart from anyone else's.
var podDouble = struct {
	once sync.Once
	path string
	err  error
	out  []byte
}{}

// TestMain removes the double built for this run and fails the run if
// one of its pods is still alive (each test also checks on its own).
func TestMain(m *testing.M) {
	code := m.Run()
	if podDouble.path != "" {
		if left := runningDoubles(podDouble.path); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: pods left running after the tests: pids %v\n", left)
			code = 1
		}
		os.RemoveAll(filepath.Dir(podDouble.path))
	}
	os.Exit(code)
}

func buildDouble(t testing.TB) string {
	t.Helper()
	podDouble.once.Do(func() {
		dir, err := os.MkdirTemp("", "lsp-double")
		if err != nil {
			podDouble.err = err
			return
		}
		podDouble.path = filepath.Join(dir, "insomnia-pod")
		podDouble.out, podDouble.err = exec.Command("go", "build", "-o", podDouble.path, "../cmd/insomnia-pod-double").CombinedOutput()
	})
	if podDouble.err != nil {
		t.Fatalf("building the pod double: %v\n%s", podDouble.err, podDouble.out)
	}
	return podDouble.path
}

// podEnv is a profEnv whose pods are the double; every pod a test starts is
// stopped when it ends, and the test fails if one is left.
func newPodEnv(t *testing.T) *profEnv {
	t.Helper()
	e := newProfEnv(t)
	double := buildDouble(t)
	e.env["INSOMNIA_POD_COMMAND"] = double
	t.Cleanup(func() {
		stopPods(t, double)
		if left := runningDoubles(double); len(left) > 0 {
			t.Errorf("pods left running: pids %v", left)
		}
	})
	return e
}

// runningDoubles lists pids of live (not zombie) processes running program.
func runningDoubles(program string) []int {
	var out []int
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(data), program+"\x00") {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
		if fields := strings.Fields(string(stat)); len(fields) > 2 && fields[2] == "Z" {
			continue // exited; the spawn package's reaper collects it
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// stopPods ends every pod of the double (SIGTERM lets it remove its
// runtime state) and waits until they are gone.
func stopPods(t testing.TB, program string) {
	for _, pid := range runningDoubles(program) {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	stop := time.Now().Add(10 * time.Second)
	for len(runningDoubles(program)) > 0 && time.Now().Before(stop) {
		time.Sleep(50 * time.Millisecond)
	}
	for _, pid := range runningDoubles(program) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

type spawnRes struct {
	PodName, Socket, Message string
	Attach, Warnings         []string
}

type driftRow struct{ Path, Saved, Current string }

type podRow struct {
	Name, State, Profile, SnapshotHash string
	Drift                              []driftRow
	Attach                             []string
}

type resumeRes struct {
	PodName, Socket, Message string
	Attach                   []string
	Drift                    []driftRow
}

func listPods(t *testing.T, c *lsptest.Client, profile string) []podRow {
	t.Helper()
	arg := map[string]string{}
	if profile != "" {
		arg["profile"] = profile
	}
	return mustCommand[[]podRow](t, c, "insomnia.listPods", arg)
}

func podNamed(rows []podRow, name string) (podRow, bool) {
	return findRow(rows, func(r podRow) string { return r.Name }, name)
}

// podsReady starts a server on the pod env and waits for coder's evaluation.
func podsReady(t *testing.T, e *profEnv, settings map[string]any) *lsptest.Client {
	c := e.start(t, settings)
	c.Open(e.coder())
	awaitStatus(t, c, "project:coder", "ok")
	return c
}

func TestPodsSpawnListResume(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, nil)

	var res spawnRes
	if err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder"}, &res); err != nil {
		t.Fatalf("spawnPod: %v", err)
	}
	// The name comes from the manifest's pod.name.
	if res.PodName != "coder" || strings.Join(res.Attach, " ") != "insomnia --pod coder" || res.Socket == "" {
		t.Errorf("spawn result %+v", res)
	}
	if !strings.Contains(res.Message, "pod coder started from project:coder; the pod got the manifest shown here (sha256 ") || len(res.Warnings) != 0 {
		t.Errorf("spawn message %q warnings %q", res.Message, res.Warnings)
	}
	if !hasMessage(c, "the pod got the manifest shown here") {
		t.Errorf("no showMessage with the verification: %q", c.Messages())
	}
	if !hasProgress(c, "Starting pod coder") {
		t.Errorf("no progress for the spawn")
	}
	t.Logf("spawn: %s", res.Message)
	row, ok := podNamed(listPods(t, c, "project:coder"), "coder")
	if !ok || row.State != "idle" || row.Profile != "project:coder" || len(row.SnapshotHash) != 64 || len(row.Drift) != 0 {
		t.Errorf("listPods row %+v", row)
	}
	if rows := listPods(t, c, "project:reviewer"); len(rows) != 0 {
		t.Errorf("reviewer has pods: %+v", rows)
	}
	// The double reports itself idle (status.json).
	l := awaitLens(t, c, e.coder(), "1 pod: coder (idle)")
	if l.Title != "1 pod: coder (idle) — Attach" || l.Command != "insomnia.client.resumePod" || l.Arg["name"] != "coder" {
		t.Errorf("pods lens %+v", l)
	}

	// A second spawn gets the next free name.
	var res2 spawnRes
	if err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder"}, &res2); err != nil || res2.PodName != "coder-2" {
		t.Fatalf("second spawn: %v %+v", err, res2)
	}
	stopPods(t, podDouble.path)
	l = awaitLens(t, c, e.coder(), "2 pods: coder (stopped) · coder-2 (stopped) — Resume")
	if l.Command != "insomnia.client.resumePod" || l.Arg["name"] == "" {
		t.Errorf("pods lens %+v", l)
	}

	var rr resumeRes
	if err := c.Command("insomnia.resumePod", map[string]string{"name": "coder"}, &rr); err != nil {
		t.Fatalf("resumePod: %v", err)
	}
	t.Logf("lens: %s; resume: %s", l.Title, rr.Message)
	if rr.PodName != "coder" || rr.Socket == "" || !strings.Contains(rr.Message, "resumed from its saved snapshot") || len(rr.Drift) != 0 {
		t.Errorf("resume result %+v", rr)
	}
	if row, _ := podNamed(listPods(t, c, ""), "coder"); row.State != "idle" {
		t.Errorf("after resume: %+v", row)
	}
	// Resuming a running pod starts nothing.
	if err := c.Command("insomnia.resumePod", map[string]string{"name": "coder"}, &rr); err != nil || !strings.Contains(rr.Message, "pod coder is already idle: attach to it") {
		t.Errorf("resume of a running pod: %v %+v", err, rr)
	}
	if err := c.Command("insomnia.resumePod", map[string]string{"name": "nosuch"}, nil); err == nil || !strings.Contains(err.Error(), "no pod named nosuch (pods: coder, coder-2)") {
		t.Errorf("resume of an unknown pod: %v", err)
	}
}

func hasMessage(c *lsptest.Client, part string) bool {
	for _, m := range c.Messages() {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

func hasProgress(c *lsptest.Client, part string) bool {
	for _, p := range c.Progress() {
		if strings.Contains(string(p), part) {
			return true
		}
	}
	return false
}

func TestPodsSpawnRefusedOnBrokenProfile(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, nil)
	c.Open(e.reviewer(), strings.Replace(e.profileNix("reviewer", "anthropic/claude-haiku"), `worker.reasoning = "high";`, "worker.reasoning = nope;", 1))
	awaitStatus(t, c, "project:reviewer", "error")
	l := awaitLens(t, c, e.reviewer(), "Spawn pod")
	if l.Title != "Spawn pod (fix 1 error first)" || l.Command != "insomnia.client.spawnPod" {
		t.Errorf("spawn lens on a broken profile: %+v", l)
	}
	err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:reviewer"}, nil)
	if err == nil || !strings.Contains(err.Error(), "profile project:reviewer does not evaluate") || !strings.Contains(err.Error(), "fix it before spawning") {
		t.Errorf("spawn of a broken profile: %v", err)
	}
	// Manifest errors (no pod.name, a bad permission) are counted.
	bad := strings.Replace(e.profileNix("reviewer", "anthropic/claude-haiku"), `permission = "write"`, `permission = "delete"`, 1)
	bad = strings.Replace(bad, `pod.name = "reviewer";`, "", 1)
	c.Change(e.reviewer(), bad)
	last := ""
	defer func() {
		if t.Failed() {
			t.Logf("last spawn lens %q; diagnostics %s", last, lsptest.Describe(c.Diagnostics(e.reviewer())))
		}
	}()
	c.Await("two manifest errors", func() bool {
		l, _ := lensNamed(codeLenses(t, c, e.reviewer()), "Spawn pod")
		last = l.Title
		return l.Title == "Spawn pod (fix 2 errors first)"
	})
	err = c.Command("insomnia.spawnPod", map[string]string{"profile": string(uri.File(e.reviewer()))}, nil)
	if err == nil || !strings.Contains(err.Error(), "profile project:reviewer has 2 errors: fix them before spawning") {
		t.Errorf("spawn with manifest errors: %v", err)
	}
	if len(runningDoubles(podDouble.path)) != 0 {
		t.Errorf("a refused spawn started a pod")
	}
}

// The double's drift mode saves a snapshot whose model.ref differs from
// the profile: the spawn warns, listPods and the lens show the drift, and
// resuming says it uses the saved snapshot.
func TestPodsDrift(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, nil)
	t.Setenv("INSOMNIA_POD_DOUBLE_MODE", "drift")
	var res spawnRes
	if err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": "dr"}, &res); err != nil {
		t.Fatalf("spawnPod: %v", err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, "\n"), "model.ref") {
		t.Errorf("drifted spawn: message %q warnings %q", res.Message, res.Warnings)
	}
	for _, m := range c.Messages() {
		if strings.Contains(m, "pod dr started") && strings.Count(m, "model.ref") != 1 {
			t.Errorf("drift said more than once: %q", m)
		}
	}
	if !hasMessage(c, "pod dr started from project:coder; the pod's manifest differs from the one shown here in 1 field: model.ref") {
		t.Errorf("no drift warning shown: %q", c.Messages())
	}
	row, _ := podNamed(listPods(t, c, ""), "dr")
	if len(row.Drift) != 1 || row.Drift[0].Path != "model.ref" || row.Drift[0].Current != "anthropic/claude-sonnet" {
		t.Errorf("listPods drift %+v", row.Drift)
	}
	l := awaitLens(t, c, e.coder(), "dr drifted")
	if l.Title != "dr drifted (1 field) — Attach" || l.Arg["name"] != "dr" {
		t.Errorf("drift lens of a live pod %+v", l)
	}
	stopPods(t, podDouble.path)
	if l = awaitLens(t, c, e.coder(), "dr drifted (1 field) — Resume"); l.Command != "insomnia.client.resumePod" {
		t.Errorf("drift lens of a stopped pod %+v", l)
	}
	// The details the short lens leaves out.
	sd := mustCommand[struct {
		Pod, State, Action, Profile, Message string
		Drift                                []struct{ Path, Saved, Current string }
	}](t, c, "insomnia.showDrift", map[string]string{"pod": "dr"})
	if sd.State != "stopped" || sd.Action != "Resume" || sd.Profile != "project:coder" || len(sd.Drift) != 1 ||
		sd.Drift[0].Path != "model.ref" || sd.Drift[0].Current != "anthropic/claude-sonnet" ||
		sd.Message != "pod dr (stopped) differs from project:coder in 1 field: model.ref: double/drifted-model → anthropic/claude-sonnet — the pod keeps its saved snapshot" {
		t.Errorf("showDrift %+v", sd)
	}
	var rr resumeRes
	if err := c.Command("insomnia.resumePod", map[string]string{"name": "dr"}, &rr); err != nil {
		t.Fatalf("resumePod: %v", err)
	}
	t.Logf("spawn warnings: %q; lens: %s; resume: %s", res.Warnings, l.Title, rr.Message)
	if len(rr.Drift) != 1 || !strings.Contains(rr.Message, "project:coder has changed since: model.ref") ||
		!strings.Contains(rr.Message, "uses its saved snapshot") {
		t.Errorf("resume of a drifted pod %+v", rr)
	}
}

func TestPodsSpawnFailures(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, map[string]any{"pod": map[string]any{"readyTimeoutMs": 2000}})
	for _, tc := range []struct{ mode, name, want string }{
		{"early-exit", "ee", "exited"},
		{"malformed", "mf", "malformed ready line"},
		{"never-ready", "nr", "did not become ready"},
		{"", "a/b", "invalid pod name"},
	} {
		t.Run(tc.mode+tc.name, func(t *testing.T) {
			t.Setenv("INSOMNIA_POD_DOUBLE_MODE", tc.mode)
			err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": tc.name}, nil)
			t.Logf("error: %v", err)
			// A bad name is refused before the profile is looked at.
			where := "cannot start pod " + tc.name + " from project:coder"
			if tc.mode == "" {
				where = "refused pod name"
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), where) {
				t.Errorf("mode %s: error %v, want %q", tc.mode, err, tc.want)
			}
			if tc.mode == "never-ready" && !hasProgress(c, "double: evaluating forever") {
				t.Errorf("the pod's stderr line is not in the progress: %s", c.Progress())
			}
			if left := runningDoubles(podDouble.path); len(left) > 0 {
				t.Errorf("mode %s left pods %v", tc.mode, left)
			}
		})
	}
}

// The pod.command setting wins over INSOMNIA_POD_COMMAND; a program that
// does not exist says how to configure one.
func TestPodsProgramFromSetting(t *testing.T) {
	e := newPodEnv(t)
	missing := filepath.Join(e.root, "no-such-insomnia-pod")
	c := podsReady(t, e, map[string]any{"pod": map[string]any{"command": missing}})
	err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": "np"}, nil)
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "set INSOMNIA_POD_COMMAND or the insomnia.pod.command setting") {
		t.Errorf("missing program: %v", err)
	}
}

// Spawning while the profile is being evaluated is refused: the pod could
// get something else than the editor is about to show.
func TestPodsSpawnRefusedWhileEvaluating(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, map[string]any{"evaluation": map[string]any{"timeoutMs": 60000}})
	slow := strings.Replace(e.profileNix("reviewer", "anthropic/claude-haiku"), `worker.reasoning = "high";`,
		`worker.reasoning = if (`+strings.TrimSpace(slowNix)+`) > 0 then "high" else "low";`, 1)
	c.Open(e.reviewer(), slow)
	awaitStatus(t, c, "project:reviewer", "evaluating")
	if l, _ := lensNamed(codeLenses(t, c, e.reviewer()), "Spawn pod"); l.Title != "Spawn pod (evaluating…)" {
		t.Errorf("spawn lens while evaluating: %+v", l)
	}
	err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:reviewer"}, nil)
	if err == nil || !strings.Contains(err.Error(), "profile project:reviewer is still evaluating") {
		t.Errorf("spawn while evaluating: %v", err)
	}
}

// slowNix runs for minutes (the server kills it when the test ends).
const slowNix = "builtins.foldl' (a: i: builtins.foldl' (b: j: b + 1) a (builtins.genList (x: x) 1000)) 0 (builtins.genList (x: x) 1000000)"

// A profile no registry lists is spawned by its path, and its pods are
// found by that path.
func TestPodsSpawnPathProfile(t *testing.T) {
	e := newPodEnv(t)
	loose := e.write(t, filepath.Join(e.ws, "tools", "scout.nix"), "scout", "anthropic/claude-haiku")
	c := podsReady(t, e, nil)
	c.Open(loose)
	sp := awaitLens(t, c, loose, "Spawn pod")
	c.Await("scout evaluated", func() bool {
		sp, _ = lensNamed(codeLenses(t, c, loose), "Spawn pod")
		return sp.Title == "Spawn pod"
	})
	if sp.Arg["profile"] != loose {
		t.Fatalf("spawn lens %+v", sp)
	}
	res := mustCommand[spawnRes](t, c, "insomnia.spawnPod", map[string]string{"profile": sp.Arg["uri"], "name": "scout"})
	if !strings.Contains(res.Message, "pod scout started from "+loose+"; the pod got the manifest shown here") {
		t.Errorf("spawn message %q warnings %q", res.Message, res.Warnings)
	}
	rows := listPods(t, c, sp.Arg["uri"])
	if len(rows) != 1 || rows[0].Name != "scout" || rows[0].Profile != loose {
		t.Errorf("pods of the path profile: %+v", rows)
	}
	awaitLens(t, c, loose, "1 pod: scout (idle)")
	if ls := codeLenses(t, c, e.coder()); len(ls) != 2 {
		t.Errorf("coder shows another profile's pods: %q", titles(ls))
	}
}

// A pod that takes long to start blocks no other request: the picker and
// hovers answer while the spawn waits (here for a pod that never becomes
// ready until the test stops it).
func TestPodsSpawnDoesNotBlockRequests(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, nil)
	t.Setenv("INSOMNIA_POD_DOUBLE_MODE", "never-ready")
	done := make(chan error, 1)
	go func() {
		done <- c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": "slow"}, nil)
	}()
	c.Await("the pod's progress line", func() bool { return hasProgress(c, "double: evaluating forever") })
	if rows := listProfiles(t, c); len(rows) == 0 {
		t.Errorf("no profiles while a spawn runs")
	}
	if h := c.Hover(e.coder(), 0, 0); !strings.Contains(h, "project:coder") {
		t.Errorf("hover while a spawn runs: %q", h)
	}
	select {
	case err := <-done:
		t.Fatalf("the spawn ended before the pod was stopped: %v", err)
	default:
	}
	stopPods(t, podDouble.path)
	if err := <-done; err == nil || !strings.Contains(err.Error(), "pod exited before becoming ready") {
		t.Errorf("spawn of a stopped pod: %v", err)
	}
}

// TestPodsBothStoreLayouts: through the server, pods written by the runtime
// before the pod store split (<data_dir>/sessions/pods, the double's
// "legacy") and after it (<data_dir>/pods since HareK02/yoi 21173813,
// merged e2cf6ed8; crates/pod/src/main.rs:230-236 at 6ecb5c4f) are listed
// with their provenance and snapshot, and both resume from their store.
func TestPodsBothStoreLayouts(t *testing.T) {
	e := newPodEnv(t)
	c := podsReady(t, e, nil)
	layouts := []struct{ layout, name string }{{"split", "new"}, {"legacy", "old"}}
	for _, l := range layouts {
		t.Setenv("INSOMNIA_POD_DOUBLE_STORE", l.layout)
		var res spawnRes
		if err := c.Command("insomnia.spawnPod", map[string]string{"profile": "project:coder", "name": l.name}, &res); err != nil {
			t.Fatalf("%s spawn: %v", l.layout, err)
		}
		if !strings.Contains(res.Message, "the pod got the manifest shown here") {
			t.Errorf("%s spawn: %q", l.layout, res.Message)
		}
	}
	stopPods(t, podDouble.path)
	rows := listPods(t, c, "project:coder")
	for _, l := range layouts {
		row, ok := podNamed(rows, l.name)
		if !ok || row.State != "stopped" || row.Profile != "project:coder" || len(row.SnapshotHash) != 64 {
			t.Errorf("%s layout: row %+v in %+v", l.layout, row, rows)
		}
		t.Setenv("INSOMNIA_POD_DOUBLE_STORE", l.layout)
		var rr resumeRes
		if err := c.Command("insomnia.resumePod", map[string]string{"name": l.name}, &rr); err != nil ||
			!strings.Contains(rr.Message, "resumed from its saved snapshot") {
			t.Errorf("%s layout: resume %v %+v", l.layout, err, rr)
		}
	}
}
