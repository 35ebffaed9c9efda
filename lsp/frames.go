package lsp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.uber.org/zap"
)

// maxFrame bounds one message body; a larger one is skipped, not buffered.
const maxFrame = 256 << 20

// frameFilter sits between the editor's stream and the JSON-RPC connection
// and passes on only frames whose body is JSON. The connection library ends
// the session on a body it cannot parse; one garbage message must not take
// the server down, so such frames are logged and dropped here. Lost framing
// (a header without Content-Length) resynchronises on the next header.
type frameFilter struct {
	src io.ReadWriteCloser
	out *io.PipeReader // what the connection reads
	in  *io.PipeWriter
	log *zap.Logger
}

func newFrameFilter(src io.ReadWriteCloser, log *zap.Logger) *frameFilter {
	r, w := io.Pipe()
	f := &frameFilter{src: src, out: r, in: w, log: log}
	go f.pump()
	return f
}

func (f *frameFilter) Read(p []byte) (int, error)  { return f.out.Read(p) }
func (f *frameFilter) Write(p []byte) (int, error) { return f.src.Write(p) }

// Close ends the connection's side at once, even while the pump is still
// blocked reading the editor's stream (an editor that sent exit but keeps
// stdin open must not keep us alive).
func (f *frameFilter) Close() error {
	_ = f.out.Close()
	return f.src.Close()
}

func (f *frameFilter) pump() {
	br := bufio.NewReaderSize(f.src, 64<<10)
	for {
		body, err := f.next(br)
		if err != nil {
			_ = f.in.CloseWithError(err)
			return
		}
		if body == nil {
			continue
		}
		if !json.Valid(body) {
			f.log.Warn("dropped a message whose body is not JSON", zap.Int("bytes", len(body)))
			continue
		}
		if _, err := fmt.Fprintf(f.in, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
			return
		}
		if _, err := f.in.Write(body); err != nil {
			return
		}
	}
}

// next reads one frame; a nil body means the frame was skipped.
func (f *frameFilter) next(br *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length >= 0 {
				break
			}
			continue // a blank line before any header: keep looking
		}
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				f.log.Warn("bad Content-Length header; resynchronising")
				length = -1
				continue
			}
			length = n
		}
	}
	if length > maxFrame {
		f.log.Warn("dropped an oversized message", zap.Int("bytes", length))
		_, err := br.Discard(length)
		return nil, err
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, err
	}
	return body, nil
}
