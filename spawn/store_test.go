package spawn

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func findPod(t *testing.T, pods []Pod, name string) Pod {
	t.Helper()
	for _, p := range pods {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("pod %s not listed in %+v", name, pods)
	return Pod{}
}

func TestSpawnThenListThenStop(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	r, err := Launch(context.Background(), e.request("coder-1", ""))
	if err != nil {
		t.Fatal(err)
	}
	p := findPod(t, ListPods(e.data, e.runtime), "coder-1")
	if p.State != StateIdle || !p.Live() || p.Socket != r.Socket || p.PID != r.PID {
		t.Errorf("live pod listed as %+v", p)
	}
	if p.Profile != "project:coder" || p.Source.Path != e.profile || len(p.Snapshot) == 0 {
		t.Errorf("provenance: profile %q source %+v", p.Profile, p.Source)
	}
	if !p.FromProfile("project:coder", "") || !p.FromProfile("", e.profile) || p.FromProfile("user:coder", "/x.nix") {
		t.Error("FromProfile disagrees with the provenance")
	}
	t.Logf("lens while live: %s", LensTitle(ListPods(e.data, e.runtime)))
	stopPod(t, r.PID)
	p = findPod(t, ListPods(e.data, e.runtime), "coder-1")
	if p.State != StateStopped || p.Socket != "" {
		t.Errorf("stopped pod listed as %+v", p)
	}
	t.Logf("lens when stopped: %s", LensTitle(ListPods(e.data, e.runtime)))
	// The pod cleaned up after itself: no allocation, no runtime directory.
	if a, err := readAllocations(e.runtime); err != nil || len(a) != 0 {
		t.Errorf("pods.json after stop: %+v %v", a, err)
	}
	if _, err := os.Stat(filepath.Join(e.runtime, "coder-1")); !os.IsNotExist(err) {
		t.Errorf("runtime dir left behind: %v", err)
	}
}

func TestListStatusAndStaleAllocation(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	r := e.launch(t, e.request("busy", ""))
	testenv.Write(t, filepath.Join(e.runtime, "busy", "status.json"), `{"state":"running","pod_name":"busy"}`)
	// A pod killed hard leaves its allocation behind: its socket refuses.
	stale := `{"allocations":[{"pod_name":"busy","pid":` + itoa(r.PID) + `,"socket":"` + r.Socket + `"},` +
		`{"pod_name":"ghost","pid":1,"socket":"` + filepath.Join(e.runtime, "ghost", "sock") + `"}]}`
	testenv.Write(t, filepath.Join(e.runtime, "pods.json"), stale)
	pods := ListPods(e.data, e.runtime)
	if p := findPod(t, pods, "busy"); p.State != StateRunning {
		t.Errorf("busy = %+v", p)
	}
	if p := findPod(t, pods, "ghost"); p.State != StateStopped || p.Profile != "" {
		t.Errorf("ghost = %+v", p)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestListCorruptMetadata(t *testing.T) {
	e := newEnv(t)
	pods := filepath.Join(StoreDir(e.data), "pods")
	testenv.Write(t, filepath.Join(pods, "garbage", "metadata.json"), "{not json")
	testenv.Write(t, filepath.Join(pods, "noname", "metadata.json"), `{"active":{}}`)
	testenv.Write(t, filepath.Join(pods, "badsnap", "metadata.json"), `{"pod_name":"badsnap","resolved_manifest_snapshot":[1]}`)
	testenv.Write(t, filepath.Join(pods, "nosource", "metadata.json"), `{"pod_name":"nosource","resolved_manifest_snapshot":{"profile":{"source":7}}}`)
	if err := os.MkdirAll(filepath.Join(pods, "empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	testenv.Write(t, filepath.Join(e.runtime, "pods.json"), "\x00\x01 not json")
	got := ListPods(e.data, e.runtime)
	want := map[string]string{
		"garbage": "not valid", "noname": "no pod_name", "badsnap": "invalid resolved manifest snapshot",
	}
	for name, reason := range want {
		p := findPod(t, got, name)
		if p.State != StateCorrupt || !strings.Contains(p.Corrupt, reason) {
			t.Errorf("%s = %+v, want corrupt with %q", name, p, reason)
		}
	}
	if p := findPod(t, got, "nosource"); p.State != StateStopped || p.Profile != "" {
		t.Errorf("odd provenance must not make a pod corrupt: %+v", p)
	}
	for _, p := range got {
		if p.Name == "empty" {
			t.Errorf("a folder without metadata.json is not a pod (list_names skips it): %+v", p)
		}
	}
}

// TestListBothStoreLayouts: pods are read from the split store
// (<data_dir>/pods, HareK02/yoi 21173813 merged e2cf6ed8;
// crates/pod/src/main.rs:230-236 at 6ecb5c4f) and from the legacy one
// (<data_dir>/sessions/pods); a pod in both is listed once, from the new
// one; listing skips folders without metadata.json, invalid names and
// symlinks, sorted (crates/pod-store/src/lib.rs:234-256).
func TestListBothStoreLayouts(t *testing.T) {
	e := newEnv(t)
	split, legacy := PodStoreDir(e.data, ""), LegacyPodStoreDir(e.data)
	meta := func(name, model string) string {
		return `{"pod_name":"` + name + `","resolved_manifest_snapshot":{"model":{"ref":"` + model + `"},` +
			`"profile":{"source":{"kind":"path","path":"/w/` + name + `.nix"}}}}`
	}
	testenv.Write(t, filepath.Join(split, "b-new", "metadata.json"), meta("b-new", "new"))
	testenv.Write(t, filepath.Join(legacy, "a-old", "metadata.json"), meta("a-old", "old"))
	testenv.Write(t, filepath.Join(split, "both", "metadata.json"), meta("both", "new"))
	testenv.Write(t, filepath.Join(legacy, "both", "metadata.json"), meta("both", "old"))
	testenv.Write(t, filepath.Join(split, "reclaimed", "metadata.json"),
		`{"pod_name":"reclaimed","reclaimed_children":[{"pod_name":"c","scope_delegated":[]}]}`)
	testenv.Write(t, filepath.Join(split, "badreclaim", "metadata.json"),
		`{"pod_name":"badreclaim","reclaimed_children":[{"scope_delegated":[]}]}`)
	if err := os.MkdirAll(filepath.Join(split, "nometa"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(split, "b-new"), filepath.Join(split, "link")); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, state, model string }{
		{"a-old", StateStopped, "old"},
		{"b-new", StateStopped, "new"},
		{"badreclaim", StateCorrupt, ""},
		{"both", StateStopped, "new"},
		{"reclaimed", StateStopped, ""},
	}
	got := ListPods(e.data, e.runtime)
	if len(got) != len(cases) {
		t.Fatalf("listed %d pods, want %d: %+v", len(got), len(cases), got)
	}
	for i, c := range cases {
		p := got[i]
		if p.Name != c.name || p.State != c.state || !strings.Contains(string(p.Snapshot), c.model) {
			t.Errorf("pod %d = %s %s %s, want %s %s from the %q store", i, p.Name, p.State, p.Snapshot, c.name, c.state, c.model)
		}
	}
	if MetadataPath(e.data, "both") != filepath.Join(split, "both", "metadata.json") ||
		MetadataPath(e.data, "a-old") != filepath.Join(legacy, "a-old", "metadata.json") {
		t.Errorf("MetadataPath prefers the split store: %s %s", MetadataPath(e.data, "both"), MetadataPath(e.data, "a-old"))
	}
}

// TestPodStoreDir mirrors crates/pod/src/main.rs:230-236 at 6ecb5c4f.
func TestPodStoreDir(t *testing.T) {
	cases := []struct{ data, store, want string }{
		{"/d", "", "/d/pods"},
		{"/d", "/elsewhere/st", "/d/pods"}, // --store no longer moves pod metadata
		{"", "/elsewhere/st", "/elsewhere/pods"},
		{"", "/", "pods"},
	}
	for _, c := range cases {
		if got := PodStoreDir(c.data, c.store); got != c.want {
			t.Errorf("PodStoreDir(%q, %q) = %q, want %q", c.data, c.store, got, c.want)
		}
	}
}

func TestListWithoutDirectories(t *testing.T) {
	if pods := ListPods(filepath.Join(t.TempDir(), "none"), ""); len(pods) != 0 {
		t.Errorf("got %+v", pods)
	}
}

// A reader's shared lock coexists with other readers and gives up on a
// writer's exclusive lock instead of hanging.
func TestPodsJSONSharedLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pods.json")
	testenv.Write(t, path, `{"allocations":[{"pod_name":"a","pid":1,"socket":"/nope"}]}`)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		t.Fatal(err)
	}
	if a, err := readAllocations(dir); err != nil || len(a) != 1 || a[0].PodName != "a" {
		t.Fatalf("beside a shared lock: %+v %v", a, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err = readAllocations(dir); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Fatalf("under an exclusive lock: want EWOULDBLOCK, got %v", err)
	}
}
