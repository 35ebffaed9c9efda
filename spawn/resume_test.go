package spawn

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// resumeRequest resumes with PATH emptied: the double (like our contract
// for resume) must not need Nix to restore a saved snapshot.
func (e *testEnv) resumeRequest(name string) ResumeRequest {
	env := append(e.with(""), "PATH="+e.root)
	return ResumeRequest{Program: doublePath, PodName: name, Cwd: e.ws, RuntimeDir: e.runtime, Env: env}
}

func TestResumeRestoresSavedSnapshot(t *testing.T) {
	testenv.NeedNix(t)
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

// TestResumeWithStore: before the pod store split (legacy layout) --store
// moved pod metadata with it, so state moved to another store is found
// only there; since 21173813 (merged e2cf6ed8) metadata stays in
// <data_dir>/pods whatever --store says (crates/pod/src/main.rs:210-236 at
// 6ecb5c4f). The double plays both layouts.
func TestResumeWithStore(t *testing.T) {
	testenv.NeedNix(t)
	cases := []struct {
		layout       string
		from, to     func(e *testEnv, store string) string
		foundWithout bool // resumable without --store after the move
	}{
		{"legacy",
			func(e *testEnv, _ string) string { return filepath.Join(LegacyPodStoreDir(e.data), "moved") },
			func(_ *testEnv, store string) string { return filepath.Join(store, "pods", "moved") }, false},
		{"split",
			func(e *testEnv, _ string) string { return filepath.Join(PodStoreDir(e.data, ""), "moved") },
			nil, true},
	}
	for _, c := range cases {
		t.Run(c.layout, func(t *testing.T) {
			e := newEnv(t)
			e.vars = append(e.vars, "INSOMNIA_POD_DOUBLE_STORE="+c.layout)
			r := e.launch(t, e.request("moved", ""))
			stopPod(t, r.PID)
			store := filepath.Join(e.root, "st")
			if _, err := os.Stat(filepath.Join(c.from(e, store), "metadata.json")); err != nil {
				t.Fatalf("%s layout: metadata not where the runtime writes it: %v", c.layout, err)
			}
			if c.to != nil {
				if err := os.MkdirAll(filepath.Dir(c.to(e, store)), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(c.from(e, store), c.to(e, store)); err != nil {
					t.Fatal(err)
				}
			}
			if !c.foundWithout {
				_, err := Resume(context.Background(), e.resumeRequest("moved"))
				wantKind(t, err, ErrExitedEarly)
			}
			req := e.resumeRequest("moved")
			req.Store = store
			again, err := Resume(context.Background(), req)
			if err != nil {
				t.Fatalf("Resume with --store: %v", err)
			}
			t.Cleanup(func() { stopPod(t, again.PID) })
			// Point 7: only what the runtime still reads. --resume-scope-json
			// and the session log's scope snapshot went in e10b4ad4 (merged
			// e2cf6ed8): restore takes the pod store's metadata.json
			// (crates/pod/src/main.rs:290-317, pod.rs:3877-3910 at 6ecb5c4f).
			want := []string{doublePath, "--pod=moved", "--require-pod-state", "--store", store}
			if strings.Join(again.Args, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("argv = %q, want %q", again.Args, want)
			}
			// A moved legacy store is unknown to the lister; the split one is found.
			if p := findPod(t, ListPods(e.data, e.runtime), "moved"); !p.Live() || (c.foundWithout && p.Source == nil) {
				t.Errorf("resumed pod listed as %+v", p)
			}
		})
	}
}
