package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
	"github.com/insomnia-lsp/insomnia-lsp/session"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// Pod commands (issue 7): spawn from a profile the editor has evaluated,
// resume from the saved snapshot, list. The spawn package does the work;
// this file checks what the editor knows first and reports progress.

type spawnResult struct {
	PodName  string   `json:"podName"`
	Socket   string   `json:"socket"`
	Attach   []string `json:"attach"`
	Message  string   `json:"message"`
	Warnings []string `json:"warnings"`
}

type resumeResult struct {
	PodName string            `json:"podName"`
	Socket  string            `json:"socket"`
	Attach  []string          `json:"attach"`
	Message string            `json:"message"`
	Drift   []spawn.FieldDiff `json:"drift"`
}

// podTarget is a profile argument resolved: the selector handed to
// insomnia-pod and the file the editor evaluates.
type podTarget struct {
	selector string // qualified name, or the absolute file path
	path     string // cleaned, the workspace's key for the profile
	label    string // for messages
}

func (s *Server) cmdSpawnPod(ctx context.Context, arg ide.SpawnArg) (any, error) {
	if err := checkPodName(arg.Name, true); err != nil {
		return nil, err
	}
	tgt, err := s.resolveProfile(arg.Profile)
	if err != nil {
		return nil, err
	}
	if err := s.sess.MayStartPods(tgt.path); err != nil {
		return nil, err
	}
	out, err := s.spawnReady(tgt)
	if err != nil {
		return nil, err
	}
	data, runtime, err := ide.PodDirs(s.sess)
	if err != nil {
		return nil, err
	}
	name := arg.Name
	if name == "" {
		name = spawn.SuggestPodNameFor(manifestPodName(out), s.sess.ProjectDir(tgt.path),
			spawn.PodNames(spawn.ListPods(data, runtime)))
	}
	warnings := []string{}
	if s.unsaved(tgt.path) {
		warnings = append(warnings, tgt.label+" has unsaved changes: the pod evaluates the file on disk")
	}
	set := s.sess.Settings()
	pr := s.progress.task(ctx, "Starting pod "+name, tgt.label)
	ready, err := spawn.Launch(ctx, spawn.LaunchRequest{
		Program: set.Pod.Command, Selector: tgt.selector, PodName: name, Cwd: s.sess.ProjectDir(tgt.path),
		RuntimeDir: runtime, DataDir: data, Env: s.podEnv(), Deadline: podDeadline(set), Progress: pr.report,
	})
	s.pods.Forget(data, runtime)
	s.refreshLenses()
	if err != nil {
		pr.end("failed")
		err = fmt.Errorf("cannot start pod %s from %s: %s", name, tgt.label, secrets.Redact(err.Error()))
		s.log.Info(err.Error())
		return nil, err
	}
	pr.end("ready")
	msg, warnings := verifySpawn(data, ready, tgt, out, warnings)
	s.log.Info(msg, zap.Strings("warnings", warnings))
	s.announce(msg, warnings)
	return spawnResult{PodName: ready.PodName, Socket: ready.Socket, Attach: spawn.AttachCommand(ready.PodName),
		Message: msg, Warnings: warnings}, nil
}

// manifestPodName is the pod.name of the manifest being spawned ("" when
// it has none the display shows).
func manifestPodName(out *check.Outcome) string {
	var m struct {
		Pod struct {
			Name string `json:"name"`
		} `json:"pod"`
	}
	if out == nil || json.Unmarshal(out.Display, &m) != nil {
		return ""
	}
	return m.Pod.Name
}

// verifySpawn compares the started pod's saved snapshot with the one the
// editor showed (out). A pod that cannot be verified is still started:
// that is a warning, not a failure.
func verifySpawn(data string, ready spawn.Ready, tgt podTarget, out *check.Outcome, warnings []string) (string, []string) {
	v, err := spawn.Verify(spawn.VerifyRequest{DataDir: data, PodName: ready.PodName, Expected: tgt.selector,
		Preview: out.Snapshot, PreviewBase: out.Base})
	switch {
	case err != nil:
		return fmt.Sprintf("pod %s started from %s", ready.PodName, tgt.label), append(warnings, err.Error())
	case v.Warning:
		return v.Message, append(warnings, v.Message)
	}
	return v.Message, warnings
}

// announce shows the outcome once: a warning when there are warnings.
func (s *Server) announce(msg string, warnings []string) {
	shown := []string{msg}
	for _, w := range warnings {
		if w != msg {
			shown = append(shown, w)
		}
	}
	s.showMessage(ide.Pick(len(warnings) > 0, protocol.MessageTypeWarning, protocol.MessageTypeInfo), strings.Join(shown, "; "))
}

