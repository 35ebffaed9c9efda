package spawn

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// doublePath is cmd/insomnia-pod-double, built once for all tests.
var doublePath string

func TestMain(m *testing.M) {
	if req := os.Getenv(launcherEnv); req != "" {
		os.Exit(launcher(req))
	}
	dir, err := os.MkdirTemp("", "spawn-double")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	doublePath = filepath.Join(dir, "insomnia-pod-double")
	if out, err := exec.Command("go", "build", "-o", doublePath, "../cmd/insomnia-pod-double").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the double: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	if left := leftovers(doublePath); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: pods left running after the tests: %v\n", left)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// leftovers lists pids of live processes running program.
func leftovers(program string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err == nil && strings.HasPrefix(string(data), program+"\x00") {
			out = append(out, filepath.Base(filepath.Dir(p)))
		}
	}
	return out
}

// testEnv is one isolated insomnia installation: data, runtime and config
// dirs under a short temp root (unix socket paths are limited to 108
// bytes) and a workspace with a project registry.
type testEnv struct {
	root, data, runtime, ws, profile string
	vars                             []string
}

const coderProfile = `let lib = import %q { }; in
lib.mkProfile {
  name = "coder";
  description = "test profile";
  manifest = {
    pod.name = "coder";
    scope.allow = [ { target = "."; permission = "write"; } ];
    model.ref = "anthropic/claude-sonnet";
    worker.reasoning = "high";
    compaction.threshold = 200000;
  };
}
`

// markDoubleSources reads the double's sources from inside a test, where
// go test logs opened files: they become inputs of the test cache, so a
// change to the double reruns these tests (TestMain runs before logging).
var markDoubleSources = sync.OnceFunc(func() {
	srcs, _ := filepath.Glob("../cmd/insomnia-pod-double/*.go")
	for _, src := range srcs {
		_, _ = os.ReadFile(src)
	}
})

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	markDoubleSources()
	root, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	e := &testEnv{root: root, data: filepath.Join(root, "d"), runtime: filepath.Join(root, "r"),
		ws: filepath.Join(root, "ws")}
	lib, err := filepath.Abs("../resources/nix/profile-lib.nix")
	if err != nil {
		t.Fatal(err)
	}
	e.profile = filepath.Join(e.ws, ".insomnia", "profiles", "coder.nix")
	testenv.Write(t, e.profile, fmt.Sprintf(coderProfile, lib))
	testenv.Write(t, filepath.Join(e.ws, ".insomnia", "profiles.toml"), "default = \"coder\"\n[profile]\ncoder = \"profiles/coder.nix\"\n")
	res, _ := filepath.Abs("../resources")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "INSOMNIA_") && !strings.HasPrefix(kv, "XDG_") {
			e.vars = append(e.vars, kv)
		}
	}
	e.vars = append(e.vars, "INSOMNIA_DATA_DIR="+e.data, "INSOMNIA_RUNTIME_DIR="+e.runtime,
		"INSOMNIA_CONFIG_DIR="+filepath.Join(root, "c"), "INSOMNIA_RESOURCE_DIR="+res)
	return e
}

// request is a LaunchRequest for the double acting out mode.
func (e *testEnv) request(name, mode string) LaunchRequest {
	return LaunchRequest{Program: doublePath, Selector: "project:coder", PodName: name,
		Cwd: e.ws, RuntimeDir: e.runtime, Env: e.with(mode)}
}

func (e *testEnv) with(mode string) []string {
	return append(append([]string{}, e.vars...), "INSOMNIA_POD_DOUBLE_MODE="+mode)
}

// launch starts a pod and stops it when the test ends.
func (e *testEnv) launch(t *testing.T, req LaunchRequest) Ready {
	t.Helper()
	r, err := Launch(context.Background(), req)
	if err != nil {
		t.Fatalf("Launch: %v", err)
	}
	t.Cleanup(func() { stopPod(t, r.PID) })
	return r
}

// stopPod sends SIGTERM (the double then removes its runtime state) and
// waits until Launch's reaper has collected it.
func stopPod(t *testing.T, pid int) {
	t.Helper()
	if pid == 0 {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 200; i++ {
		if !processExists(pid) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	t.Errorf("pod pid %d ignored SIGTERM", pid)
}

// processExists is true for a live or zombie process: a zombie means
// nobody reaped it, which is also a leak.
func processExists(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}

// wantKind checks err's kind and that no process of the failed start remains.
func wantKind(t *testing.T, err error, sentinel error) *Error {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) || !errors.Is(err, sentinel) {
		t.Fatalf("want %v, got %T %v", sentinel, err, err)
	}
	if se.PID != 0 && processExists(se.PID) {
		t.Errorf("pid %d still exists after %v", se.PID, err)
	}
	return se
}
