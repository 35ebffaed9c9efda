package lsp

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// cmdPodSnapshot is insomnia.podSnapshot: the two sides of "compare a pod
// with its profile today", for an editor's diff view. Both are resolved
// snapshots (the same shape), indented and redacted.

// podSnapshotResult answers insomnia.podSnapshot (docs/server-contract.md).
type podSnapshotResult struct {
	PodName string `json:"podName"`
	Profile string `json:"profile"` // the pod's profile label ("" when unknown)
	// Saved is the snapshot the pod runs with; Current the one its profile
	// resolves to now ("" when unknown or broken, with Message saying why).
	Saved   string `json:"saved"`
	Current string `json:"current"`
	Message string `json:"message"`
}

type podSnapshotArg struct {
	Name string `json:"name"`
}

func (s *Server) cmdPodSnapshot(ctx context.Context, arg podSnapshotArg) (any, error) {
	pod, _, _, err := s.podNamed(arg.Name, false)
	if err != nil {
		return nil, err
	}
	res := podSnapshotResult{PodName: pod.Name, Profile: pod.Profile, Saved: redactedPretty(pod.Snapshot)}
	if res.Saved == "" {
		res.Message = "the pod has no saved snapshot"
	}
	cur, _ := ide.CurrentResolution(s.sess, pod)
	res.Current = redactedPretty(cur)
	if res.Current == "" && res.Message == "" {
		res.Message = "the pod's profile has no current resolution (unknown, not evaluated yet, or broken)"
	}
	return res, nil
}

// redactedPretty is a snapshot as indented JSON with secret-shaped values
// masked ("" for none): a saved snapshot is the pod's file, not ours, and
// may hold a key a profile once had in plain text.
func redactedPretty(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var b bytes.Buffer
	red := secrets.RedactJSON(raw)
	if json.Indent(&b, red, "", "  ") != nil {
		return string(red)
	}
	return b.String()
}
