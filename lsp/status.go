package lsp

import (
	"context"
	"encoding/json"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// resolvedResult is insomnia.showResolvedManifest's result.
type resolvedResult struct {
	QualifiedName string `json:"qualifiedName"`
	Status        string `json:"status"`
	Hash          string `json:"hash,omitempty"`
	JSON          string `json:"json,omitempty"`
	Message       string `json:"message"`
}

func (s *Server) cmdShowResolved(ctx context.Context, raw json.RawMessage) (any, error) {
	var arg uriArg
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
	path := argPath(arg.URI)
	st, _ := s.sess.Profile(path)
	res := resolvedResult{QualifiedName: s.sess.QualifiedName(path), Status: st.Status()}
	if st.LastGood != nil {
		res.Hash, res.JSON = "sha256:"+st.LastGood.Hash, ide.PrettyJSON(st.LastGood.Display)
	}
	if st.Latest != nil {
		res.Message = st.Latest.Message
	}
	return res, nil
}

// cmdProfileStatus answers with the insomnia/evaluationStatus payload.
func (s *Server) cmdProfileStatus(ctx context.Context, raw json.RawMessage) (any, error) {
	var arg uriArg
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
	var st session.Status = s.sess.Status(argPath(arg.URI))
	return st, nil
}
