package eval

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pre-started evaluators. Nix spends most of a small evaluation starting
// up (loading its libraries, reading its configuration, opening the
// store) before it reads the profile from stdin. The pool starts that
// process ahead of need, with its whole command line, environment and
// folder fixed, so an evaluation only writes the text and reads the
// result.
//
// Each process evaluates one profile and exits: never reused, because a
// long-lived Nix caches the files it imported. A pre-started Nix has read
// no import yet (Nix reads `import ./x.nix` while evaluating, after stdin
// is written), so it cannot hold a stale one; what it has read at start is
// its configuration (nix.conf, the environment), which is why a process is
// discarded rather than used when a file of the request's import closure
// changed after it started (belt and braces, and the rule the issue
// states), and why all of them die on a settings or trust change.

// Pool limits (the numbers).
const (
	// poolIdleFor: a key not used for this long keeps no idle process.
	poolIdleFor = 60 * time.Second
	// poolMaxIdle bounds idle processes in all.
	poolMaxIdle = 4
	// poolMaxBytes bounds the idle processes' memory together (PSS: the
	// libraries they share count once).
	poolMaxBytes = 64 << 20
	// poolDefaultPSS stands in for a process's memory before one was
	// measured (an idle nix-instantiate 2.8 alone: about 22 MB).
	poolDefaultPSS = 24 << 20
	// mtimeSlack: file times come from the kernel's coarse clock, up to a
	// tick behind; a change that late before a start counts as after it.
	mtimeSlack = 20 * time.Millisecond
)

// procPlan is what fixes a Nix process before it reads the profile: its
// argv, folder and environment (before the sandbox's, which is per
// process), and whether it runs in a sandbox.
type procPlan struct {
	argv      []string
	dir       string
	env       []string
	sandboxed bool
	memLimit  uint64
	maxStdout int64
	maxStderr int64
}

// key identifies interchangeable processes.
func (p procPlan) key() string {
	var b strings.Builder
	for _, a := range p.argv {
		b.WriteString(a)
		b.WriteByte(0)
	}
	b.WriteString("\x01" + p.dir + "\x01")
	for _, kv := range p.env {
		b.WriteString(kv)
		b.WriteByte(0)
	}
	b.WriteString(strconv.FormatBool(p.sandboxed))
	return b.String()
}

// PoolStats count what the pool did.
type PoolStats struct {
	Hits    int // evaluations that used a pre-started process
	Misses  int // evaluations that found none and started cold
	Stale   int // pre-started processes discarded: an import changed after they started
	Spawned int // processes started ahead of need
	Expired int // idle processes killed (timeout, eviction, close)
	Idle    int // idle processes now
}

// pool keeps at most one idle process per key used in the last
// poolIdleFor, at most poolMaxIdle and poolMaxBytes in all. Safe for
// concurrent use.
type pool struct {
	spawn func(procPlan) (*child, error)

	mu       sync.Mutex // guards idle, starting, lastUse, closed, stats
	idle     map[string]*idleChild
	starting map[string]bool // keys with a spawn in flight
	lastUse  map[string]time.Time
	closed   bool
	stats    PoolStats

	// admitting serializes admit (makeRoom, then filing), so the room one
	// admission saw is still there when it files its process.
	admitting sync.Mutex

	wg sync.WaitGroup // spawns and kills in flight (Close waits)
}

// idleChild is one process waiting on its stdin.
type idleChild struct {
	c     *child
	timer *time.Timer
}

func newPool(spawn func(procPlan) (*child, error)) *pool {
	return &pool{spawn: spawn, idle: map[string]*idleChild{}, starting: map[string]bool{},
		lastUse: map[string]time.Time{}}
}

// take returns the idle process for plan, or nil (then the caller starts
// one cold). One whose start is not after the last change of every file in
// deps is discarded, as is one that died.
func (p *pool) take(plan procPlan, deps []string) *child {
	key := plan.key()
	p.mu.Lock()
	p.lastUse[key] = time.Now()
	ic := p.idle[key]
	delete(p.idle, key)
	if ic == nil {
		p.stats.Misses++
		p.mu.Unlock()
		return nil
	}
	p.mu.Unlock()
	ic.timer.Stop()
	stale, dead := changedSince(deps, ic.c.started), !ic.c.alive()
	p.mu.Lock()
	switch {
	case stale:
		p.stats.Stale++
	case dead:
		p.stats.Expired++
	default:
		p.stats.Hits++
	}
	p.mu.Unlock()
	if stale || dead {
		p.killLater(ic.c)
		return nil
	}
	return ic.c
}

// changedSince reports whether any file was modified after t (within the
// clock's slack). A file that cannot be stat'ed counts as changed: it may
// have been replaced.
func changedSince(files []string, t time.Time) bool {
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || fi.ModTime().After(t.Add(-mtimeSlack)) {
			return true
		}
	}
	return false
}

