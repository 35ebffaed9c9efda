package lspproc

import (
	"bytes"
	"strconv"
	"sync"
)

// frameMeter reads the server's stdout as LSP frames (headers, blank line,
// Content-Length bytes of body) and remembers the largest body, so a test
// can bound the biggest message the server ever sent without keeping any.
type frameMeter struct {
	mu      sync.Mutex // guards every field below
	header  []byte     // the header bytes of the frame being read
	left    int64      // body bytes still to skip; 0 while reading a header
	largest int64
	frames  int64
}

func (m *frameMeter) Write(b []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		if m.left > 0 {
			skip := min(m.left, int64(len(b)))
			m.left -= skip
			b = b[skip:]
			continue
		}
		b = m.readHeader(b)
	}
	return n, nil
}

// readHeader consumes header bytes up to the blank line and returns the
// rest; at the blank line it starts the body.
func (m *frameMeter) readHeader(b []byte) []byte {
	m.header = append(m.header, b...)
	end := bytes.Index(m.header, []byte("\r\n\r\n"))
	if end < 0 {
		// Headers are short; a runaway one is not a frame worth keeping.
		if len(m.header) > 4096 {
			m.header = m.header[len(m.header)-4:]
		}
		return nil
	}
	rest := m.header[end+4:]
	size := contentLength(m.header[:end])
	m.header = nil
	m.frames++
	m.largest = max(m.largest, size)
	m.left = size
	return append([]byte(nil), rest...)
}

func contentLength(h []byte) int64 {
	for _, line := range bytes.Split(h, []byte("\r\n")) {
		name, val, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")) {
			n, _ := strconv.ParseInt(string(bytes.TrimSpace(val)), 10, 64)
			return n
		}
	}
	return 0
}

// LargestFrame is the body size in bytes of the biggest message the server
// has sent on stdout so far, and how many messages it sent.
func (p *Proc) LargestFrame() (bytes, frames int64) {
	p.frames.mu.Lock()
	defer p.frames.mu.Unlock()
	return p.frames.largest, p.frames.frames
}
