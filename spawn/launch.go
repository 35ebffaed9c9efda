package spawn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// DefaultDeadline is how long a pod may take to become ready. Upstream's 20 s
// includes the Nix evaluation of the profile, which a cold store easily
// exceeds (contract §7.9), so we allow more.
const DefaultDeadline = 60 * time.Second

// DefaultProgram is the runtime's pod binary, looked up on PATH.
const DefaultProgram = "insomnia-pod"

// LaunchRequest describes a fresh spawn: `insomnia-pod --profile S
// --profile-pod-name N` (contract §4.3).
type LaunchRequest struct {
	Program    string            // "" = ResolveProgram("", Env)
	Selector   string            // qualified selector ("project:coder") or profile path
	PodName    string            // checked with ValidatePodName
	Cwd        string            // the workspace folder; builtin profiles resolve "." against it
	RuntimeDir string            // <runtime_dir>, as the pod computes it from the same Env
	DataDir    string            // <data_dir>; when set, a name with saved state is refused unless Replace
	Replace    bool              // start afresh even though the store has a pod of this name
	Env        []string          // nil = this process's environment
	Deadline   time.Duration     // 0 = DefaultDeadline
	Progress   func(line string) `json:"-"` // every stderr line except the ready line; may be nil
}

// ResumeRequest describes `insomnia-pod --pod N --require-pod-state
// [--store S]`: the pod restores its saved snapshot and never evaluates a
// profile on our behalf.
type ResumeRequest struct {
	Program    string
	PodName    string
	Store      string // "" = the pod's default, <data_dir>/sessions
	Cwd        string
	RuntimeDir string
	Env        []string
	Deadline   time.Duration
	Progress   func(line string) `json:"-"`
}

// Ready is a pod whose socket accepted a connection.
type Ready struct {
	PodName        string   // as announced on the ready line
	Socket         string   // unix socket path from the ready line
	PID            int      // the pod's pid (0 when AlreadyRunning)
	Log            string   // <runtime_dir>/<name>/stderr.log
	Args           []string // full argv, program first, for display
	AlreadyRunning bool     // Resume found the pod live and started nothing
}

// ResolveProgram picks the pod binary: the editor setting when set, else
// INSOMNIA_POD_COMMAND from env (nil = os.Environ()) when non-empty, else
// insomnia-pod on PATH. Like upstream, the value is one program, never a
// shell command line.
func ResolveProgram(setting string, env []string) string {
	if setting != "" {
		return setting
	}
	if env == nil {
		env = os.Environ()
	}
	if v := lookupEnv(env, "INSOMNIA_POD_COMMAND"); v != "" {
		return v
	}
	return DefaultProgram
}

func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if len(kv) > len(key) && kv[len(key)] == '=' && kv[:len(key)] == key {
			v = kv[len(key)+1:] // the last one wins, as in exec
		}
	}
	return v
}

// Launch starts a pod from a profile and waits until its socket accepts.
// On success the pod runs in its own process group and outlives us; on any
// error its process group has been killed and reaped.
func Launch(ctx context.Context, req LaunchRequest) (Ready, error) {
	if err := ValidatePodName(req.PodName); err != nil {
		return Ready{}, err
	}
	if req.Selector == "" {
		return Ready{}, &Error{Kind: KindLaunch, Pod: req.PodName, Detail: "no profile selector given"}
	}
	if a, ok := liveAllocation(req.RuntimeDir, req.PodName); ok {
		return Ready{}, &Error{Kind: KindNameInUse, Pod: req.PodName,
			Detail: fmt.Sprintf("a live pod (pid %d) has it; attach with `insomnia --pod %s` or choose another name", a.PID, req.PodName)}
	}
	if _, err := os.Stat(MetadataPath(req.DataDir, req.PodName)); req.DataDir != "" && !req.Replace && err == nil {
		// --profile-pod-name starts a fresh pod and rewrites metadata.json:
		// the stopped pod's snapshot would be lost.
		return Ready{}, &Error{Kind: KindNameInUse, Pod: req.PodName,
			Detail: "a stopped pod has this name and its saved state would be replaced; resume it or choose another name"}
	}
	return run(ctx, job{
		program: ResolveProgram(req.Program, req.Env), pod: req.PodName,
		// NAME=value: an option's value is never read as an option
		// (clap and Go's flag both take what follows '=' verbatim).
		args: []string{"--profile=" + req.Selector, "--profile-pod-name=" + req.PodName},
		cwd:  req.Cwd, runtimeDir: req.RuntimeDir, env: req.Env,
		deadline: req.Deadline, progress: req.Progress,
	})
}

