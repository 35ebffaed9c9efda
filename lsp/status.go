package lsp

import (
	"context"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// resolvedResult is insomnia.showResolvedManifest's result.
type resolvedResult struct {
	QualifiedName string `json:"qualifiedName"`
	Status        string `json:"status"`
	Hash          string `json:"hash,omitempty"`
	JSON          string `json:"json,omitempty"`
	// Truncated says why JSON was cut (depth or bytes); absent when whole.
	Truncated string `json:"truncated,omitempty"`
	Message   string `json:"message"`
}

func (s *Server) cmdShowResolved(ctx context.Context, arg uriArg) (any, error) {
	path := argPath(arg.URI)
	st, _ := s.sess.Profile(path)
	res := resolvedResult{QualifiedName: s.sess.QualifiedName(path), Status: st.Status()}
	if st.LastGood != nil {
		text, cut := ide.ManifestText(st.LastGood, ide.ResolvedManifestBytes)
		res.Hash, res.JSON = "sha256:"+st.LastGood.Hash, text
		if cut != "" {
			res.Truncated = manifest.Truncated(cut)
		}
	}
	if st.Latest != nil {
		res.Message = st.Latest.Message
	}
	return res, nil
}

// cmdProfileStatus answers with the insomnia/evaluationStatus payload.
func (s *Server) cmdProfileStatus(ctx context.Context, arg uriArg) (any, error) {
	var st session.Status = s.sess.Status(argPath(arg.URI))
	return st, nil
}
