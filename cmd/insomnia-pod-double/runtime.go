package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// pod is a running double: its runtime directory, socket and allocation.
type pod struct {
	name, dir, sock, runtimeDir string
	segment                     string
	listener                    net.Listener
}

// writeMetadata writes <pods>/<name>/metadata.json as upstream does:
// pretty JSON, plain write (not atomic).
func writeMetadata(pods, name, segment string, snapshot map[string]any) error {
	dir := filepath.Join(pods, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	doc := map[string]any{
		"pod_name":                   name,
		"active":                     map[string]any{"session_id": uuidV7(), "segment_id": segment},
		"resolved_manifest_snapshot": snapshot,
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "metadata.json"), append(data, '\n'), 0o600)
}

// start creates <runtime_dir>/<name>/{pid,status.json,sock}, listens and
// registers the pod in pods.json (contract §4.5).
func start(runtimeDir, name, segment string, snapshot map[string]any) (*pod, error) {
	p := &pod{name: name, runtimeDir: runtimeDir, segment: segment,
		dir: filepath.Join(runtimeDir, name)}
	p.sock = filepath.Join(p.dir, "sock")
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return nil, err
	}
	// Register first: the check for a live namesake must come before we
	// touch its socket.
	if err := p.register(snapshot); err != nil {
		return nil, err
	}
	if err := p.listen(); err != nil {
		p.unregister()
		return nil, err
	}
	return p, nil
}

func (p *pod) register(snapshot map[string]any) error {
	scope, _ := snapshot["scope"].(map[string]any)
	return updatePods(p.runtimeDir, func(allocs []map[string]any) ([]map[string]any, error) {
		for _, a := range allocs {
			if a["pod_name"] == p.name && alive(a) {
				return nil, fmt.Errorf("a live pod named %s already exists", p.name)
			}
		}
		return append(dropPod(allocs, p.name), map[string]any{
			"pod_name": p.name, "pid": os.Getpid(), "socket": p.sock,
			"scope_allow": orEmpty(scope["allow"]), "scope_deny": orEmpty(scope["deny"]),
			"delegated_from": nil, "segment_id": p.segment,
		}), nil
	})
}

func (p *pod) unregister() {
	_ = updatePods(p.runtimeDir, func(a []map[string]any) ([]map[string]any, error) {
		return dropPod(a, p.name), nil
	})
}

func (p *pod) listen() error {
	if err := os.WriteFile(filepath.Join(p.dir, "pid"), fmt.Appendf(nil, "%d\n", os.Getpid()), 0o600); err != nil {
		return err
	}
	if err := p.writeStatus("idle"); err != nil {
		return err
	}
	os.Remove(p.sock) // a stale socket of a killed run
	l, err := net.Listen("unix", p.sock)
	if err != nil {
		return err
	}
	p.listener = l
	go p.serve()
	return nil
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

func alive(a map[string]any) bool {
	s, _ := a["socket"].(string)
	c, err := net.Dial("unix", s)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// serve accepts connections and closes them: the double speaks no protocol,
// a connection only proves liveness.
func (p *pod) serve() {
	for {
		c, err := p.listener.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// writeStatus writes status.json atomically (tmp file + rename).
func (p *pod) writeStatus(state string) error {
	data, _ := json.Marshal(map[string]any{"state": state, "segment_id": p.segment, "pod_name": p.name})
	tmp := filepath.Join(p.dir, ".status.json.tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(p.dir, "status.json"))
}

// stop undoes start: the allocation, the socket and the runtime directory.
func (p *pod) stop() {
	p.unregister()
	p.listener.Close()
	os.RemoveAll(p.dir)
}

func dropPod(allocs []map[string]any, name string) []map[string]any {
	out := allocs[:0]
	for _, a := range allocs {
		if a["pod_name"] != name {
			out = append(out, a)
		}
	}
	return out
}

// updatePods rewrites pods.json in place under an exclusive flock, as the
// runtime does (file 0600, directory 0700).
func updatePods(runtimeDir string, f func([]map[string]any) ([]map[string]any, error)) error {
	if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
		return err
	}
	file, err := os.OpenFile(filepath.Join(runtimeDir, "pods.json"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer file.Close()
	if err := unix.Flock(int(file.Fd()), unix.LOCK_EX); err != nil {
		return err
	}
	defer unix.Flock(int(file.Fd()), unix.LOCK_UN)
	var doc struct {
		Allocations []map[string]any `json:"allocations"`
	}
	if data, _ := io.ReadAll(file); len(data) > 0 {
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("pods.json: %v", err)
		}
	}
	if doc.Allocations, err = f(doc.Allocations); err != nil {
		return err
	}
	if doc.Allocations == nil {
		doc.Allocations = []map[string]any{}
	}
	data, _ := json.MarshalIndent(doc, "", "  ")
	if err := file.Truncate(0); err != nil {
		return err
	}
	_, err = file.WriteAt(data, 0)
	return err
}

// uuidV7 makes a time-ordered id like the runtime's session and segment ids.
func uuidV7() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	ms := uint64(time.Now().UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
