package session

import "sync"

// syntaxQueue runs the syntax layer's work (check.Static and its publish)
// off the protocol's read loop, one job at a time in the order the changes
// came: every version still gets its diagnostics, published in order, but
// a didSave right behind a didChange starts Nix at once instead of waiting
// for the change's static pass. The parse stays inline, so the tree every
// later request reads is the new one.
type syntaxQueue struct {
	mu      sync.Mutex // guards jobs and running (done waits on it)
	jobs    []func()
	running bool
	done    *sync.Cond // broadcast when the queue empties
}

func newSyntaxQueue() *syntaxQueue {
	q := &syntaxQueue{}
	q.done = sync.NewCond(&q.mu)
	return q
}

// add queues job; a worker goroutine runs while the queue is not empty.
func (q *syntaxQueue) add(job func()) {
	q.mu.Lock()
	q.jobs = append(q.jobs, job)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go q.run()
	}
}

func (q *syntaxQueue) run() {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			q.done.Broadcast()
			q.mu.Unlock()
			return
		}
		job := q.jobs[0]
		q.jobs[0] = nil
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		job()
	}
}

// wait returns once every job queued so far has run.
func (q *syntaxQueue) wait() {
	q.mu.Lock()
	for q.running {
		q.done.Wait()
	}
	q.mu.Unlock()
}
