package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// CodeAction offers quick fixes (ide.QuickFixes: a missing ';', "did you
// mean", unused bindings, a plaintext secret becoming a secrets.ref call, ...) and, in a profile, "Set as
// default profile" or "Add to project profiles" (ide.ProfileActions).
func (s *Server) CodeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	if s.notOurs(p.TextDocument.URI) {
		return []protocol.CommandOrCodeAction{}, nil
	}
	path := uriPath(p.TextDocument.URI)
	out := []protocol.CommandOrCodeAction{}
	if wantsKind(p.Context.Only, protocol.CodeActionKindQuickFix) {
		sent := func(d diagnostics.Diagnostic) bool { _, ok := contextDiagnostic(p.Context.Diagnostics, d); return ok }
		for _, fix := range ide.QuickFixes(s.sess, path, fromProtoRange(p.Range), sent) {
			out = append(out, fixAction(p.TextDocument.URI, fix, p.Context.Diagnostics))
		}
		out = append(out, s.libFixes(path, p)...)
	}
	if ide.IsNixFile(path) && wantsKind(p.Context.Only, protocol.CodeActionKindSource) {
		for _, a := range ide.ProfileActions(s.sess, path) {
			kind := protocol.CodeActionKindSource
			out = append(out, &protocol.CodeAction{Title: a.Title, Kind: &kind, Command: toProtoCommand(a.Title, a.Command)})
		}
	}
	return out, nil
}

// wantsKind applies the request's `only` filter (kinds are hierarchical:
// "source" admits "source.x").
func wantsKind(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

// fixAction is the edit of one fix, naming the editor's own copy of the
// diagnostic when it sent one.
func fixAction(u uri.URI, fix ide.Fix, sent []protocol.Diagnostic) *protocol.CodeAction {
	pd, ok := contextDiagnostic(sent, fix.Diagnostic)
	if !ok {
		pd = toProtoDiagnostic(fix.Diagnostic)
	}
	kind := protocol.CodeActionKindQuickFix
	preferred := fix.Preferred
	return &protocol.CodeAction{
		Title:       fix.Title,
		Kind:        &kind,
		Diagnostics: []protocol.Diagnostic{pd},
		IsPreferred: &preferred,
		Edit: &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{
			u: {{Range: toProtoRange(fix.Range), NewText: fix.NewText}},
		}},
	}
}

// contextDiagnostic finds d among the diagnostics the editor sent.
func contextDiagnostic(ctxDiags []protocol.Diagnostic, d diagnostics.Diagnostic) (protocol.Diagnostic, bool) {
	r := toProtoRange(d.Range)
	for _, pd := range ctxDiags {
		if pd.Range == r && diagCode(pd) == d.Code {
			return pd, true
		}
	}
	return protocol.Diagnostic{}, false
}

func diagCode(d protocol.Diagnostic) string {
	if c, ok := d.Code.(protocol.String); ok {
		return string(c)
	}
	return ""
}

// toProtoCommand carries an ide command; its argument goes as one JSON value.
func toProtoCommand(title string, c ide.Command) protocol.Command {
	cmd := protocol.Command{Title: title, Command: c.Name}
	if c.Arg != nil {
		raw, _ := json.Marshal(c.Arg)
		cmd.Arguments = []protocol.LSPAny{raw}
	}
	return cmd
}
