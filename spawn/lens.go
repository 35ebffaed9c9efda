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

// lensAction is Resume when some pod is stopped, else Attach when one runs.
func lensAction(pods []Pod) string {
	action := ""
	for _, p := range pods {
		switch a := p.Action(); a {
		case "Resume":
			return a
		case "Attach":
			action = a
		}
	}
	return action
}

// Action is the one verb for an existing pod, in lenses, messages and
// pickers: Attach to a pod that runs (running, idle or paused), Resume one
// that is stopped; "" for a corrupt pod, which neither works on.
func (p Pod) Action() string {
	switch {
	case p.State == StateStopped:
		return "Resume"
	case p.Live():
		return "Attach"
	}
	return ""
}

// DriftTitle is the lens for a pod whose snapshot no longer matches its
// profile, short enough for a normal window, e.g. "coder-2 drifted (3
// fields) — Resume"; the fields are in insomnia.showDrift. "" when there
// is no drift.
func DriftTitle(p Pod, diffs []FieldDiff) string {
	if len(diffs) == 0 {
		return ""
	}
	title := fmt.Sprintf("%s drifted (%s)", p.Name, plural(len(diffs), "field"))
	if a := p.Action(); a != "" {
		title += " — " + a
	}
	return title
}
