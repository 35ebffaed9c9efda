package spawn

import (
	"fmt"
	"strings"
)

const lensNames = 3 // pods named in a lens before "+N more"

// LensTitle is the code lens shown on a profile for its pods, e.g.
// "2 pods: coder-1 (running) · coder-2 (stopped) — Resume". The action is
// Resume when some pod is stopped, else Attach; "" when there are no pods.
func LensTitle(pods []Pod) string {
	if len(pods) == 0 {
		return ""
	}
	noun := "pods"
	if len(pods) == 1 {
		noun = "pod"
	}
	parts := make([]string, 0, lensNames+1)
	for i, p := range pods {
		if i == lensNames {
			parts = append(parts, fmt.Sprintf("+%d more", len(pods)-lensNames))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", p.Name, p.State))
	}
	title := fmt.Sprintf("%d %s: %s", len(pods), noun, strings.Join(parts, " · "))
	if action := lensAction(pods); action != "" {
		title += " — " + action
	}
	return title
}

func lensAction(pods []Pod) string {
	action := ""
	for _, p := range pods {
		switch {
		case p.State == StateStopped:
			return "Resume"
		case p.Live():
			action = "Attach"
		}
	}
	return action
}

// DriftTitle is the lens or hint for a pod whose snapshot no longer matches
// its profile, e.g. "coder-2 drifted: model.ref: a → b — Resume uses the
// saved snapshot". "" when there is no drift.
func DriftTitle(pod string, diffs []FieldDiff) string {
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s drifted: %s — Resume uses the saved snapshot", pod, FormatDiffs(diffs, 2))
}
