package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"time"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/session"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// CodeLens puts the profile's name, its actions and its pods at the top of
// every profile file. It only reads state: it never evaluates, and pod
// listings are cached briefly, so editors can ask as often as they like.
func (s *Server) CodeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	path := uriPath(p.TextDocument.URI)
	if filepath.Ext(path) != ".nix" {
		return nil, nil
	}
	// One registry lookup serves every lens (ByPath resolves symlinks).
	reg := s.sess.Registry()
	var entries []registry.Entry
	if reg != nil {
		entries = reg.ByPath(path)
	}
	if len(entries) == 0 && !s.sess.IsProfile(path, s.sess.Text(path)) {
		return nil, nil
	}
	uriStr := string(p.TextDocument.URI)
	qn, selector, isDefault := "path:"+path, path, false
	if len(entries) > 0 {
		qn = entries[0].QualifiedName()
		selector = qn
	}
	for _, e := range entries {
		isDefault = isDefault || e.IsDefault
	}
	lenses := []protocol.CodeLens{lens("profile: "+qn+pick(isDefault, " (default)", ""), "", nil)}
	switch {
	case reg == nil: // before discovery nobody knows whether the file is listed
	case len(entries) > 0 && !isDefault:
		lenses = append(lenses, lens("Set as default", cmdSetDefaultProfile, map[string]string{"uri": uriStr}))
	case len(entries) == 0:
		lenses = append(lenses, lens("Add to project profiles", cmdAddToProject, map[string]string{"uri": uriStr}))
	}
	pods := s.sess.MayStartPods(path) == nil // no Spawn or Resume actions without trust
	if pods {
		st, _ := s.sess.Profile(path)
		lenses = append(lenses, lens(spawnTitle(st), clientSpawnPod, map[string]string{"profile": selector, "uri": uriStr}))
	}
	return append(lenses, s.podLenses(qn, path, pods)...), nil
}

// spawnTitle looks refused when spawning would be refused.
func spawnTitle(st session.ProfileState) string {
	switch {
	case st.Evaluating:
		return "Spawn pod (evaluating…)"
	case st.Latest == nil:
		return "Spawn pod (not evaluated yet)"
	case st.Latest.NixError:
		return "Spawn pod (fix the evaluation error first)"
	case st.Latest.Errors > 0:
		return "Spawn pod (fix " + plural(st.Latest.Errors, "error") + " first)"
	case st.Latest.Snapshot == nil:
		return "Spawn pod (the manifest does not resolve)"
	}
	return "Spawn pod"
}

// podLenses: one lens listing the profile's pods (resuming the most recent
// one), and one per pod whose saved snapshot drifted from the profile.
// Without resume (untrusted) they are labels.
func (s *Server) podLenses(qualified, path string, resume bool) []protocol.CodeLens {
	data, runtime, err := s.podDirs()
	if err != nil {
		return nil
	}
	pods := podsFrom(cachedPods(data, runtime), qualified, path)
	if len(pods) == 0 {
		return nil
	}
	out := []protocol.CodeLens{}
	if p, ok := resumeCandidate(pods); ok && resume {
		out = append(out, lens(spawn.LensTitle(pods), clientResumePod, map[string]string{"name": p.Name}))
	} else {
		out = append(out, lens(spawn.LensTitle(pods), "", nil))
	}
	for _, p := range pods {
		if title := spawn.DriftTitle(p.Name, s.podDrift(p)); title != "" {
			out = append(out, resumeLens(title, p.Name, resume), compareLens(p.Name)) // compare.go
		}
	}
	return out
}

// resumeLens resumes the pod, or is a label when pods are not allowed.
func resumeLens(title, pod string, resume bool) protocol.CodeLens {
	if !resume {
		return lens(title, "", nil)
	}
	return lens(title, clientResumePod, map[string]string{"name": pod})
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

// lens is a lens on the first line; an empty command makes it a label.
func lens(title, command string, arg any) protocol.CodeLens {
	cmd := protocol.Command{Title: title, Command: command}
	if arg != nil {
		raw, _ := json.Marshal(arg)
		cmd.Arguments = []protocol.LSPAny{raw}
	}
	return protocol.CodeLens{Range: protocol.Range{}, Command: cmd}
}

// podListTTL is how long a pod listing serves lenses: listing reads every
// metadata.json and connects to sockets, and editors ask for lenses often.
const podListTTL = 1500 * time.Millisecond

// podLists caches ListPods per (data dir, runtime dir): the same
// directories hold the same pods, whichever server asks.
var podLists = struct {
	mu sync.Mutex
	m  map[string]podList
}{m: map[string]podList{}}

type podList struct {
	at   time.Time
	pods []spawn.Pod
}

func cachedPods(data, runtime string) []spawn.Pod {
	key := data + "\x00" + runtime
	podLists.mu.Lock()
	l, ok := podLists.m[key]
	podLists.mu.Unlock()
	if ok && time.Since(l.at) < podListTTL {
		return l.pods
	}
	pods := spawn.ListPods(data, runtime) // outside the lock: it may wait for pods.json
	podLists.mu.Lock()
	podLists.m[key] = podList{at: time.Now(), pods: pods}
	podLists.mu.Unlock()
	return pods
}

// forgetPods drops a listing after we started or resumed a pod.
func forgetPods(data, runtime string) {
	podLists.mu.Lock()
	delete(podLists.m, data+"\x00"+runtime)
	podLists.mu.Unlock()
}
