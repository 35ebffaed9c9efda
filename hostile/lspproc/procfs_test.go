package lspproc

import (
	"os"
	"testing"
)

func TestNeedleAcrossWrites(t *testing.T) {
	w := newNeedleWatch([]string{"CANARY123", "root:x:0:0"})
	out := w.writer("stdout")
	for _, chunk := range []string{"abc CAN", "ARY1", "23 def", "ro", "ot:x:0", ":0 tail"} {
		if _, err := out.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(w.found()); got != 2 {
		t.Errorf("found %v, want both needles split across writes", w.found())
	}
	clean := newNeedleWatch([]string{"CANARY123"})
	_, _ = clean.writer("stderr").Write([]byte("CANARY12 3 CANARY"))
	if len(clean.found()) != 0 {
		t.Errorf("false hit: %v", clean.found())
	}
}

func TestDescendantsAndMemory(t *testing.T) {
	self := os.Getpid()
	found := false
	for _, p := range Processes() {
		if p.Pid == self {
			found = p.PPid == os.Getppid()
		}
	}
	if !found {
		t.Errorf("this process (%d) not found in /proc with its parent", self)
	}
	p := &Proc{Pid: self}
	rss, hwm, err := p.Memory()
	if err != nil || rss <= 0 || hwm < rss {
		t.Errorf("Memory() = %d, %d, %v", rss, hwm, err)
	}
}
