package spawn

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// launcherEnv makes the test binary act as a short-lived server: it
// launches the pod described in JSON, prints its pid and exits.
const launcherEnv = "SPAWN_TEST_LAUNCH"

func launcher(reqJSON string) int {
	var req LaunchRequest
	if err := json.Unmarshal([]byte(reqJSON), &req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	r, err := Launch(context.Background(), req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(r.PID)
	return 0
}

// The pod keeps running after the process that launched it exits.
func TestPodOutlivesLauncher(t *testing.T) {
	testenv.NeedNix(t)
	// Orphans are re-parented to us instead of init, so we can reap the
	// pod ourselves and prove that nothing is left.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Skipf("cannot become a subreaper: %v", err)
	}
	e := newEnv(t)
	data, err := json.Marshal(e.request("orphan", ""))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), launcherEnv+"="+string(data))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("launcher: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("launcher printed %q", out)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		var ws unix.WaitStatus
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			t.Errorf("reaping the orphaned pod: %v", err)
		}
	})
	if p := findPod(t, ListPods(e.data, e.runtime), "orphan"); !p.Live() || p.PID != pid {
		t.Errorf("after the launcher exited the pod is %+v", p)
	}
}
