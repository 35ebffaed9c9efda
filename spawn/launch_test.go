package spawn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

func TestLaunchProgramNotFound(t *testing.T) {
	e := newEnv(t)
	for _, prog := range []string{filepath.Join(e.root, "no-such-pod"), "insomnia-pod-not-installed-here"} {
		req := e.request("p1", "")
		req.Program = prog
		_, err := Launch(context.Background(), req)
		se := wantKind(t, err, ErrLaunch)
		t.Log(err)
		if se.PID != 0 || !strings.Contains(err.Error(), "INSOMNIA_POD_COMMAND") {
			t.Errorf("%s: want a hint and no pid, got pid %d: %v", prog, se.PID, err)
		}
	}
}

func TestLaunchBadWorkingDirectory(t *testing.T) {
	e := newEnv(t)
	req := e.request("p1", "")
	req.Cwd = filepath.Join(e.root, "missing")
	_, err := Launch(context.Background(), req)
	wantKind(t, err, ErrLaunch)
	if !strings.Contains(err.Error(), "working directory") {
		t.Errorf("want the working directory named: %v", err)
	}
}

func TestLaunchEarlyExitKeepsTail(t *testing.T) {
	e := newEnv(t)
	var progress []string
	req := e.request("p1", "early-exit")
	req.Progress = func(l string) { progress = append(progress, l) }
	_, err := Launch(context.Background(), req)
	se := wantKind(t, err, ErrExitedEarly)
	t.Log(err)
	if len(se.Tail) != 8 || se.Tail[0] != "double: step 4" ||
		se.Tail[7] != "error: failed to create pod: the double was told to exit early" {
		t.Errorf("tail = %q", se.Tail)
	}
	if !strings.Contains(err.Error(), "exit status 1: double: step 4 | double: step 5 |") {
		t.Errorf("message = %v", err)
	}
	if len(progress) != 11 {
		t.Errorf("progress saw %d lines, want 11", len(progress))
	}
	if data, _ := os.ReadFile(se.Log); !strings.Contains(string(data), "double: step 1\n") {
		t.Errorf("stderr.log %s lacks the first line: %q", se.Log, data)
	}
}

func TestLaunchProfileErrorIsEarlyExit(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	bad := filepath.Join(e.ws, "bad.nix")
	testenv.Write(t, bad, `{ scope.allow = [ { target = "."; permission = "write"; } ]; }`)
	req := e.request("p1", "")
	req.Selector = bad
	_, err := Launch(context.Background(), req)
	wantKind(t, err, ErrExitedEarly)
	if !strings.Contains(err.Error(), "missing required field: pod.name") {
		t.Errorf("want the runtime's reason in the message: %v", err)
	}
}

func TestLaunchMalformedReadyLine(t *testing.T) {
	e := newEnv(t)
	_, err := Launch(context.Background(), e.request("p1", "malformed"))
	se := wantKind(t, err, ErrMalformed)
	t.Log(err)
	if se.Detail != `INSOMNIA-READY\tp1` {
		t.Errorf("detail = %q", se.Detail)
	}
}

func TestLaunchNeverReadyTimesOut(t *testing.T) {
	e := newEnv(t)
	req := e.request("p1", "never-ready")
	req.Deadline = 300 * time.Millisecond
	_, err := Launch(context.Background(), req)
	se := wantKind(t, err, ErrTimeout)
	t.Log(err)
	if se.PID == 0 || len(se.Tail) != 1 || se.Tail[0] != "double: evaluating forever" {
		t.Errorf("pid %d tail %q", se.PID, se.Tail)
	}
}

func TestLaunchCanceled(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	req := e.request("p1", "never-ready")
	req.Progress = func(string) { cancel() } // cancel once the pod is surely running
	_, err := Launch(ctx, req)
	wantKind(t, err, ErrCanceled)
}

