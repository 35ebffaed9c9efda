package lsp

import (
	"context"
	"time"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// podListTTL is how long a pod listing serves lenses: listing reads every
// metadata.json and connects to sockets, and editors ask for lenses often.
const podListTTL = 1500 * time.Millisecond

// CodeLens puts the profile's name, its actions and its pods at the top of
// every profile file (ide.Lenses). It only reads state.
func (s *Server) CodeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	if s.notOurs(p.TextDocument.URI) {
		return nil, nil
	}
	ls := ide.Lenses(s.sess, uriPath(p.TextDocument.URI), s.pods)
	if ls == nil {
		return nil, nil
	}
	out := make([]protocol.CodeLens, 0, len(ls))
	for _, l := range ls {
		cmd := protocol.Command{Title: l.Title}
		if l.Command != nil {
			cmd = toProtoCommand(l.Title, *l.Command)
		}
		out = append(out, protocol.CodeLens{Command: cmd})
	}
	return out, nil
}