// Resume restores a stopped pod from its saved state. When the pod is
// already live it starts nothing and returns its socket (AlreadyRunning).
//
// Upstream's own restore (pod/src/discovery.rs) sends the child's stderr to
// /dev/null and only probes the socket; we keep stderr.log and the ready
// line so that "pod state missing for N" or a bad snapshot reaches the user.
func Resume(ctx context.Context, req ResumeRequest) (Ready, error) {
	if err := ValidatePodName(req.PodName); err != nil {
		return Ready{}, err
	}
	if a, ok := liveAllocation(req.RuntimeDir, req.PodName); ok {
		return Ready{PodName: req.PodName, Socket: a.Socket, AlreadyRunning: true}, nil
	}
	args := []string{"--pod=" + req.PodName, "--require-pod-state"}
	if req.Store != "" {
		args = append(args, "--store", req.Store)
	}
	return run(ctx, job{
		program: ResolveProgram(req.Program, req.Env), pod: req.PodName, args: args,
		cwd: req.Cwd, runtimeDir: req.RuntimeDir, env: req.Env,
		deadline: req.Deadline, progress: req.Progress,
	})
}

type job struct {
	program, pod, cwd, runtimeDir string
	args, env                     []string
	deadline                      time.Duration
	progress                      func(string)
}

// run starts the child as contract §4.3 says and waits for readiness (§4.4).
func run(ctx context.Context, j job) (Ready, error) {
	if err := checkDir(j.cwd); err != nil {
		// fork/exec reports a bad directory as the program missing, so say it first.
		return Ready{}, &Error{Kind: KindLaunch, Pod: j.pod, Detail: "working directory " + j.cwd, Err: err}
	}
	logPath, logFile, err := openLog(j.runtimeDir, j.pod)
	if err != nil {
		return Ready{}, &Error{Kind: KindLaunch, Pod: j.pod, Err: err}
	}
	cmd := exec.Command(j.program, j.args...) // never a shell; no context: the pod must outlive ctx
	cmd.Dir, cmd.Env, cmd.Stderr = j.cwd, j.env, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	logFile.Close() // the child holds its own copy
	if err != nil {
		return Ready{}, &Error{Kind: KindLaunch, Pod: j.pod, Log: logPath, Detail: launchHint(j.program, err), Err: err}
	}
	c := &child{pid: cmd.Process.Pid, exited: make(chan struct{})}
	go c.reap(cmd) // reaps on exit whenever that is, so no zombie while we live
	w := newWatcher(j, logPath, c)
	ready, err := w.wait(ctx)
	if err != nil {
		c.kill()
		return Ready{}, err
	}
	ready.PID, ready.Log = c.pid, logPath
	ready.Args = append([]string{j.program}, j.args...)
	return ready, nil
}

func checkDir(dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	if err == nil && !fi.IsDir() {
		err = errors.New("not a directory")
	}
	return err
}

// launchHint tells a user whose runtime is missing how to point us at it.
func launchHint(program string, err error) string {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("%s (install the insomnia runtime, or set INSOMNIA_POD_COMMAND or the insomnia.pod.command setting)", program)
	}
	return program
}

// openLog creates <runtime_dir>/<name>/ (0700) and a truncated stderr.log.
func openLog(runtimeDir, pod string) (string, *os.File, error) {
	if runtimeDir == "" {
		return "", nil, errors.New("runtime directory unknown (set INSOMNIA_RUNTIME_DIR, INSOMNIA_HOME or HOME)")
	}
	dir := filepath.Join(runtimeDir, pod)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "stderr.log")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	return path, f, err
}

// child is a started pod process and the goroutine that waits for it.
type child struct {
	pid     int
	exited  chan struct{}
	waitErr error // valid once exited is closed
}

func (c *child) reap(cmd *exec.Cmd) {
	c.waitErr = cmd.Wait()
	close(c.exited)
}

// kill ends the whole process group (the pod may have started Nix) and
// waits until the pod itself is reaped.
func (c *child) kill() {
	_ = syscall.Kill(-c.pid, syscall.SIGKILL)
	<-c.exited
}

func (c *child) status() string {
	if c.waitErr == nil {
		return "exit status 0"
	}
	return c.waitErr.Error()
}
