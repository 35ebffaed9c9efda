package spawn

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// allocation is one entry of <runtime_dir>/pods.json (contract §4.5); the
// scope fields are the runtime's business and are not read.
type allocation struct {
	PodName string `json:"pod_name"`
	PID     int    `json:"pid"`
	Socket  string `json:"socket"`
}

const lockWait = 2 * time.Second

// readAllocations reads pods.json under a shared flock. Upstream takes an
// exclusive lock even to read; a shared lock is enough to exclude its
// writers (which hold LOCK_EX while rewriting the file in place), and it
// lets our frequent listing run beside other readers without queueing live
// pods behind the editor. We never wait for the lock for long: a missing
// answer is better than a hung request.
func readAllocations(runtimeDir string) ([]allocation, error) {
	if runtimeDir == "" {
		return nil, nil
	}
	f, err := os.Open(filepath.Join(runtimeDir, "pods.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := lockShared(f); err != nil {
		return nil, err
	}
	defer unix.Flock(int(f.Fd()), unix.LOCK_UN)
	data, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Allocations []allocation `json:"allocations"`
	}
	if len(data) == 0 {
		return nil, nil // created but not yet written
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return doc.Allocations, nil
}

func lockShared(f *os.File) error {
	stop := time.Now().Add(lockWait)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
		if err == nil || !errors.Is(err, unix.EWOULDBLOCK) || time.Now().After(stop) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// liveAllocation finds a pods.json entry for name whose socket accepts.
func liveAllocation(runtimeDir, name string) (allocation, bool) {
	allocs, _ := readAllocations(runtimeDir)
	for _, a := range allocs {
		if a.PodName == name {
			if ok, _ := probe(a.Socket); ok {
				return a, true
			}
		}
	}
	return allocation{}, false
}
