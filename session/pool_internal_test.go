package session

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// headlessSession is a started CLI-style session over dir with an
// isolated insomnia home, trusting everything.
func headlessSession(t *testing.T, dir string) *Session {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not on PATH: this test runs real Nix")
	}
	home := t.TempDir()
	env := map[string]string{"INSOMNIA_CONFIG_DIR": filepath.Join(home, "c"),
		"INSOMNIA_DATA_DIR": filepath.Join(home, "d"), "INSOMNIA_RUNTIME_DIR": filepath.Join(home, "r")}
	w := New(Options{Cwd: dir, Headless: true, Lazy: true, Env: func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}})
	t.Cleanup(w.Close)
	w.SetTrust(TrustAll())
	w.SetRoots([]string{dir})
	w.Start()
	return w
}

// idlePids waits until the session's scheduler holds an idle Nix.
func idlePids(t *testing.T, w *Session) []int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.mu.Lock()
		sched := w.sched
		w.mu.Unlock()
		if pids := sched.Evaluator().IdlePids(); len(pids) > 0 {
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatal("no pre-started Nix after an evaluation")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gone waits (bounded) until pid has no /proc entry.
func gone(pid int) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); os.IsNotExist(err) {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

func evaluateOnce(t *testing.T, w *Session, dir string) {
	t.Helper()
	path := filepath.Join(dir, "p.nix")
	testenv.Write(t, path, "{ manifest = { n = 1; }; }\n")
	w.AddFile(path)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w.WaitIdle(ctx)
	if !w.hasResult(path) {
		t.Fatal("the profile was not evaluated")
	}
}

// TestTrustChangeKillsIdle: the idle Nix started under the old trust dies
// when the scheduler is replaced for the new one.
func TestTrustChangeKillsIdle(t *testing.T) {
	dir := t.TempDir()
	w := headlessSession(t, dir)
	evaluateOnce(t, w, dir)
	old := idlePids(t, w)
	w.SetTrust(Trust{})
	w.RestartScheduler()
	for _, pid := range old {
		if !gone(pid) {
			t.Errorf("idle Nix %d started trusted survived the trust change", pid)
		}
	}
}

// TestShutdownKillsIdle: no idle Nix survives the session's Close.
func TestShutdownKillsIdle(t *testing.T) {
	dir := t.TempDir()
	w := headlessSession(t, dir)
	evaluateOnce(t, w, dir)
	pids := idlePids(t, w)
	w.Close()
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); !os.IsNotExist(err) {
			t.Errorf("idle Nix %d survived Close", pid)
		}
	}
}
