package spawn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// VerifyRequest asks whether a freshly started pod got the manifest the
// editor showed.
type VerifyRequest struct {
	DataDir     string          // the pod's <data_dir>; metadata is read from either pod store layout
	PodName     string          // Ready.PodName
	Expected    string          // the selector used (qualified name or path); "" = do not check provenance
	Preview     json.RawMessage // the resolved manifest the editor showed; nil = only report the hash
	PreviewBase string          // base for relative paths in Preview ("" if already absolute)
	Wait        time.Duration   // how long metadata.json may take to appear; 0 = 2 s
}

// Verification is Verify's answer. Message is ready to show; Warning says
// whether to show it as a warning.
type Verification struct {
	PodName     string
	Profile     string // provenance recorded in the snapshot ("" if none)
	Hash        string // SnapshotHash of the pod's snapshot
	PreviewHash string
	Matches     bool
	Diffs       []FieldDiff
	Message     string
	Warning     bool
}

// Verify reads <data_dir>/pods/<name>/metadata.json (or the legacy layout) and compares
// its resolved_manifest_snapshot with the preview, e.g. "pod coder-2 started
// from project:coder; the pod got the manifest shown here (sha256 3f2a…)". It fails
// only when the metadata cannot be read at all.
func Verify(req VerifyRequest) (Verification, error) {
	v := Verification{PodName: req.PodName}
	m, err := waitMetadata(metadataCandidates(req.DataDir, req.PodName), req.Wait)
	if err != nil {
		return v, fmt.Errorf("cannot verify pod %s: %v", req.PodName, err)
	}
	if len(m.Snapshot) == 0 || string(m.Snapshot) == "null" {
		v.Warning = true
		v.Message = fmt.Sprintf("pod %s has no resolved manifest snapshot; cannot compare it with the preview", req.PodName)
		return v, nil
	}
	if src := snapshotSource(m.Snapshot); src != nil {
		v.Profile = src.Label()
	}
	if v.Hash, err = SnapshotHash(m.Snapshot, ""); err != nil {
		return v, fmt.Errorf("pod %s: %v", req.PodName, err)
	}
	head, provOK := v.headline(req.Expected, m.Snapshot)
	v.Matches, v.Warning = provOK, !provOK
	if req.Preview == nil {
		v.Message = fmt.Sprintf("%s (sha256 %s)", head, ShortHash(v.Hash))
		return v, nil
	}
	if v.PreviewHash, err = SnapshotHash(req.Preview, req.PreviewBase); err != nil {
		return v, fmt.Errorf("preview: %v", err)
	}
	if v.Diffs, err = CompareSnapshots(m.Snapshot, req.Preview, CompareOptions{CurrentBase: req.PreviewBase}); err != nil {
		return v, err
	}
	if len(v.Diffs) > 0 {
		v.Matches, v.Warning = false, true
		v.Message = fmt.Sprintf("%s; the pod's manifest differs from the one shown here in %s: %s", head,
			plural(len(v.Diffs), "field"), FormatDiffs(v.Diffs, 5))
		return v, nil
	}
	v.Message = fmt.Sprintf("%s; the pod got the manifest shown here (sha256 %s)", head, ShortHash(v.Hash))
	return v, nil
}

// headline says where the pod came from, and whether that is what was asked.
func (v Verification) headline(expected string, snap json.RawMessage) (string, bool) {
	switch {
	case v.Profile == "":
		return fmt.Sprintf("pod %s started (its snapshot records no profile)", v.PodName), expected == ""
	case expected == "" || expected == v.Profile || sameFile(expected, snapshotSource(snap)):
		return fmt.Sprintf("pod %s started from %s", v.PodName, v.Profile), true
	}
	return fmt.Sprintf("pod %s started from %s, not the selected %s", v.PodName, v.Profile, expected), false
}

func sameFile(path string, src *ProfileSource) bool {
	return src != nil && src.Path != "" && filepath.IsAbs(path) && filepath.Clean(path) == filepath.Clean(src.Path)
}

// waitMetadata reads the first of paths (the pod store layouts, newest
// first) that holds a metadata.json, retrying while none does or it is half
// written: upstream writes it with a plain fs::write around readiness.
func waitMetadata(paths []string, wait time.Duration) (metadata, error) {
	if wait <= 0 {
		wait = 2 * time.Second
	}
	stop := time.Now().Add(wait)
	for {
		path := firstExisting(paths)
		m, err := readMetadata(path)
		if err == nil || time.Now().After(stop) {
			return m, err
		}
		if _, serr := os.Stat(path); serr != nil && !errors.Is(serr, fs.ErrNotExist) {
			return m, serr
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// firstExisting is the first path that exists, else the first one.
func firstExisting(paths []string) string {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return paths[0]
}

// plural is "1 field", "2 fields".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
