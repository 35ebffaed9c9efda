package lsp

import (
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// methodEvaluationStatus drives editors' status items and preview refreshes.
const methodEvaluationStatus = "insomnia/evaluationStatus"

// sessionClient turns the session's output into protocol messages.
type sessionClient struct{ s *Server }

func (c sessionClient) PublishDiagnostics(file string, diags []diagnostics.Diagnostic) {
	c.s.pub.enqueue(file, diags)
}

// EvaluationStatus is called from scheduler goroutines, never the read
// loop, so a direct write keeps the states in order.
func (c sessionClient) EvaluationStatus(st session.Status) {
	raw, _ := json.Marshal(st)
	_ = c.s.conn.Notify(c.s.ctx, methodEvaluationStatus, json.RawMessage(raw))
}

func (c sessionClient) ProgressBegin(key, title string) { c.s.progress.begin(key, title) }
func (c sessionClient) ProgressEnd(key string)          { c.s.progress.end(key) }
func (c sessionClient) RefreshLenses()                  { c.s.refreshLenses() }
func (c sessionClient) RefreshInlayHints()              { c.s.refreshInlayHints() }

// NixMissing is one warning notification: the fix is in its text.
func (c sessionClient) NixMissing(message string) {
	c.s.showMessage(protocol.MessageTypeWarning, message)
}

// refreshLenses asks the editor to re-request code lenses (when it can).
func (s *Server) refreshLenses() {
	go func() { _ = s.client.CodeLensRefresh(s.ctx) }()
}
