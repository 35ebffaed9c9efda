package lsp

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// InlayHint shows, in a profile, what computed attributes resolved to in
// the last good evaluation (ide.ResolvedHints). It never waits for Nix: an
// edited line has no hint until the evaluation of the edit reports, and
// the server then asks the editor to re-request (refreshInlayHints).
func (s *Server) InlayHint(ctx context.Context, p *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	out := []protocol.InlayHint{}
	if s.notOurs(p.TextDocument.URI) || !s.sess.Settings().InlayHints.Enable {
		return out, nil
	}
	path := uriPath(p.TextDocument.URI)
	f := s.nixTree(path)
	st, known := s.sess.Profile(path)
	if f == nil || !known || st.LastGood == nil {
		return out, nil
	}
	ev := ide.Evaluated{Display: st.LastGood.Display, Text: st.LastGood.Text}
	yes := true
	for _, h := range ide.ResolvedHints(f, ev, ide.ManifestPath) {
		pos := toProtoPos(h.Pos)
		if !inRange(pos, p.Range) {
			continue
		}
		out = append(out, protocol.InlayHint{Position: pos, Label: protocol.String(h.Label),
			Tooltip: protocol.String(h.Tooltip), PaddingLeft: &yes})
	}
	return out, nil
}

func inRange(p protocol.Position, r protocol.Range) bool {
	return !before(p, r.Start) && !before(r.End, p)
}

func before(a, b protocol.Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

// inlayRefreshSupported reads workspace.inlayHint.refreshSupport.
func inlayRefreshSupported(c protocol.ClientCapabilities) bool {
	if c.Workspace == nil || c.Workspace.InlayHint == nil || c.Workspace.InlayHint.RefreshSupport == nil {
		return false
	}
	return *c.Workspace.InlayHint.RefreshSupport
}

// refreshInlayHints asks the editor to re-request inlay hints after an
// evaluation, when it said it can (a request it does not know would fail).
func (s *Server) refreshInlayHints() {
	if !s.inlayRefresh.Load() {
		return
	}
	go func() { _ = s.client.InlayHintRefresh(s.ctx) }()
}