// spawnReady refuses to spawn unless the profile's latest evaluation
// finished without errors (ide.SpawnReady); a profile never evaluated is
// evaluated now, so that trying again soon succeeds.
func (s *Server) spawnReady(tgt podTarget) (*check.Outcome, error) {
	out, err := ide.SpawnReady(s.sess, tgt.path, tgt.label)
	var nr *ide.NotReadyError
	if errors.As(err, &nr) && nr.Reason == session.NotEvaluated && s.sess.Text(tgt.path) != nil {
		s.sess.Schedule(tgt.path, true)
	}
	return out, err
}

// resolveProfile accepts a qualified name or any selector, a file uri or a path.
func (s *Server) resolveProfile(raw string) (podTarget, error) {
	if raw == "" {
		return podTarget{}, errors.New("no profile given (a qualified name such as project:coder, or a file uri)")
	}
	if strings.HasPrefix(raw, "file:") {
		return s.fileTarget(argPath(raw)), nil
	}
	_, sel, err := s.sess.Select(raw, "")
	if errors.Is(err, session.ErrNotDiscovered) {
		return podTarget{}, err
	}
	if err != nil {
		return podTarget{}, fmt.Errorf("cannot select profile %q: %w", raw, err)
	}
	if sel.Entry == nil {
		return s.fileTarget(registry.NixFile(sel.Path)), nil
	}
	q := sel.Entry.QualifiedName()
	return podTarget{selector: q, path: filepath.Clean(registry.NixFile(sel.Path)), label: q}, nil
}

// checkPodName refuses, before anything runs, a name given by the editor
// that insomnia-pod could read as an option or that holds characters a
// pod name may not (spawn.ValidatePodName). An empty name is allowed when
// one will be proposed.
func checkPodName(name string, mayBeEmpty bool) error {
	if name == "" && mayBeEmpty {
		return nil
	}
	if err := spawn.ValidatePodName(name); err != nil {
		return fmt.Errorf("refused pod name: %w", err)
	}
	return nil
}

// fileTarget names a profile file by its registry entry when it has one
// (the runtime records that provenance), else by its absolute path.
func (s *Server) fileTarget(path string) podTarget {
	path = filepath.Clean(path)
	if !filepath.IsAbs(path) {
		path = filepath.Join(s.sess.Root(), path)
	}
	if e, ok := s.sess.Entry(path); ok {
		return podTarget{selector: e.QualifiedName(), path: path, label: e.QualifiedName()}
	}
	return podTarget{selector: path, path: path, label: s.sess.Name(path).Display}
}

func (s *Server) unsaved(path string) bool {
	doc := s.sess.Document(path)
	return doc != nil && !bytes.Equal(doc.Text, s.sess.DiskText(path))
}

func (s *Server) cmdResumePod(ctx context.Context, arg ide.PodArg) (any, error) {
	if err := checkPodName(arg.Name, false); err != nil {
		return nil, err
	}
	pod, data, runtime, err := s.podNamed(arg.Name, false)
	if err != nil {
		return nil, err
	}
	drift := ide.Drift(s.sess, pod)
	set := s.sess.Settings()
	pr := s.progress.task(ctx, "Resuming pod "+pod.Name, "from its saved snapshot")
	ready, err := spawn.Resume(ctx, spawn.ResumeRequest{Program: set.Pod.Command, PodName: pod.Name,
		Cwd: s.sess.Root(), RuntimeDir: runtime, Env: s.podEnv(), Deadline: podDeadline(set), Progress: pr.report})
	s.pods.Forget(data, runtime)
	s.refreshLenses()
	if err != nil {
		pr.end("failed")
		err = fmt.Errorf("cannot resume pod %s: %s", pod.Name, secrets.Redact(err.Error()))
		s.log.Info(err.Error())
		return nil, err
	}
	pr.end("ready")
	msg := resumeMessage(pod, ready, drift)
	s.log.Info(msg)
	s.showMessage(ide.Pick(len(drift) > 0, protocol.MessageTypeWarning, protocol.MessageTypeInfo), msg)
	return resumeResult{PodName: ready.PodName, Socket: ready.Socket, Attach: spawn.AttachCommand(ready.PodName),
		Message: msg, Drift: drift}, nil
}

// podNamed finds a pod of the store by name, with the store's folders;
// cached uses the lens cache (read-only answers), else a fresh listing
// (resume acts on what is there now).
func (s *Server) podNamed(name string, cached bool) (pod spawn.Pod, data, runtime string, err error) {
	data, runtime, err = ide.PodDirs(s.sess)
	if err != nil {
		return spawn.Pod{}, "", "", err
	}
	list := spawn.ListPods
	if cached {
		list = s.pods.List
	}
	pod, err = findPod(list(data, runtime), name)
	return pod, data, runtime, err
}

