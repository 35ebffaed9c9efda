package lsp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

const (
	formatTimeout = 5 * time.Second
	// formatOutputCap bounds what a formatter may write: a formatted
	// profile is about as long as the profile.
	formatOutputCap = 8 << 20
)

var (
	errNoFormatter = errors.New(`no formatter configured: set insomnia.formatting.command, e.g. ["nixfmt"]`)
	errFormatTrust = errors.New("formatting is disabled in an untrusted workspace: insomnia.formatting.command names a program")
)

// Formatting runs the configured formatter on the open document and
// answers one edit replacing the whole text (none when it is unchanged).
// The program is chosen by settings a repository can ship, so it runs only
// in a trusted workspace.
func (s *Server) Formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	if s.notOurs(p.TextDocument.URI) {
		return nil, nil
	}
	argv := s.sess.Settings().Formatting.Command
	switch {
	case !s.sess.WorkspaceTrusted():
		return nil, errFormatTrust
	case len(argv) == 0 || argv[0] == "":
		return nil, errNoFormatter
	}
	path := uriPath(p.TextDocument.URI)
	doc := s.sess.Document(path)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", path)
	}
	out, err := runFormatter(ctx, argv, s.sess.ProjectDir(path), doc.Text)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(out, doc.Text) {
		return []protocol.TextEdit{}, nil
	}
	whole := diagnostics.Range{End: doc.Lines.Pos(len(doc.Text))}
	return []protocol.TextEdit{{Range: toProtoRange(whole), NewText: string(out)}}, nil
}

// runFormatter runs argv (no shell) in dir with text on stdin, in its own
// process group, killed as a group on timeout or cancellation.
func runFormatter(ctx context.Context, argv []string, dir string, text []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, formatTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(text)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second // a stray child holding the pipes must not block Wait
	var stdout, stderr capped
	stdout.limit, stderr.limit = formatOutputCap, 4096
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, fmt.Errorf("formatter %s took longer than %s and was stopped", argv[0], formatTimeout)
	case stdout.over:
		return nil, fmt.Errorf("formatter %s wrote more than %d MiB: output ignored", argv[0], formatOutputCap>>20)
	case err != nil:
		msg := strings.TrimSpace(secrets.Redact(stderr.b.String()))
		if first, _, _ := strings.Cut(msg, "\n"); first != "" {
			return nil, fmt.Errorf("formatter %s failed: %v: %s", argv[0], err, first)
		}
		return nil, fmt.Errorf("formatter %s failed: %v", argv[0], err)
	case !isText(stdout.b.Bytes()):
		return nil, fmt.Errorf("formatter %s wrote bytes that are not UTF-8 text: output ignored", argv[0])
	}
	return stdout.b.Bytes(), nil
}

// isText says out can replace a document: valid UTF-8 without NUL bytes
// (a formatter that crashed half-way or printed a binary would otherwise
// replace the user's profile with garbage).
func isText(out []byte) bool {
	return utf8.Valid(out) && bytes.IndexByte(out, 0) < 0
}

// capped keeps up to limit bytes; past it the write fails, which closes
// the pipe, so a runaway formatter stops at once.
type capped struct {
	b     bytes.Buffer
	limit int
	over  bool
}

func (c *capped) Write(p []byte) (int, error) {
	if c.b.Len()+len(p) > c.limit {
		c.over = true
		return 0, errors.New("output cap reached")
	}
	return c.b.Write(p)
}
