package ide

import (
	"github.com/insomnia-lsp/insomnia-lsp/session"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// NixNotFound is the head lens of every profile while Nix cannot be run.
const NixNotFound = "Nix not found"

// Lens is a code lens on a profile's first line; a nil Command makes it a label.
type Lens struct {
	Title   string
	Command *Command
}

// PodLister lists the pods of the insomnia directories (cached: lenses
// are asked for often).
type PodLister interface {
	List(data, runtime string) []spawn.Pod
}

// Lenses put the profile's name, its actions and its pods at the top of
// every profile file. They only read state: they never evaluate.
func Lenses(src Source, path string, pods PodLister) []Lens {
	if !IsNixFile(path) {
		return nil
	}
	n := name(src, path)
	if !n.Listed && !src.IsProfile(path, src.Text(path)) {
		return nil
	}
	arg := URIArg{URI: uriOf(path)}
	lenses := []Lens{{Title: "profile: " + n.Label()}}
	if st, _ := src.Profile(path); st.Readiness().Reason == session.NixMissing {
		// First, where the eye lands: why nothing below was evaluated.
		lenses = append([]Lens{{Title: NixNotFound}}, lenses...)
	}
	switch {
	case src.RegistryFor(path) == nil: // before discovery nobody knows whether the file is listed
	case n.Listed && !n.Default:
		lenses = append(lenses, Lens{"Set as default", &Command{CmdSetDefaultProfile, arg}})
	case !n.Listed:
		lenses = append(lenses, Lens{"Add to project profiles", &Command{CmdAddToProject, arg}})
	}
	mayStart := src.MayStartPods(path) == nil // no Spawn or Resume actions without trust
	if mayStart {
		st, _ := src.Profile(path)
		lenses = append(lenses, Lens{SpawnTitle(st.Readiness()),
			&Command{ClientSpawnPod, SpawnArg{Profile: n.Selector, URI: arg.URI}}})
	}
	return append(lenses, podLenses(src, n.Qualified, path, pods, mayStart)...)
}

// podLenses: one lens listing the profile's pods (resuming the most recent
// one), and one per pod whose saved snapshot drifted from the profile.
// Without resume (untrusted) they are labels.
func podLenses(src Source, qualified, path string, lister PodLister, resume bool) []Lens {
	data, runtime, err := PodDirs(src)
	if err != nil || lister == nil {
		return nil
	}
	pods := podsFrom(lister.List(data, runtime), qualified, path)
	if len(pods) == 0 {
		return nil
	}
	first := Lens{Title: spawn.LensTitle(pods)}
	if p, ok := resumeCandidate(pods); ok && resume {
		first.Command = &Command{ClientResumePod, PodArg{Name: p.Name}}
	}
	out := []Lens{first}
	for _, p := range pods {
		if title := spawn.DriftTitle(p, Drift(src, p)); title != "" {
			l := Lens{Title: title}
			if resume {
				l.Command = &Command{ClientResumePod, PodArg{Name: p.Name}}
			}
			// Comparing is read-only, so untrusted workspaces get it too.
			out = append(out, l, Lens{Title: "Compare " + p.Name + " with the profile",
				Command: &Command{ClientCompare, CompareArg{Pod: p.Name}}})
		}
	}
	return out
}