func findPod(pods []spawn.Pod, name string) (spawn.Pod, error) {
	if name == "" {
		return spawn.Pod{}, errors.New("no pod name given")
	}
	for _, p := range pods {
		if p.Name != name {
			continue
		}
		if p.State == spawn.StateCorrupt {
			return p, fmt.Errorf("pod %s cannot be resumed: %s", name, p.Corrupt)
		}
		return p, nil
	}
	names := spawn.PodNames(pods)
	if len(names) == 0 {
		return spawn.Pod{}, fmt.Errorf("no pod named %s: there are no pods", name)
	}
	return spawn.Pod{}, fmt.Errorf("no pod named %s (pods: %s)", name, strings.Join(names, ", "))
}

func resumeMessage(pod spawn.Pod, ready spawn.Ready, drift []spawn.FieldDiff) string {
	msg := fmt.Sprintf("pod %s resumed from its saved snapshot", ready.PodName)
	if ready.AlreadyRunning {
		// The state word the pod list shows (idle, paused or running).
		msg = fmt.Sprintf("pod %s is already %s: attach to it", ready.PodName, liveWord(pod))
	}
	if h, err := spawn.SnapshotHash(pod.Snapshot, ""); err == nil && len(pod.Snapshot) > 0 {
		msg += fmt.Sprintf(" (sha256 %s)", spawn.ShortHash(h))
	}
	if len(drift) > 0 {
		msg += fmt.Sprintf("; %s has changed since: %s — the pod uses its saved snapshot",
			ide.Pick(pod.Profile != "", pod.Profile, "its profile"), spawn.FormatDiffs(drift, 3))
	}
	return msg
}

// driftResult is insomnia.showDrift's answer: the pod, its state and the
// one verb for it (Attach or Resume), and every drifted field.
type driftResult struct {
	Pod     string            `json:"pod"`
	State   string            `json:"state"`
	Action  string            `json:"action"`
	Profile string            `json:"profile"`
	Drift   []spawn.FieldDiff `json:"drift"`
	Message string            `json:"message"`
}

// cmdShowDrift is read-only (like Compare), so untrusted workspaces get it.
func (s *Server) cmdShowDrift(ctx context.Context, arg ide.CompareArg) (any, error) {
	pod, _, _, err := s.podNamed(arg.Pod, true)
	if err != nil {
		return nil, err
	}
	drift := ide.Drift(s.sess, pod)
	return driftResult{Pod: pod.Name, State: pod.State, Action: pod.Action(), Profile: pod.Profile,
		Drift: drift, Message: driftMessage(pod, drift)}, nil
}

func driftMessage(pod spawn.Pod, drift []spawn.FieldDiff) string {
	profile := ide.Pick(pod.Profile != "", pod.Profile, "its profile")
	if len(drift) == 0 {
		return fmt.Sprintf("pod %s (%s) matches %s", pod.Name, pod.State, profile)
	}
	return fmt.Sprintf("pod %s (%s) differs from %s in %s: %s — the pod keeps its saved snapshot",
		pod.Name, pod.State, profile, ide.Plural(len(drift), "field"), spawn.FormatDiffs(drift, 0))
}

// liveWord is the list's word for a pod found live; a pod listed as
// stopped that turned out live has just been started elsewhere: running.
func liveWord(pod spawn.Pod) string {
	if pod.Live() {
		return pod.State
	}
	return spawn.StateRunning
}

type listPodsArg struct {
	Profile string `json:"profile"`
}

func (s *Server) cmdListPods(ctx context.Context, arg listPodsArg) (any, error) {
	data, runtime, err := ide.PodDirs(s.sess)
	if err != nil {
		return nil, err
	}
	pods := spawn.ListPods(data, runtime)
	if arg.Profile != "" {
		tgt, err := s.resolveProfile(arg.Profile)
		if err != nil {
			return nil, err
		}
		pods = ide.PodsOf(s.sess, pods, tgt.path)
	}
	rows := []spawn.PodInfo{}
	for _, p := range pods {
		cur, base := ide.CurrentResolution(s.sess, p)
		rows = append(rows, spawn.Describe(p, cur, base))
	}
	return rows, nil
}

// podEnvVars are the variables that decide the pod's directories and
// program (contract §3.1): when the server was given its own environment
// (Options.Env), the pod must see the same values, or it would look for
// profiles and state elsewhere.
var podEnvVars = []string{"HOME", "INSOMNIA_HOME", "INSOMNIA_CONFIG_DIR", "INSOMNIA_DATA_DIR",
	"INSOMNIA_RUNTIME_DIR", "INSOMNIA_RESOURCE_DIR", "INSOMNIA_POD_COMMAND", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"}

func (s *Server) podEnv() []string {
	env := os.Environ()
	if s.opts.Env == nil {
		return env
	}
	for _, k := range podEnvVars {
		env = append(env, k+"="+s.opts.Env(k)) // the last one wins in exec
	}
	return env
}

func podDeadline(set session.Settings) time.Duration {
	return time.Duration(max(set.Pod.ReadyTimeoutMs, 0)) * time.Millisecond // 0 = spawn.DefaultDeadline
}
