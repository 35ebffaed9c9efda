package lspproc

import (
	"regexp"
	"strconv"
	"sync"
)

// frameMeter records the largest Content-Length the server announced on
// stdout: how big one message got (a hostile input must not turn into a
// gigabyte notification).
type frameMeter struct {
	mu      sync.Mutex
	tail    []byte // the end of the previous write: a header may span writes
	largest int64
}

var contentLength = regexp.MustCompile(`Content-Length: (\d+)\r\n`)

func (m *frameMeter) Write(b []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	buf := append(m.tail, b...)
	for _, g := range contentLength.FindAllSubmatch(buf, -1) {
		if n, err := strconv.ParseInt(string(g[1]), 10, 64); err == nil && n > m.largest {
			m.largest = n
		}
	}
	keep := min(len(buf), 40) // longer than any header line
	m.tail = append(m.tail[:0:0], buf[len(buf)-keep:]...)
	return len(b), nil
}

// LargestFrame is the size in bytes of the largest message the server sent.
func (p *Proc) LargestFrame() int64 {
	p.frames.mu.Lock()
	defer p.frames.mu.Unlock()
	return p.frames.largest
}
