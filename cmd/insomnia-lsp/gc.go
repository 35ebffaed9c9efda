package main

import (
	"os"
	"runtime/debug"
)

// tuneGC sets the collector's pacing unless GOGC or GOMEMLIMIT in the
// environment say otherwise: a collection when the heap has grown percent
// over the live heap, and a soft limit that brings collections back sooner
// as the heap nears it (so a high percent cannot grow the process past it).
func tuneGC(percent int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(limit)
	}
}

// oneShotGC is for a command that runs once and exits (check): its heap is
// mostly what it keeps to the end, so collecting it often is wasted work.
func oneShotGC() { tuneGC(400, 512<<20) }

// serverGC is for the server: its live heap is small (trees of the open
// files, the last results) and every keystroke allocates a new tree, so at
// the default pacing a collection ran every few keystrokes on the latency
// path; the limit keeps it within its memory budget (100 MB).
func serverGC() { tuneGC(400, 64<<20) }
