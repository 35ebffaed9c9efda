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
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
	"github.com/insomnia-lsp/insomnia-lsp/session"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// Pod commands (issue 7): spawn from a profile the editor has evaluated,
// resume from the saved snapshot, list. The spawn package does the work;
// this file checks what the editor knows first and reports progress.

type spawnArg struct {
	Profile string `json:"profile"`
	Name    string `json:"name"`
}

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

func (s *Server) cmdSpawnPod(ctx context.Context, raw json.RawMessage) (any, error) {
	if err := s.sess.MayStartPods(""); err != nil {
		return nil, err
	}
	var arg spawnArg
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
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
	data, runtime, err := s.podDirs()
	if err != nil {
		return nil, err
	}
	name := arg.Name
	if name == "" {
		name = spawn.SuggestPodName(s.sess.ProjectDir(tgt.path), spawn.PodNames(spawn.ListPods(data, runtime)))
	}
	warnings := []string{}
	if s.unsaved(tgt.path) {
		warnings = append(warnings, tgt.label+" has unsaved changes: the pod evaluates the file on disk")
	}
	set := s.sess.Settings()
	pr := s.startPodProgress(ctx, "Starting pod "+name, tgt.label)
	ready, err := spawn.Launch(ctx, spawn.LaunchRequest{
		Program: set.Pod.Command, Selector: tgt.selector, PodName: name, Cwd: s.sess.ProjectDir(tgt.path),
		RuntimeDir: runtime, DataDir: data, Env: s.podEnv(), Deadline: podDeadline(set), Progress: pr.report,
	})
	forgetPods(data, runtime)
	s.refreshLenses()
	if err != nil {
		pr.end("failed")
		return nil, fmt.Errorf("cannot start pod %s from %s: %s", name, tgt.label, secrets.Redact(err.Error()))
	}
	pr.end("ready")
	msg, warnings := verifySpawn(data, ready, tgt, out, warnings)
	s.announce(msg, warnings)
	return spawnResult{PodName: ready.PodName, Socket: ready.Socket, Attach: spawn.AttachCommand(ready.PodName),
		Message: msg, Warnings: warnings}, nil
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
	s.showMessage(pick(len(warnings) > 0, protocol.MessageTypeWarning, protocol.MessageTypeInfo), strings.Join(shown, "; "))
}

// spawnReady refuses to spawn unless the profile's latest evaluation
// finished without errors: the pod would get something else than the
// editor shows (spawn itself never evaluates).
func (s *Server) spawnReady(tgt podTarget) (*check.Outcome, error) {
	st, ok := s.sess.Profile(tgt.path)
	switch {
	case st.Evaluating:
		return nil, fmt.Errorf("profile %s is still evaluating: try again when it finishes", tgt.label)
	case !ok || st.Latest == nil:
		if s.sess.Text(tgt.path) != nil {
			s.sess.Schedule(tgt.path, true)
		}
		return nil, fmt.Errorf("profile %s has not been evaluated yet: try again when its evaluation finishes", tgt.label)
	case st.Latest.NixError:
		return nil, fmt.Errorf("profile %s does not evaluate (%s): fix it before spawning", tgt.label, st.Latest.Message)
	case st.Latest.Errors > 0:
		return nil, fmt.Errorf("profile %s has %s: fix %s before spawning", tgt.label,
			plural(st.Latest.Errors, "error"), pick(st.Latest.Errors == 1, "it", "them"))
	case st.Latest.Snapshot == nil:
		return nil, fmt.Errorf("profile %s does not resolve to a pod manifest: fix it before spawning", tgt.label)
	}
	return st.Latest, nil
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
		return podTarget{}, fmt.Errorf("cannot select profile %q: %v", raw, err)
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
	return podTarget{selector: path, path: path, label: path}
}

func (s *Server) unsaved(path string) bool {
	doc := s.sess.Document(path)
	return doc != nil && !bytes.Equal(doc.Text, s.sess.DiskText(path))
}

