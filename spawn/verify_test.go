package spawn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// preview evaluates the profile with real Nix, as the editor does, and
// returns its manifest (relative paths not joined: PreviewBase does it).
func preview(t *testing.T, profile string) json.RawMessage {
	t.Helper()
	out := testenv.Evaluate(t, profile)
	var art struct {
		Manifest json.RawMessage `json:"manifest"`
	}
	if err := json.Unmarshal(out, &art); err != nil || art.Manifest == nil {
		t.Fatalf("artifact %s: %v", out, err)
	}
	return art.Manifest
}

// spawnAndVerify starts pod name acting out mode and verifies it against
// the editor's preview of the same profile.
func spawnAndVerify(t *testing.T, e *testEnv, name, mode string) Verification {
	t.Helper()
	r := e.launch(t, e.request(name, mode))
	v, err := Verify(VerifyRequest{DataDir: e.data, PodName: r.PodName, Expected: "project:coder",
		Preview: preview(t, e.profile), PreviewBase: filepath.Dir(e.profile)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestVerifyMatchesPreview runs against the double in both pod store
// layouts (split: <data_dir>/pods since HareK02/yoi 21173813; legacy:
// <data_dir>/sessions/pods), and checks the metadata is where that layout
// puts it.
func TestVerifyMatchesPreview(t *testing.T) {
	testenv.NeedNix(t)
	for _, layout := range []string{"split", "legacy"} {
		t.Run(layout, func(t *testing.T) {
			e := newEnv(t)
			e.vars = append(e.vars, "INSOMNIA_POD_DOUBLE_STORE="+layout)
			v := spawnAndVerify(t, e, "coder-2", "")
			t.Log(v.Message)
			want := fmt.Sprintf("pod coder-2 started from project:coder; the pod got the manifest shown here (sha256 %s)", v.Hash[:12])
			if !v.Matches || v.Warning || v.Message != want || v.Hash != v.PreviewHash {
				t.Errorf("verification = %+v\nwant message %q", v, want)
			}
			root := map[string]string{"split": PodStoreDir(e.data, ""), "legacy": LegacyPodStoreDir(e.data)}[layout]
			if got := MetadataPath(e.data, "coder-2"); got != filepath.Join(root, "coder-2", "metadata.json") {
				t.Errorf("%s layout: metadata at %s", layout, got)
			}
		})
	}
}

func TestVerifyReportsDrift(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	v := spawnAndVerify(t, e, "coder-3", "drift")
	t.Log(v.Message)
	want := "pod coder-3 started from project:coder; the pod's manifest differs from the one shown here in 1 field: " +
		"model.ref: double/drifted-model → anthropic/claude-sonnet"
	if v.Matches || !v.Warning || v.Message != want || len(v.Diffs) != 1 || v.Diffs[0].Path != "model.ref" {
		t.Errorf("verification = %+v\nwant message %q", v, want)
	}
	pods := ListPods(e.data, e.runtime)
	title := DriftTitle(pods[0], v.Diffs)
	if title != "coder-3 drifted (1 field) — Attach" || LensTitle(pods) != "1 pod: coder-3 (idle) — Attach" {
		t.Errorf("drift title %q, lens %q", title, LensTitle(pods))
	}
}

func TestVerifyProvenanceAndMissing(t *testing.T) {
	e := newEnv(t)
	testenv.Write(t, MetadataPath(e.data, "p"), `{"pod_name":"p","resolved_manifest_snapshot":{"pod":{"name":"p"},
		"profile":{"source":{"kind":"registry","source":"user","name":"coder","path":"/u/coder.nix"}}}}`)
	v, err := Verify(VerifyRequest{DataDir: e.data, PodName: "p", Expected: "project:coder"})
	if err != nil || !v.Warning || !strings.HasPrefix(v.Message, "pod p started from user:coder, not the selected project:coder") {
		t.Errorf("wrong provenance: %+v %v", v, err)
	}
	v, err = Verify(VerifyRequest{DataDir: e.data, PodName: "p", Expected: "/u/coder.nix"})
	if err != nil || v.Warning {
		t.Errorf("the same file by path: %+v %v", v, err)
	}
	testenv.Write(t, MetadataPath(e.data, "bare"), `{"pod_name":"bare"}`)
	if v, err = Verify(VerifyRequest{DataDir: e.data, PodName: "bare"}); err != nil || !v.Warning ||
		!strings.Contains(v.Message, "no resolved manifest snapshot") {
		t.Errorf("no snapshot: %+v %v", v, err)
	}
	if _, err = Verify(VerifyRequest{DataDir: e.data, PodName: "none", Wait: 1}); err == nil ||
		!strings.Contains(err.Error(), "metadata.json is missing") {
		t.Errorf("missing metadata: %v", err)
	}
}

// A full PodManifest snapshot, as the runtime (and profile/manifest) writes
// it with every default and null, matches the double's minimal snapshot of
// the same builtin profile: normalisation, not luck, makes them equal.
func TestVerifyFullSnapshotAgainstDouble(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	req := e.request("insomnia-1", "")
	req.Selector = "builtin:default"
	e.launch(t, req)
	full := testenv.Read(t, "testdata/full-snapshot.json")
	full = bytes.ReplaceAll(full, []byte("WORKSPACE"), []byte(e.ws))
	v, err := Verify(VerifyRequest{DataDir: e.data, PodName: "insomnia-1", Expected: "builtin:default", Preview: full})
	if err != nil || !v.Matches || v.Warning {
		t.Fatalf("verification = %+v, %v", v, err)
	}
	// And the comparison can fail: the same fixture with a changed field.
	changed := bytes.Replace(full, []byte(`"reasoning":"high"`), []byte(`"reasoning":"low"`), 1)
	if v, _ = Verify(VerifyRequest{DataDir: e.data, PodName: "insomnia-1", Preview: changed}); v.Matches ||
		FormatDiffs(v.Diffs, 0) != "worker.reasoning: high → low" {
		t.Errorf("changed fixture: %+v", v)
	}
}
