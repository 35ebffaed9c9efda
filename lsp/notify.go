package lsp

import (
	"encoding/json"

	"go.lsp.dev/uri"
)

// methodEvaluationStatus drives editors' status items and preview refreshes.
const methodEvaluationStatus = "insomnia/evaluationStatus"

// notifyStatus tells the editor a profile's evaluation state changed.
func (s *Server) notifyStatus(path string) {
	st, _ := s.ws.snapshot(path)
	msg := ""
	if st.latest != nil {
		msg = st.latest.Message
	}
	params := map[string]any{"uri": string(uri.File(path)), "qualifiedName": s.ws.qualifiedName(path),
		"isDefault": s.ws.isDefault(path), "state": st.status(), "message": msg}
	raw, _ := json.Marshal(params)
	// Called from scheduler goroutines, never the read loop, so a direct
	// write keeps the states in order.
	_ = s.conn.Notify(s.ctx, methodEvaluationStatus, json.RawMessage(raw))
}

// refreshLenses asks the editor to re-request code lenses (when it can).
func (s *Server) refreshLenses() {
	go func() { _ = s.client.CodeLensRefresh(s.ctx) }()
}
