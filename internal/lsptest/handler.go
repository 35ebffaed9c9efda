package lsptest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// handler is the protocol.Client the server talks to.
type handler struct {
	protocol.UnimplementedClient
	c *Client
}

func (h *handler) PublishDiagnostics(ctx context.Context, p *protocol.PublishDiagnosticsParams) error {
	path := filepath.Clean(p.URI.FsPath())
	h.c.record(func() {
		h.c.diags[path] = p.Diagnostics
		h.c.diagSeq[path]++
	})
	return nil
}

func (h *handler) ShowMessage(ctx context.Context, p *protocol.ShowMessageParams) error {
	h.c.record(func() {
		h.c.messages = append(h.c.messages, p.Message)
		h.c.messageTypes = append(h.c.messageTypes, p.Type)
	})
	return nil
}

func (h *handler) LogMessage(ctx context.Context, p *protocol.LogMessageParams) error { return nil }

func (h *handler) Progress(ctx context.Context, p *protocol.ProgressParams) error {
	h.c.record(func() { h.c.progress = append(h.c.progress, json.RawMessage(p.Value)) })
	return nil
}

func (h *handler) WorkDoneProgressCreate(ctx context.Context, p *protocol.WorkDoneProgressCreateParams) error {
	return nil
}

// CodeLensRefresh is kept in the notification log, in order with the
// status notifications, so a test can tell when lenses were refreshed.
func (h *handler) CodeLensRefresh(ctx context.Context) error {
	h.c.record(func() { h.c.notes = append(h.c.notes, Notification{Method: MethodCodeLensRefresh}) })
	return nil
}

// MethodCodeLensRefresh is the Method of a lens refresh in Notifications.
const MethodCodeLensRefresh = "workspace/codeLens/refresh"

func (h *handler) InlayHintRefresh(ctx context.Context) error {
	h.c.record(func() { h.c.inlayRefreshes++ })
	return nil
}

func (h *handler) Configuration(ctx context.Context, p *protocol.ConfigurationParams) ([]protocol.LSPAny, error) {
	h.c.mu.Lock()
	raw := h.c.settings
	h.c.mu.Unlock()
	out := make([]protocol.LSPAny, len(p.Items))
	for i := range out {
		out[i] = protocol.LSPAny("null")
		if raw != nil {
			out[i] = protocol.LSPAny(raw)
		}
	}
	return out, nil
}

func (h *handler) ApplyEdit(ctx context.Context, p *protocol.ApplyWorkspaceEditParams) (*protocol.ApplyWorkspaceEditResult, error) {
	h.c.record(func() { h.c.edits = append(h.c.edits, p) })
	if !h.c.ApplyEdits {
		return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
	}
	if err := applyToDisk(p.Edit); err != nil {
		msg := err.Error()
		return &protocol.ApplyWorkspaceEditResult{Applied: false, FailureReason: &msg}, nil
	}
	return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
}

// applyToDisk applies a workspace edit to files on disk, as an editor would
// after saving.
func applyToDisk(e protocol.WorkspaceEdit) error {
	apply := func(u uri.URI, edits []protocol.TextEdit) error {
		path := u.FsPath()
		text, _ := os.ReadFile(path)
		lines := diagnostics.NewLines(text)
		// Apply from the end so earlier offsets stay valid.
		for i := len(edits) - 1; i >= 0; i-- {
			ed := edits[i]
			start := lines.Offset(diagnostics.Pos{Line: int(ed.Range.Start.Line), Col: int(ed.Range.Start.Character)})
			end := lines.Offset(diagnostics.Pos{Line: int(ed.Range.End.Line), Col: int(ed.Range.End.Character)})
			text = append(text[:start:start], append([]byte(ed.NewText), text[end:]...)...)
		}
		return os.WriteFile(path, text, 0o644)
	}
	for u, edits := range e.Changes {
		if err := apply(u, edits); err != nil {
			return err
		}
	}
	for _, dc := range e.DocumentChanges {
		switch c := dc.(type) {
		case *protocol.CreateFile:
			path := c.URI.FsPath()
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if _, err := os.Stat(path); os.IsNotExist(err) {
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					return err
				}
			}
		case *protocol.TextDocumentEdit:
			var edits []protocol.TextEdit
			for _, el := range c.Edits {
				if te, ok := el.(*protocol.TextEdit); ok {
					edits = append(edits, *te)
				}
			}
			if err := apply(c.TextDocument.URI, edits); err != nil {
				return err
			}
		}
	}
	return nil
}
