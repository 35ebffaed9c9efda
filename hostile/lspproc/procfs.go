package lspproc

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ProcInfo is one line of /proc/<pid>/stat that we need.
type ProcInfo struct {
	Pid, PPid int
	Pgrp      int // process group: a killed group leaves no member
	Comm      string
	State     string
}

// Processes lists every process readable in /proc.
func Processes() []ProcInfo {
	ents, _ := os.ReadDir("/proc")
	out := make([]ProcInfo, 0, len(ents))
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pi, ok := readStat(pid); ok {
			out = append(out, pi)
		}
	}
	return out
}

func readStat(pid int) (ProcInfo, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ProcInfo{}, false
	}
	// comm may hold spaces and parentheses: it ends at the last ')'.
	open, closing := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		return ProcInfo{}, false
	}
	rest := strings.Fields(string(b[closing+1:]))
	if len(rest) < 3 {
		return ProcInfo{}, false
	}
	ppid, _ := strconv.Atoi(rest[1])
	pgrp, _ := strconv.Atoi(rest[2])
	return ProcInfo{Pid: pid, PPid: ppid, Pgrp: pgrp, Comm: string(b[open+1 : closing]), State: rest[0]}, true
}

// Descendants are the live processes below pid (zombies included: a
// zombie is a child the server failed to reap).
func Descendants(pid int) []ProcInfo {
	all := Processes()
	children := map[int][]ProcInfo{}
	for _, p := range all {
		children[p.PPid] = append(children[p.PPid], p)
	}
	var out []ProcInfo
	queue := []int{pid}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		for _, c := range children[next] {
			out = append(out, c)
			queue = append(queue, c.Pid)
		}
	}
	return out
}

// NixComm is the process name of Nix evaluations.
const NixComm = "nix-instantiate"

// NixChildren are the nix-instantiate processes below the server.
func (p *Proc) NixChildren() []ProcInfo {
	var out []ProcInfo
	for _, d := range Descendants(p.Pid) {
		if d.Comm == NixComm {
			out = append(out, d)
		}
	}
	return out
}

// NixUnder are nix-instantiate processes whose working directory is under
// dir, wherever they hang in the process tree: Nix runs in the profile's
// folder, so this finds orphans a dead server left behind.
func NixUnder(dir string) []ProcInfo {
	var out []ProcInfo
	for _, pi := range Processes() {
		if pi.Comm != NixComm {
			continue
		}
		cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pi.Pid))
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(dir, cwd); err == nil && !strings.HasPrefix(rel, "..") {
			out = append(out, pi)
		}
	}
	return out
}

// Memory returns the server's VmRSS and VmHWM (peak RSS) in KiB.
func (p *Proc) Memory() (rssKB, hwmKB int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			rssKB = n
		case "VmHWM":
			hwmKB = n
		}
	}
	return rssKB, hwmKB, sc.Err()
}

// needleWatch scans output streams for forbidden strings without keeping
// the output: each stream keeps only a tail as long as the longest needle.
type needleWatch struct {
	mu      sync.Mutex // guards hits, n and the streams' tails
	needles []string
	maxLen  int
	hits    map[string]bool
	n       int64
}

func newNeedleWatch(needles []string) *needleWatch {
	w := &needleWatch{hits: map[string]bool{}}
	for _, n := range needles {
		if n == "" {
			continue
		}
		w.needles = append(w.needles, n)
		w.maxLen = max(w.maxLen, len(n))
	}
	return w
}

func (w *needleWatch) writer(stream string) io.Writer { return &streamScan{w: w, name: stream} }

func (w *needleWatch) found() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for h := range w.hits {
		out = append(out, h)
	}
	return out
}

func (w *needleWatch) total() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

type streamScan struct {
	w    *needleWatch
	name string
	tail []byte
}

func (s *streamScan) Write(b []byte) (int, error) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	s.w.n += int64(len(b))
	if len(s.w.needles) == 0 {
		return len(b), nil
	}
	buf := append(s.tail, b...)
	for _, n := range s.w.needles {
		if bytes.Contains(buf, []byte(n)) {
			s.w.hits[s.name+": "+n] = true
		}
	}
	keep := min(len(buf), s.w.maxLen-1)
	s.tail = append(s.tail[:0:0], buf[len(buf)-keep:]...)
	return len(b), nil
}

// Cmdline is a process's argv joined by spaces, with the program's folder
// dropped ("" when gone).
func Cmdline(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	args[0] = filepath.Base(args[0])
	return strings.Join(args, " ")
}
