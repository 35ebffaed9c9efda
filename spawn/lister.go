package spawn

import (
	"sync"
	"time"
)

// Lister caches ListPods per (data dir, runtime dir) for a short time:
// listing reads every metadata.json and connects to sockets, and editors
// ask for lenses often. Each server owns one; nothing is shared between
// servers.
type Lister struct {
	ttl time.Duration
	mu  sync.Mutex         // guards m
	m   map[string]listing // by data dir + NUL + runtime dir
}

type listing struct {
	at   time.Time
	pods []Pod
}

// NewLister caches listings for ttl.
func NewLister(ttl time.Duration) *Lister { return &Lister{ttl: ttl, m: map[string]listing{}} }

// List is ListPods, from the cache when the listing is younger than the TTL.
func (l *Lister) List(data, runtime string) []Pod {
	key := data + "\x00" + runtime
	l.mu.Lock()
	c, ok := l.m[key]
	l.mu.Unlock()
	if ok && time.Since(c.at) < l.ttl {
		return c.pods
	}
	pods := ListPods(data, runtime) // outside the lock: it may wait for pods.json
	l.mu.Lock()
	l.m[key] = listing{at: time.Now(), pods: pods}
	l.mu.Unlock()
	return pods
}

// Forget drops a listing (after a pod was started or resumed).
func (l *Lister) Forget(data, runtime string) {
	l.mu.Lock()
	delete(l.m, data+"\x00"+runtime)
	l.mu.Unlock()
}
