package eval

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"
)

// Scheduler evaluates profiles in the background. Per key (the profile's
// path) only the newest submitted version counts: an edit waits Debounce
// before Nix starts, a save (immediate) starts at once, and submitting a
// newer version kills the Nix process group of the older one. At most
// MaxConcurrent Nix processes run at once. No method waits for Nix.
type Scheduler struct {
	ev       *Evaluator
	opts     Options
	onResult func(key string, r Result)
	sem      chan struct{}
	wg       sync.WaitGroup

	mu     sync.Mutex // guards keys, closed and stats
	keys   map[string]*slot
	closed bool
	stats  Stats
}

// slot is the state of one key.
type slot struct {
	gen     uint64 // bumped by every Submit and Cancel
	timer   *time.Timer
	cancel  context.CancelFunc // of the evaluation in flight, if any
	running *Request           // the request in flight, if any
	since   time.Time          // when it was submitted
	deliver sync.Mutex         // one onResult at a time per key, in order
}

// Stats count what the Scheduler did, for tests, benchmarks and logs.
type Stats struct {
	Submitted  int // Submit calls
	Joined     int // Submits of the request already in flight (no new run)
	Started    int // Nix evaluations started (cache hits excluded)
	CacheHits  int // results served from the cache
	Delivered  int // onResult calls
	Running    int // Nix evaluations running now
	MaxRunning int // the most that ever ran at once
}

// NewScheduler starts a scheduler. onResult receives the result of the
// newest version of a key, on a Scheduler goroutine: calls for different
// keys may run concurrently, calls for one key never do, and a superseded
// or cancelled version is never reported.
func NewScheduler(opts Options, onResult func(key string, r Result)) *Scheduler {
	opts = opts.withDefaults()
	return &Scheduler{
		ev:       NewEvaluator(opts),
		opts:     opts,
		onResult: onResult,
		sem:      make(chan struct{}, opts.MaxConcurrent),
		keys:     map[string]*slot{},
	}
}

// Evaluator is the scheduler's evaluator (its cache, its Nix version).
func (s *Scheduler) Evaluator() *Evaluator { return s.ev }

// Submit queues req as the newest version of key. Unless immediate, Nix
// starts after Debounce without a newer Submit. Any older evaluation of
// key is cancelled now. After Close, Submit does nothing.
func (s *Scheduler) Submit(key string, req Request, immediate bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.stats.Submitted++
	if sl := s.keys[key]; sl != nil && s.sameInFlightLocked(sl, req) {
		// Opening a profile the workspace index is evaluating, or a save
		// of the text in flight: that run's result is this one's.
		s.stats.Joined++
		return
	}
	sl := s.stopLocked(key)
	gen := sl.gen
	if immediate {
		s.startLocked(key, sl, gen, req)
		return
	}
	sl.timer = time.AfterFunc(s.opts.Debounce, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if sl.gen == gen && !s.closed {
			s.startLocked(key, sl, gen, req)
		}
	})
}

// Cancel drops key's pending version and kills its running evaluation;
// nothing is reported for them.
func (s *Scheduler) Cancel(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[key]; ok {
		s.stopLocked(key)
	}
}

// Close cancels everything, kills every Nix process and waits until all
// are reaped. No onResult call happens after Close returns.
func (s *Scheduler) Close() {
	s.mu.Lock()
	s.closed = true
	for key := range s.keys {
		s.stopLocked(key)
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.ev.Close()
}

// Running is the number of Nix evaluations running now.
func (s *Scheduler) Running() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Running
}

// Stats returns a copy of the counters.
func (s *Scheduler) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// stopLocked makes every older version of key stale: the timer stops, the
// evaluation in flight is killed. It returns the key's slot.
func (s *Scheduler) stopLocked(key string) *slot {
	sl := s.keys[key]
	if sl == nil {
		sl = &slot{}
		s.keys[key] = sl
	}
	sl.gen++
	if sl.timer != nil {
		sl.timer.Stop()
		sl.timer = nil
	}
	if sl.cancel != nil {
		sl.cancel()
		sl.cancel, sl.running = nil, nil
	}
	return sl
}

// sameInFlightLocked says whether req is the request sl is evaluating now,
// with no file it depends on changed since that run was submitted.
func (s *Scheduler) sameInFlightLocked(sl *slot, req Request) bool {
	r := sl.running
	if sl.cancel == nil || r == nil || r.Path != req.Path || r.Restricted != req.Restricted ||
		!bytes.Equal(r.Text, req.Text) || r.Text == nil || !slices.Equal(r.Deps, req.Deps) ||
		!sameOverlays(r.Overlays, req.Overlays) {
		return false
	}
	return !changedSince(s.ev.freshnessDeps(req.Path, req.Deps, ""), sl.since)
}

func sameOverlays(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func (s *Scheduler) startLocked(key string, sl *slot, gen uint64, req Request) {
	ctx, cancel := context.WithCancel(context.Background())
	sl.cancel, sl.running, sl.since = cancel, &req, time.Now()
	sl.timer = nil
	s.wg.Add(1)
	go s.work(ctx, cancel, key, sl, gen, req)
}

func (s *Scheduler) work(ctx context.Context, cancel context.CancelFunc, key string, sl *slot, gen uint64, req Request) {
	defer s.wg.Done()
	defer cancel()
	r, ran := s.ev.evaluate(ctx, req, s.gate(key))
	r.Text = req.Text
	s.mu.Lock()
	if !ran && r.Cached {
		s.stats.CacheHits++
	}
	s.mu.Unlock()
	s.deliver(key, sl, gen, r)
}

// gate waits for a free Nix slot, counts the start and tells OnStart.
func (s *Scheduler) gate(key string) gate {
	return func(ctx context.Context) (func(), bool) {
		select {
		case s.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, false
		}
		s.mu.Lock()
		s.stats.Started++
		s.stats.Running++
		if s.stats.Running > s.stats.MaxRunning {
			s.stats.MaxRunning = s.stats.Running
		}
		s.mu.Unlock()
		if s.opts.OnStart != nil {
			s.opts.OnStart(key)
		}
		return func() {
			s.mu.Lock()
			s.stats.Running--
			s.mu.Unlock()
			<-s.sem
		}, true
	}
}

// deliver reports r if gen is still key's newest version.
func (s *Scheduler) deliver(key string, sl *slot, gen uint64, r Result) {
	sl.deliver.Lock()
	defer sl.deliver.Unlock()
	s.mu.Lock()
	current := sl.gen == gen && !s.closed
	if current {
		sl.cancel, sl.running = nil, nil
		s.stats.Delivered++
	}
	s.mu.Unlock()
	if current && s.onResult != nil {
		s.onResult(key, r)
	}
}
