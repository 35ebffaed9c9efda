package ide

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/session"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// NotReadyError refuses a spawn: the pod would get something else than the
// editor shows (spawn itself never evaluates).
type NotReadyError struct {
	Label string
	session.Readiness
}

func (e *NotReadyError) Error() string {
	l := e.Label
	switch e.Reason {
	case session.Evaluating:
		return fmt.Sprintf("profile %s is still evaluating: try again when it finishes", l)
	case session.NotEvaluated:
		return fmt.Sprintf("profile %s has not been evaluated yet: try again when its evaluation finishes", l)
	case session.NixMissing:
		return fmt.Sprintf("profile %s is not evaluated: Nix not found (install Nix or set insomnia.nixPath)", l)
	case session.NixFailed:
		return fmt.Sprintf("profile %s does not evaluate (%s): fix it before spawning", l, e.Detail)
	case session.HasErrors:
		return fmt.Sprintf("profile %s has %s: fix %s before spawning", l, Plural(e.Errors, "error"), Pick(e.Errors == 1, "it", "them"))
	}
	return fmt.Sprintf("profile %s does not resolve to a pod manifest: fix it before spawning", l)
}

// SpawnReady is the outcome a pod may be started from, or a *NotReadyError.
func SpawnReady(src Source, path, label string) (*check.Outcome, error) {
	st, _ := src.Profile(path)
	if r := st.Readiness(); r.Reason != session.Ready {
		return nil, &NotReadyError{Label: label, Readiness: r}
	}
	return st.Latest, nil
}

// SpawnTitle is the Spawn lens's title: it looks refused when spawning
// would be refused, and says why.
func SpawnTitle(r session.Readiness) string {
	switch r.Reason {
	case session.Evaluating:
		return "Spawn pod (evaluating…)"
	case session.NotEvaluated:
		return "Spawn pod (not evaluated yet)"
	case session.NixMissing:
		return "Spawn pod (" + NixNotFound + ")"
	case session.NixFailed, session.HasErrors:
		// Nix's failure counts as one error (check.Result): one diagnostic
		// in the file, or ours in its place. The lens counts what is shown.
		return "Spawn pod (fix " + Plural(r.Errors, "error") + " first)"
	case session.Unresolved:
		return "Spawn pod (the manifest does not resolve)"
	}
	return "Spawn pod"
}

// ErrPodDirs: without a data and a runtime directory there are no pods.
var ErrPodDirs = errors.New("the insomnia data or runtime directory is unknown: set HOME, INSOMNIA_HOME or INSOMNIA_DATA_DIR and INSOMNIA_RUNTIME_DIR")

// PodDirs are <data_dir> and <runtime_dir> as the pod computes them.
func PodDirs(src Source) (data, runtime string, err error) {
	d := src.Dirs()
	if d.Data == "" || d.Runtime == "" {
		return "", "", ErrPodDirs
	}
	return d.Data, d.Runtime, nil
}

// PodsOf keeps the pods started from the profile file path (by its
// qualified name or by the file).
func PodsOf(src Source, pods []spawn.Pod, path string) []spawn.Pod {
	q := ""
	if n := name(src, path); n.Listed {
		q = n.Qualified
	}
	return podsFrom(pods, q, path)
}

// podsFrom keeps the pods started from the profile with this qualified
// name ("" or path:… for none) or file.
func podsFrom(pods []spawn.Pod, qualified, path string) []spawn.Pod {
	var out []spawn.Pod
	for _, p := range pods {
		if p.FromProfile(qualified, path) {
			out = append(out, p)
		}
	}
	return out
}

// CurrentResolution is the snapshot the pod's profile resolves to now (nil
// when unknown or broken: no drift can be shown then).
func CurrentResolution(src Source, p spawn.Pod) (json.RawMessage, string) {
	if p.Source == nil || p.Source.Path == "" {
		return nil, ""
	}
	st, _ := src.Profile(filepath.Clean(p.Source.Path))
	if st.Latest == nil || st.Latest.Snapshot == nil {
		return nil, ""
	}
	return st.Latest.Snapshot, st.Latest.Base
}

// Drift lists the fields where a pod's saved snapshot differs from its
// profile's current resolution (never nil, for JSON).
func Drift(src Source, p spawn.Pod) []spawn.FieldDiff {
	cur, base := CurrentResolution(src, p)
	if cur == nil || len(p.Snapshot) == 0 {
		return []spawn.FieldDiff{}
	}
	d, err := spawn.CompareSnapshots(p.Snapshot, cur, spawn.CompareOptions{CurrentBase: base})
	if err != nil || d == nil {
		return []spawn.FieldDiff{}
	}
	return d
}

// resumeCandidate is the pod the lens's action acts on: the most recently
// active stopped pod (Resume), else the most recent live one (Attach).
func resumeCandidate(pods []spawn.Pod) (spawn.Pod, bool) {
	var best spawn.Pod
	found := false
	for _, want := range []func(spawn.Pod) bool{
		func(p spawn.Pod) bool { return p.State == spawn.StateStopped },
		spawn.Pod.Live,
	} {
		for _, p := range pods {
			if want(p) && (!found || p.Modified.After(best.Modified)) {
				best, found = p, true
			}
		}
		if found {
			return best, true
		}
	}
	return best, false
}

// Plural is "1 error", "2 errors".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Pick is a when cond holds, else b.
func Pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}
