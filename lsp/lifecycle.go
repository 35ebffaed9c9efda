package lsp

import (
	"context"
	"errors"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/session"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

func (s *Server) Initialize(ctx context.Context, p *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	roots := initRoots(p)
	t := session.ParseTrust(p.InitializationOptions)
	s.sess.MergeSettings(p.InitializationOptions)
	s.sess.SetTrust(t)
	s.sess.SetRoots(roots)
	s.noteClientCaps(p)
	s.inlayRefresh.Store(inlayRefreshSupported(p.Capabilities))
	s.snippets.Store(snippetSupported(p.Capabilities))
	if p.ProcessID != nil && *p.ProcessID > 0 {
		go s.watchParent(int(*p.ProcessID))
	}
	s.log.Info("initialize", zap.Strings("roots", roots), zap.String("client", p.ClientInfo.Name),
		zap.Bool("trusted", t.All()), zap.Strings("trustedRoots", t.Roots()))
	return &protocol.InitializeResult{
		Capabilities: capabilities(),
		ServerInfo:   protocol.ServerInfo{Name: "insomnia-lsp", Version: protocol.NewOptional(s.opts.Version)},
	}, nil
}

func capabilities() protocol.ServerCapabilities {
	yes := true
	change := protocol.TextDocumentSyncKindIncremental
	return protocol.ServerCapabilities{
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: &yes, Change: &change, Save: &protocol.SaveOptions{IncludeText: &yes},
		},
		HoverProvider:             protocol.Boolean(true),
		CompletionProvider:        &protocol.CompletionOptions{TriggerCharacters: []string{".", "\"", "=", " "}},
		DefinitionProvider:        protocol.Boolean(true),
		DocumentSymbolProvider:    protocol.Boolean(true),
		DocumentHighlightProvider: protocol.Boolean(true),
		FoldingRangeProvider:      protocol.Boolean(true),
		SelectionRangeProvider:    protocol.Boolean(true),
		CodeActionProvider: &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{
			protocol.CodeActionKindQuickFix, protocol.CodeActionKindSource,
		}},
		CodeLensProvider:  &protocol.CodeLensOptions{},
		InlayHintProvider: protocol.Boolean(true),
		// Through insomnia.formatting.command (formatting.go).
		DocumentFormattingProvider: protocol.Boolean(true),
		ExecuteCommandProvider:     protocol.ExecuteCommandOptions{Commands: serverCommands()},
		Workspace:                  workspaceCapabilities(),
	}
}

func (s *Server) Initialized(ctx context.Context, p *protocol.InitializedParams) error {
	go func() {
		s.pullConfiguration()
		s.sess.Start()
	}()
	return nil
}

func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	s.closeWorkspace()
	return nil
}

// closeBound is how long shutdown and exit wait for background work to
// stop. Closing kills every Nix process group at once; what is left after
// this (work stuck in a system call) must not keep the process alive: exit
// ends it regardless, and the kernel kills Nix children with the server
// (Pdeathsig).
const closeBound = 500 * time.Millisecond

// closeWorkspace closes the workspace, waiting at most closeBound.
func (s *Server) closeWorkspace() {
	done := make(chan struct{})
	go func() {
		s.sess.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeBound):
		s.log.Warn("background work did not stop in time; exiting anyway", zap.Duration("waited", closeBound))
	}
}

func (s *Server) Exit(ctx context.Context) error {
	s.mu.Lock()
	if !s.shutdown {
		s.exitCode = 1
	}
	s.mu.Unlock()
	select {
	case <-s.exited:
	default:
		close(s.exited)
	}
	return nil
}

// watchParent ends the server when the editor process is gone, so a crashed
// editor never leaves us (and our Nix children) behind.
func (s *Server) watchParent(pid int) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
				s.log.Warn("editor process is gone; exiting", zap.Int("pid", pid))
				_ = s.Exit(s.ctx)
				return
			}
		}
	}
}

func initRoots(p *protocol.InitializeParams) []string {
	var roots []string
	if folders, ok := p.WorkspaceFolders.Get(); ok {
		for _, f := range folders {
			roots = append(roots, uriPath(f.URI))
		}
	}
	if len(roots) == 0 && p.RootURI != nil && *p.RootURI != "" {
		roots = append(roots, uriPath(*p.RootURI))
	}
	return roots
}