func TestLaunchSlowStartSucceeds(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	var lines []string
	req := e.request("slow-1", "slow")
	req.Env = append(req.Env, "INSOMNIA_POD_DOUBLE_DELAY=1s")
	req.Progress = func(l string) { lines = append(lines, l) }
	r := e.launch(t, req)
	if r.PodName != "slow-1" || r.Socket != filepath.Join(e.runtime, "slow-1", "sock") || r.PID == 0 {
		t.Errorf("ready = %+v", r)
	}
	if len(lines) == 0 || lines[0] != "double: starting slowly" {
		t.Errorf("progress = %q", lines)
	}
	want := []string{doublePath, "--profile=project:coder", "--profile-pod-name=slow-1"}
	if fmt.Sprint(r.Args) != fmt.Sprint(want) {
		t.Errorf("argv = %q, want %q", r.Args, want)
	}
}

func TestLaunchRefusesLiveName(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	e.launch(t, e.request("dup", ""))
	_, err := Launch(context.Background(), e.request("dup", ""))
	wantKind(t, err, ErrNameInUse)
}

func TestLaunchRefusesStoredNameUnlessReplace(t *testing.T) {
	testenv.NeedNix(t)
	e := newEnv(t)
	r := e.launch(t, e.request("kept", ""))
	stopPod(t, r.PID)
	req := e.request("kept", "")
	req.DataDir = e.data
	_, err := Launch(context.Background(), req)
	if se := wantKind(t, err, ErrNameInUse); se.PID != 0 || !strings.Contains(err.Error(), "saved state") {
		t.Errorf("refusal: %v", err)
	}
	req.Replace = true
	e.launch(t, req)
}

func TestInvalidNamesStartNothing(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"", ".", "..", "a/b", "a\x00b"} {
		_, err := Launch(context.Background(), e.request(name, ""))
		se := wantKind(t, err, ErrInvalidName)
		if se.PID != 0 {
			t.Errorf("%q started pid %d", name, se.PID)
		}
		_, err = Resume(context.Background(), ResumeRequest{Program: doublePath, PodName: name, RuntimeDir: e.runtime})
		wantKind(t, err, ErrInvalidName)
	}
	if entries, _ := os.ReadDir(e.runtime); len(entries) != 0 {
		t.Errorf("runtime dir got %d entries", len(entries))
	}
}

func TestResolveProgram(t *testing.T) {
	cases := []struct {
		setting string
		env     []string
		want    string
	}{
		{"/opt/pod", []string{"INSOMNIA_POD_COMMAND=/x"}, "/opt/pod"},
		{"", []string{"INSOMNIA_POD_COMMAND=/x"}, "/x"},
		{"", []string{"INSOMNIA_POD_COMMAND="}, DefaultProgram},
		{"", []string{"PATH=/bin"}, DefaultProgram},
	}
	for _, c := range cases {
		if got := ResolveProgram(c.setting, c.env); got != c.want {
			t.Errorf("ResolveProgram(%q, %q) = %q, want %q", c.setting, c.env, got, c.want)
		}
	}
}

func TestParseReadyLine(t *testing.T) {
	cases := []struct {
		line, name, sock string
		ok               bool
	}{
		{"INSOMNIA-READY\tcoder\t/run/coder/sock", "coder", "/run/coder/sock", true},
		{"INSOMNIA-READY\tcoder\t/run/a\tb/sock", "coder", "/run/a\tb/sock", true},
		{"INSOMNIA-READY\tcoder", "", "", false},
		{"INSOMNIA-READY\t\t/sock", "", "", false},
		{"INSOMNIA-READY\tcoder\t", "", "", false},
		{"INSOMNIA-READY coder /sock", "", "", false},
	}
	for _, c := range cases {
		name, sock, ok := ParseReadyLine(c.line)
		if name != c.name || sock != c.sock || ok != c.ok {
			t.Errorf("ParseReadyLine(%q) = %q %q %v", c.line, name, sock, ok)
		}
	}
}
