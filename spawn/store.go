package spawn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/insomnia-lsp/insomnia-lsp/profile/rustpath"
)

// Pod states shown to the user. idle/running/paused come from a live pod's
// status.json (running = working on a turn); stopped = not live; corrupt =
// its metadata.json cannot be read.
const (
	StateRunning = "running"
	StateIdle    = "idle"
	StatePaused  = "paused"
	StateStopped = "stopped"
	StateCorrupt = "corrupt"
)

// ProfileSource is the provenance a snapshot records (contract §1.3):
// {"kind":"path","path":…} or {"kind":"registry","source":…,"name":…,"path":…}.
type ProfileSource struct {
	Kind   string `json:"kind"`
	Source string `json:"source,omitempty"`
	Name   string `json:"name,omitempty"`
	Path   string `json:"path,omitempty"`
}

// Label is what the user selected: "project:coder" for a registry entry,
// the file path for a path selector.
func (s ProfileSource) Label() string {
	if s.Kind == "registry" && s.Name != "" {
		return s.Source + ":" + s.Name
	}
	return s.Path
}

// Pod is one pod known to the store or the runtime directory.
type Pod struct {
	Name     string
	State    string          // one of the State* constants
	Profile  string          // ProfileSource.Label(); "" when not profile-derived or unknown
	Source   *ProfileSource  // nil when the snapshot has no provenance
	Snapshot json.RawMessage // resolved_manifest_snapshot; nil when absent
	Corrupt  string          // why metadata.json is unusable (State == StateCorrupt)
	Socket   string          // live pods only
	PID      int             // live pods only, from pods.json
	Modified time.Time       // metadata.json's mtime: last segment activation or restore
}

// Live reports whether the pod's socket accepted a connection.
func (p Pod) Live() bool {
	return p.State == StateRunning || p.State == StateIdle || p.State == StatePaused
}

// FromProfile reports whether the pod was started from the profile known by
// its qualified name or its file (a path selector and a registry entry may
// name the same file).
func (p Pod) FromProfile(qualified, path string) bool {
	if p.Source == nil {
		return false
	}
	if qualified != "" && p.Source.Kind == "registry" && p.Source.Label() == qualified {
		return true
	}
	return path != "" && p.Source.Path != "" && filepath.Clean(p.Source.Path) == filepath.Clean(path)
}

// StoreDir is the session store's default root, <data_dir>/sessions
// (the runtime's --store default).
func StoreDir(dataDir string) string { return filepath.Join(dataDir, "sessions") }

// PodStoreDir is where the runtime keeps pod metadata since the pod store
// split (HareK02/yoi 21173813, merged e2cf6ed8): <data_dir>/pods, no
// longer under --store; only when the data dir is unknown,
// <store>/../pods (crates/pod/src/main.rs:230-236 at 6ecb5c4f).
func PodStoreDir(dataDir, store string) string {
	if dataDir != "" {
		return filepath.Join(dataDir, "pods")
	}
	if parent, ok := rustpath.Parent(store); ok {
		return rustpath.Join(parent, "pods")
	}
	return "pods"
}

// LegacyPodStoreDir is the layout before the split: <store>/pods, with
// store = <data_dir>/sessions unless --store moved it.
func LegacyPodStoreDir(dataDir string) string { return filepath.Join(StoreDir(dataDir), "pods") }

// podStoreRoots are the layouts we read, newest first.
func podStoreRoots(dataDir string) []string {
	return []string{PodStoreDir(dataDir, ""), LegacyPodStoreDir(dataDir)}
}

// metadataCandidates are the places a pod's metadata.json can be, newest
// layout first.
func metadataCandidates(dataDir, name string) []string {
	roots := podStoreRoots(dataDir)
	out := make([]string, len(roots))
	for i, r := range roots {
		out[i] = filepath.Join(r, name, "metadata.json")
	}
	return out
}

// MetadataPath is the metadata.json of a pod: <data_dir>/pods/<name>/,
// or the legacy <data_dir>/sessions/pods/<name>/ when only that exists.
func MetadataPath(dataDir, name string) string {
	return firstExisting(metadataCandidates(dataDir, name))
}

// metadata is the part of metadata.json we read; the rest is the pod's.
type metadata struct {
	PodName  string          `json:"pod_name"`
	Snapshot json.RawMessage `json:"resolved_manifest_snapshot,omitempty"`
	// Reclaimed is the split store's reclaim history (pod-store/src/lib.rs:
	// 82-96 at 6ecb5c4f); decoded so that a malformed one makes the pod
	// corrupt, as it makes upstream's read_by_name fail.
	Reclaimed []reclaimedChild `json:"reclaimed_children,omitempty"`
}

// reclaimedChild is PodReclaimedChild: both fields required.
type reclaimedChild struct {
	PodName        *string           `json:"pod_name"`
	ScopeDelegated []json.RawMessage `json:"scope_delegated"`
}