// replenish starts an idle process for plan in the background, unless its
// key has one, was not used lately, or the limits are reached.
func (p *pool) replenish(plan procPlan) {
	key := plan.key()
	for {
		p.mu.Lock()
		if p.closed || p.idle[key] != nil || p.starting[key] || time.Since(p.lastUse[key]) > poolIdleFor {
			p.mu.Unlock()
			return
		}
		// Processes starting count toward the bound too: six keys used at
		// once must not start six Nix processes and kill two afterwards.
		if len(p.idle)+len(p.starting) < poolMaxIdle {
			p.starting[key] = true
			p.wg.Add(1)
			go p.start(key, plan)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		if !p.evictOldest(key) {
			return // the bound is taken by processes still starting
		}
	}
}

// start spawns, makes room and files the process as idle. Its key stays
// in starting until it is filed, so replenish's bound counts it all along.
func (p *pool) start(key string, plan procPlan) {
	defer p.wg.Done()
	c, err := p.spawn(plan)
	if err == nil {
		p.mu.Lock()
		p.stats.Spawned++
		p.mu.Unlock()
	}
	if err != nil || !p.admit(key, c) {
		p.mu.Lock()
		delete(p.starting, key)
		p.mu.Unlock()
		if c != nil {
			c.kill()
		}
	}
}

// admit makes room for c and files it as key's idle process; false when
// it cannot stay (pool closed, no room, key filled meanwhile). Admissions
// run one at a time: two that both saw room for one more must not both
// file theirs.
func (p *pool) admit(key string, c *child) bool {
	p.admitting.Lock()
	defer p.admitting.Unlock()
	if !p.makeRoom(key) {
		return false
	}
	ic := &idleChild{c: c}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.idle[key] != nil {
		return false
	}
	delete(p.starting, key)
	ic.timer = time.AfterFunc(poolIdleFor, func() { p.expire(key, ic) })
	p.idle[key] = ic
	return true
}

// makeRoom evicts the least recently used other keys' processes until one
// more fits the count and memory bounds; false when even then it does not.
// The next process's memory is estimated as the idle ones' average (their
// shared pages split further with each one more).
func (p *pool) makeRoom(key string) bool {
	for {
		p.mu.Lock()
		pids := p.idlePidsLocked()
		p.mu.Unlock()
		if len(pids) < poolMaxIdle && p.fits(pids) {
			return true
		}
		if !p.evictOldest(key) {
			return false
		}
	}
}

// fits says whether one more process stays within poolMaxBytes beside
// pids. Reading PSS costs about a millisecond of kernel time per process,
// so it is skipped while even the default estimate fits.
func (p *pool) fits(pids []int) bool {
	if int64(len(pids)+1)*poolDefaultPSS <= poolMaxBytes {
		return true
	}
	used := int64(0)
	for _, pid := range pids {
		used += readPSS(pid)
	}
	est := int64(poolDefaultPSS)
	if used > 0 {
		est = used / int64(len(pids))
	}
	return used+est <= poolMaxBytes
}

// evictOldest kills the idle process of the least recently used key other
// than keep; false when there is none.
func (p *pool) evictOldest(keep string) bool {
	p.mu.Lock()
	oldest := ""
	for k := range p.idle {
		if k != keep && (oldest == "" || p.lastUse[k].Before(p.lastUse[oldest])) {
			oldest = k
		}
	}
	ic := p.idle[oldest]
	delete(p.idle, oldest)
	if ic != nil {
		p.stats.Expired++
	}
	p.mu.Unlock()
	if ic == nil {
		return false
	}
	ic.timer.Stop()
	ic.c.kill()
	return true
}

// expire kills an idle process nobody took within poolIdleFor.
func (p *pool) expire(key string, ic *idleChild) {
	p.mu.Lock()
	mine := p.idle[key] == ic
	if mine {
		delete(p.idle, key)
		delete(p.lastUse, key)
		p.stats.Expired++
	}
	p.mu.Unlock()
	if mine {
		ic.c.kill()
	}
}

// killLater kills a discarded process off the caller's path.
func (p *pool) killLater(c *child) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		c.kill()
	}()
}

// close kills every idle process and waits until all are reaped; nothing
// is started after it.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = map[string]*idleChild{}
	p.stats.Expired += len(idle)
	p.mu.Unlock()
	for _, ic := range idle {
		ic.timer.Stop()
		ic.c.kill()
	}
	p.wg.Wait()
}

// Stats returns a copy of the counters.
func (p *pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Idle = len(p.idle)
	return s
}

// idlePids lists the idle processes (tests check they die).
func (p *pool) idlePids() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.idlePidsLocked()
}

func (p *pool) idlePidsLocked() []int {
	out := make([]int, 0, len(p.idle))
	for _, ic := range p.idle {
		out = append(out, ic.c.cmd.Process.Pid)
	}
	return out
}

// readPSS is a process's proportional set size in bytes (0: unknown).
func readPSS(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
