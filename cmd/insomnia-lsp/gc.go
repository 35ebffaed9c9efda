package main

import (
	"os"
	"runtime/debug"
)

// oneShotGC tunes the collector for a command that runs once and exits
// (check): a collection every time the heap quadruples instead of doubles,
// under a memory limit that brings the usual pacing back before the heap
// grows big. GOGC or GOMEMLIMIT in the environment win.
func oneShotGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
}
