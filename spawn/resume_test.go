package spawn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resumeRequest resumes with PATH emptied: the double (like our contract
// for resume) must not need Nix to restore a saved snapshot.
func (e *testEnv) resumeRequest(name string) ResumeRequest {
	env := append(e.with(""), "PATH="+e.root)
	return ResumeRequest{Program: doublePath, PodName: name, Cwd: e.ws, RuntimeDir: e.runtime, Env: env}
}

func TestResumeRestoresSavedSnapshot(t *testing.T) {
	requireNix(t)
	e := newEnv(t)
	r := e.launch(t, e.request("coder-2", ""))
	before := findPod(t, ListPods(e.data, e.runtime), "coder-2")
	stopPod(t, r.PID)

	again, err := Resume(context.Background(), e.resumeRequest("coder-2"))
	if err != nil {
		t.Fatalf("Resume: %v", err)
	}
	t.Cleanup(func() { stopPod(t, again.PID) })
	want := []string{doublePath, "--pod=coder-2", "--require-pod-state"}
	if strings.Join(again.Args, " ") != strings.Join(want, " ") || again.AlreadyRunning {
		t.Errorf("resume = %+v", again)
	}
	after := findPod(t, ListPods(e.data, e.runtime), "coder-2")
	if !after.Live() {
		t.Errorf("resumed pod listed as %+v", after)
	}
	diffs, err := CompareSnapshots(before.Snapshot, after.Snapshot, CompareOptions{})
	if err != nil || len(diffs) != 0 {
		t.Errorf("resume changed the snapshot: %v %v", diffs, err)
	}

	live, err := Resume(context.Background(), e.resumeRequest("coder-2"))
	if err != nil || !live.AlreadyRunning || live.Socket != again.Socket || live.PID != 0 {
		t.Errorf("resuming a live pod: %+v %v", live, err)
	}
}

func TestResumeMissingState(t *testing.T) {
	e := newEnv(t)
	_, err := Resume(context.Background(), e.resumeRequest("ghost"))
	se := wantKind(t, err, ErrExitedEarly)
	t.Log(err)
	if got := se.Tail[len(se.Tail)-1]; got != "error: pod state missing for ghost" {
		t.Errorf("last line = %q", got)
	}
}

// --store reaches the pod: state moved to another store is found only there.
func TestResumeWithStore(t *testing.T) {
	requireNix(t)
	e := newEnv(t)
	r := e.launch(t, e.request("moved", ""))
	stopPod(t, r.PID)
	store := filepath.Join(e.root, "st")
	if err := os.MkdirAll(filepath.Join(store, "pods"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(StoreDir(e.data), "pods", "moved"), filepath.Join(store, "pods", "moved")); err != nil {
		t.Fatal(err)
	}
	_, err := Resume(context.Background(), e.resumeRequest("moved"))
	wantKind(t, err, ErrExitedEarly)
	req := e.resumeRequest("moved")
	req.Store = store
	again, err := Resume(context.Background(), req)
	if err != nil {
		t.Fatalf("Resume with --store: %v", err)
	}
	t.Cleanup(func() { stopPod(t, again.PID) })
	if n := len(again.Args); n < 2 || again.Args[n-2] != "--store" || again.Args[n-1] != store {
		t.Errorf("argv = %q", again.Args)
	}
}