// provenance is the "profile" member of a snapshot.
type provenance struct {
	Profile *struct {
		Source *ProfileSource `json:"source"`
	} `json:"profile"`
}

// ListPods lists every pod of the store and the runtime directory, sorted by
// name, following contract §4.8. It never fails as a whole: an unreadable
// metadata.json makes that one pod corrupt, and an unreadable pods.json
// falls back to probing <runtime_dir>/<name>/sock.
func ListPods(dataDir, runtimeDir string) []Pod {
	allocs, _ := readAllocations(runtimeDir)
	byName := map[string]*Pod{}
	for _, p := range storedPods(dataDir) {
		byName[p.Name] = &p
	}
	for _, a := range allocs {
		if _, ok := byName[a.PodName]; !ok && ValidatePodName(a.PodName) == nil {
			byName[a.PodName] = &Pod{Name: a.PodName, State: StateStopped}
		}
	}
	pods := make([]Pod, 0, len(byName))
	for _, p := range byName {
		markLiveness(p, runtimeDir, allocs)
		pods = append(pods, *p)
	}
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	return pods
}

// storedPods lists both layouts, the split one first: a pod present in
// both is listed once, from the new one (the runtime reads only that).
// Like upstream's FsPodStore::list_names (crates/pod-store/src/lib.rs:234-256
// at 6ecb5c4f), only real folders holding a metadata.json and named
// validly count, sorted by name.
func storedPods(dataDir string) []Pod {
	seen := map[string]bool{}
	var pods []Pod
	for _, root := range podStoreRoots(dataDir) {
		for _, name := range podNamesIn(root) {
			if !seen[name] {
				seen[name] = true
				pods = append(pods, readPod(filepath.Join(root, name, "metadata.json"), name))
			}
		}
	}
	return pods
}

// podNamesIn is list_names: directories (not symlinks) with a
// metadata.json, valid pod names, sorted.
func podNamesIn(root string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() || ValidatePodName(e.Name()) != nil || !utf8.ValidString(e.Name()) {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), "metadata.json")); err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// readPod turns one metadata.json into a Pod; every failure is a reason.
func readPod(path, name string) Pod {
	p := Pod{Name: name, State: StateStopped}
	if fi, err := os.Stat(path); err == nil {
		p.Modified = fi.ModTime()
	}
	m, err := readMetadata(path)
	if err != nil {
		p.State, p.Corrupt = StateCorrupt, err.Error()
		return p
	}
	p.Snapshot = m.Snapshot
	if src := snapshotSource(m.Snapshot); src != nil {
		p.Source, p.Profile = src, src.Label()
	}
	return p
}

func readMetadata(path string) (metadata, error) {
	var m metadata
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, errors.New("metadata.json is missing")
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("metadata.json is not valid: %v", err)
	}
	if m.PodName == "" {
		return m, errors.New("metadata.json has no pod_name")
	}
	for i, c := range m.Reclaimed {
		if c.PodName == nil || c.ScopeDelegated == nil {
			return m, fmt.Errorf("metadata.json is not valid: reclaimed_children[%d] needs pod_name and scope_delegated", i)
		}
	}
	if len(m.Snapshot) > 0 && string(m.Snapshot) != "null" && m.Snapshot[0] != '{' {
		return m, errors.New("metadata.json contains an invalid resolved manifest snapshot (not an object)")
	}
	return m, nil
}

// snapshotSource reads snapshot.profile.source; nil when absent or odd
// (provenance is informative only, so it never makes a pod corrupt).
func snapshotSource(snap json.RawMessage) *ProfileSource {
	var p provenance
	if len(snap) == 0 || json.Unmarshal(snap, &p) != nil || p.Profile == nil || p.Profile.Source == nil {
		return nil
	}
	if p.Profile.Source.Label() == "" {
		return nil
	}
	return p.Profile.Source
}

// markLiveness sets State, Socket and PID for a pod that is not corrupt.
func markLiveness(p *Pod, runtimeDir string, allocs []allocation) {
	sock, pid := filepath.Join(runtimeDir, p.Name, "sock"), 0
	for _, a := range allocs {
		if a.PodName == p.Name {
			sock, pid = a.Socket, a.PID
		}
	}
	if runtimeDir == "" {
		return
	}
	if ok, _ := probe(sock); !ok {
		return
	}
	p.Socket, p.PID = sock, pid
	if p.State != StateCorrupt {
		p.State = readState(filepath.Join(runtimeDir, p.Name, "status.json"))
	}
}

// readState reads a live pod's status.json; a live pod without a readable
// one is shown as running.
func readState(path string) string {
	var st struct {
		State string `json:"state"`
	}
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &st) != nil {
		return StateRunning
	}
	switch st.State {
	case StateIdle, StateRunning, StatePaused:
		return st.State
	}
	return StateRunning
}