func (s *Server) cmdResumePod(ctx context.Context, raw json.RawMessage) (any, error) {
	if err := s.sess.MayStartPods(""); err != nil {
		return nil, err
	}
	var arg struct {
		Name string `json:"name"`
	}
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
	if err := checkPodName(arg.Name, false); err != nil {
		return nil, err
	}
	data, runtime, err := s.podDirs()
	if err != nil {
		return nil, err
	}
	pod, err := findPod(spawn.ListPods(data, runtime), arg.Name)
	if err != nil {
		return nil, err
	}
	drift := s.podDrift(pod)
	set := s.sess.Settings()
	pr := s.startPodProgress(ctx, "Resuming pod "+pod.Name, "from its saved snapshot")
	ready, err := spawn.Resume(ctx, spawn.ResumeRequest{Program: set.Pod.Command, PodName: pod.Name,
		Cwd: s.sess.Root(), RuntimeDir: runtime, Env: s.podEnv(), Deadline: podDeadline(set), Progress: pr.report})
	forgetPods(data, runtime)
	s.refreshLenses()
	if err != nil {
		pr.end("failed")
		return nil, fmt.Errorf("cannot resume pod %s: %s", pod.Name, secrets.Redact(err.Error()))
	}
	pr.end("ready")
	msg := resumeMessage(pod, ready, drift)
	s.showMessage(pick(len(drift) > 0, protocol.MessageTypeWarning, protocol.MessageTypeInfo), msg)
	return resumeResult{PodName: ready.PodName, Socket: ready.Socket, Attach: spawn.AttachCommand(ready.PodName),
		Message: msg, Drift: drift}, nil
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
		msg = fmt.Sprintf("pod %s is already running", ready.PodName)
	}
	if h, err := spawn.SnapshotHash(pod.Snapshot, ""); err == nil && len(pod.Snapshot) > 0 {
		msg += fmt.Sprintf(" (sha256 %s)", spawn.ShortHash(h))
	}
	if len(drift) > 0 {
		msg += fmt.Sprintf("; %s has changed since: %s — the pod uses its saved snapshot",
			pick(pod.Profile != "", pod.Profile, "its profile"), spawn.FormatDiffs(drift, 3))
	}
	return msg
}

func (s *Server) cmdListPods(ctx context.Context, raw json.RawMessage) (any, error) {
	var arg struct {
		Profile string `json:"profile"`
	}
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
	data, runtime, err := s.podDirs()
	if err != nil {
		return nil, err
	}
	pods := spawn.ListPods(data, runtime)
	if arg.Profile != "" {
		tgt, err := s.resolveProfile(arg.Profile)
		if err != nil {
			return nil, err
		}
		pods = s.podsOf(pods, tgt.path)
	}
	rows := []spawn.PodInfo{}
	for _, p := range pods {
		cur, base := s.currentResolution(p)
		rows = append(rows, spawn.Describe(p, cur, base))
	}
	return rows, nil
}

// podsOf keeps the pods started from the profile file path (by its
// qualified name or by the file).
func (s *Server) podsOf(pods []spawn.Pod, path string) []spawn.Pod {
	q := ""
	if e, ok := s.sess.Entry(path); ok {
		q = e.QualifiedName()
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

// currentResolution is the snapshot the pod's profile resolves to now (nil
// when unknown or broken: no drift can be shown then).
func (s *Server) currentResolution(p spawn.Pod) (json.RawMessage, string) {
	if p.Source == nil || p.Source.Path == "" {
		return nil, ""
	}
	st, _ := s.sess.Profile(filepath.Clean(p.Source.Path))
	if st.Latest == nil || st.Latest.Snapshot == nil {
		return nil, ""
	}
	return st.Latest.Snapshot, st.Latest.Base
}

// podDrift lists the fields where a pod's saved snapshot differs from its
// profile's current resolution (never nil, for JSON).
func (s *Server) podDrift(p spawn.Pod) []spawn.FieldDiff {
	cur, base := s.currentResolution(p)
	if cur == nil || len(p.Snapshot) == 0 {
		return []spawn.FieldDiff{}
	}
	d, err := spawn.CompareSnapshots(p.Snapshot, cur, spawn.CompareOptions{CurrentBase: base})
	if err != nil || d == nil {
		return []spawn.FieldDiff{}
	}
	return d
}

// podDirs are <data_dir> and <runtime_dir> as the pod computes them.
func (s *Server) podDirs() (string, string, error) {
	d := s.sess.Dirs()
	if d.Data == "" || d.Runtime == "" {
		return "", "", errors.New("the insomnia data or runtime directory is unknown: set HOME, INSOMNIA_HOME or INSOMNIA_DATA_DIR and INSOMNIA_RUNTIME_DIR")
	}
	return d.Data, d.Runtime, nil
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

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// podProgress reports a pod start with a server-created $/progress token;
// without client support it reports nothing.
type podProgress struct {
	s     *Server
	token protocol.ProgressToken
	ok    bool
}

var podProgressSeq atomicCounter

func (s *Server) startPodProgress(ctx context.Context, title, message string) *podProgress {
	p := &podProgress{s: s, token: protocol.String(fmt.Sprintf("insomnia-pod-%d", podProgressSeq.next()))}
	if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: p.token}); err != nil {
		return p
	}
	p.ok = true
	p.send(map[string]any{"kind": "begin", "title": title, "message": message, "cancellable": false})
	return p
}

// report shows one stderr line of the pod, redacted (a pod may echo its
// configuration) before it is cut: a cut key may no longer look like one.
func (p *podProgress) report(line string) {
	line = strings.TrimSpace(secrets.Redact(line))
	if !p.ok || line == "" {
		return
	}
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	p.send(map[string]any{"kind": "report", "message": line})
}

func (p *podProgress) end(message string) {
	if p.ok {
		p.send(map[string]any{"kind": "end", "message": message})
	}
}

func (p *podProgress) send(value map[string]any) {
	raw, _ := json.Marshal(value)
	_ = p.s.client.Progress(p.s.ctx, &protocol.ProgressParams{Token: p.token, Value: raw})
}

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) next() int64 { return c.n.Add(1) }
