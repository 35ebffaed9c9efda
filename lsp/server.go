// Package lsp turns the Language Server Protocol into calls on the domain
// packages (profile/..., diagnostics, spawn, nixsyntax). One file per LSP
// area; this file owns the connection and the server's shared state.
package lsp

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/insomnia-lsp/insomnia-lsp/internal/redactlog"
	"github.com/insomnia-lsp/insomnia-lsp/session"
	"github.com/insomnia-lsp/insomnia-lsp/spawn"
)

// Options are fixed for the server's lifetime (flags of `insomnia-lsp serve`).
type Options struct {
	Logger  *zap.Logger
	Version string
	// Env looks up environment variables (tests give a fake one); nil = os.Getenv.
	Env func(string) string
	// Cwd is the directory discovery starts from when the editor gives no root.
	Cwd string
}

// Server is one editor connection.
type Server struct {
	protocol.UnimplementedServer

	log    *zap.Logger
	opts   Options
	conn   jsonrpc2.Conn
	client protocol.Client

	// ctx lives as long as the connection; background work derives from it.
	ctx    context.Context
	cancel context.CancelFunc

	frames   *frameFilter
	pub      *publisher
	progress *progress
	sess     *session.Session
	pods     *spawn.Lister // this server's pod listings, cached for lenses
	// inlayRefresh: the editor accepts workspace/inlayHint/refresh (inlay.go).
	inlayRefresh atomic.Bool
	// snippets: the editor reads snippet syntax in completions (completion.go).
	snippets atomic.Bool

	mu       sync.Mutex // guards shutdown, exitCode and createFiles
	shutdown bool
	exitCode int
	// createFiles: the client applies CreateFile in workspace edits (libfix.go).
	createFiles bool
	exited      chan struct{} // closed by exit
}

// Serve runs the server on rw until the editor sends exit, the stream ends or
// the editor process dies. It returns the exit code the process should use.
func Serve(ctx context.Context, rw io.ReadWriteCloser, opts Options) int {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	opts.Logger = redactlog.Wrap(opts.Logger) // the log's output boundary
	s := newServer(ctx, opts)
	s.connect(rw)
	select {
	case <-s.exited:
	case <-s.conn.Done():
		s.mu.Lock()
		if !s.shutdown {
			s.exitCode = 1
		}
		s.mu.Unlock()
	case <-ctx.Done():
	}
	s.stop()
	return s.exitCode
}

func newServer(ctx context.Context, opts Options) *Server {
	ctx, cancel := context.WithCancel(ctx)
	s := &Server{
		log:    opts.Logger,
		opts:   opts,
		ctx:    ctx,
		cancel: cancel,
		exited: make(chan struct{}),
	}
	s.pub = newPublisher(s)
	s.progress = newProgress(s)
	s.pods = spawn.NewLister(podListTTL)
	s.sess = session.New(session.Options{Logger: opts.Logger, Env: opts.Env, Cwd: opts.Cwd, Client: sessionClient{s}})
	return s
}

// connect wires the JSON-RPC connection. Text synchronisation notifications
// run in wire order on the read loop (they are fast and later requests depend
// on them); every other message is released to run concurrently, so no
// request ever waits behind another (or behind Nix).
func (s *Server) connect(rw io.ReadWriteCloser) {
	s.frames = newFrameFilter(rw, s.log)
	s.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(s.frames), jsonrpc2.WithCodec(redactingCodec{}))
	s.client = protocol.ClientDispatcher(s.conn)
	s.conn.Go(s.ctx, ordered(redactErrors(s.notificationsNeverFail(s.recoverer(protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler))))))
}

// stop cancels background work and closes the connection. Closing the
// frame filter first unblocks the connection's reader even when the editor
// keeps its end of the stream open.
func (s *Server) stop() {
	s.cancel()
	s.closeWorkspace()
	_ = s.frames.Close()
	_ = s.conn.Close()
}

// notificationsNeverFail logs a notification handler's error instead of
// returning it: the connection library ends the session on any error from
// a notification (there is no reply to carry it), and an unknown `$/...`
// notification or a malformed parameter must not end the editor's server.
func (s *Server) notificationsNeverFail(h jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		res, err := h(ctx, req)
		if err != nil && !req.IsCall() {
			s.log.Info("notification failed", zap.String("method", req.Method()), zap.Error(err))
			return nil, nil
		}
		return res, err
	}
}

func ordered(h jsonrpc2.Handler) jsonrpc2.Handler {
	// Cancellation wraps only released requests: its context must not
	// outlive a request handled inline (the library recycles those).
	concurrent := protocol.CancelHandler(func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		jsonrpc2.Async(ctx)
		return h(ctx, req)
	})
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		switch req.Method() {
		case protocol.MethodTextDocumentDidOpen, protocol.MethodTextDocumentDidChange,
			protocol.MethodTextDocumentDidClose, protocol.MethodTextDocumentDidSave,
			protocol.MethodInitialize, protocol.MethodInitialized, protocol.MethodExit:
			return h(ctx, req)
		}
		return concurrent(ctx, req)
	}
}

// recoverer turns a panic in a handler into an error reply instead of a
// dead connection: one bad request must not take the editor's server down.
func (s *Server) recoverer(h jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (res any, err error) {
		method := req.Method()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("handler panic", zap.String("method", method), zap.Any("panic", r), zap.Stack("stack"))
				res, err = nil, jsonrpc2.NewError(jsonrpc2.InternalError, "internal error in "+method)
			}
		}()
		return h(ctx, req)
	}
}
