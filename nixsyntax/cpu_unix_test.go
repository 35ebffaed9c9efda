//go:build unix

package nixsyntax

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process (and its waited-for children) used,
// so benchmarks on a shared machine can report work, not waiting.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}
