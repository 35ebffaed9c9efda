package lsp

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// CodeAction offers quick fixes for diagnostics that carry a Fix (a
// plaintext secret becomes a secrets.ref call) and, in a profile, "Set as
// default profile" or "Add to project profiles" (commands another part of
// the server executes).
func (s *Server) CodeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	if s.notOurs(p.TextDocument.URI) {
		return []protocol.CommandOrCodeAction{}, nil
	}
	path := uriPath(p.TextDocument.URI)
	out := []protocol.CommandOrCodeAction{}
	if wantsKind(p.Context.Only, protocol.CodeActionKindQuickFix) {
		out = append(out, s.quickFixes(path, p)...)
		out = append(out, s.libFixes(path, p)...)
	}
	if isNixFile(path) && wantsKind(p.Context.Only, protocol.CodeActionKindSource) {
		out = append(out, s.profileActions(path, p.TextDocument.URI)...)
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

// quickFixes turns the file's current diagnostics that carry a Fix into
// edits: those the editor sent in the context (matched by range and code)
// and those touching the requested range.
func (s *Server) quickFixes(path string, p *protocol.CodeActionParams) []protocol.CommandOrCodeAction {
	var out []protocol.CommandOrCodeAction
	literals := stringLiterals(s.nixTree(path))
	done := map[diagnostics.Range]bool{}
	for _, d := range s.sess.Diagnostics(path) {
		// A fix replaces a string literal; a diagnostic placed elsewhere (a
		// key, when Nix gave no value position) or one already offered (the
		// static and evaluation layers both find a plaintext key) is skipped.
		if d.Fix == nil || !literals[d.Range] || done[d.Range] {
			continue
		}
		done[d.Range] = true
		pd, ok := contextDiagnostic(p.Context.Diagnostics, d)
		if !ok && !overlaps(toProtoRange(d.Range), p.Range) {
			continue
		}
		if !ok {
			pd = toProtoDiagnostic(d)
		}
		out = append(out, s.fixAction(path, p.TextDocument.URI, d, pd))
	}
	return out
}

// stringLiterals is the set of ranges of the string literals in a file.
func stringLiterals(f *nixsyntax.File) map[diagnostics.Range]bool {
	out := map[diagnostics.Range]bool{}
	if f == nil {
		return out
	}
	for _, lit := range nixsyntax.Strings(f) {
		out[lit.Range] = true
	}
	return out
}

func (s *Server) fixAction(path string, u uri.URI, d diagnostics.Diagnostic, pd protocol.Diagnostic) *protocol.CodeAction {
	kind := protocol.CodeActionKindQuickFix
	preferred := true
	newText, title := s.inScope(path, d.Range, d.Fix.NewText), d.Fix.Title
	if prefix := strings.TrimSuffix(newText, d.Fix.NewText); prefix != "" {
		title = strings.Replace(title, "secrets.ref", prefix+"secrets.ref", 1)
	}
	return &protocol.CodeAction{
		Title:       title,
		Kind:        &kind,
		Diagnostics: []protocol.Diagnostic{pd},
		IsPreferred: &preferred,
		Edit: &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{
			u: {{Range: toProtoRange(d.Range), NewText: newText}},
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

func overlaps(a, b protocol.Range) bool {
	le := func(x, y protocol.Position) bool {
		return x.Line < y.Line || x.Line == y.Line && x.Character <= y.Character
	}
	return le(a.Start, b.End) && le(b.Start, a.End)
}

var reLibCall = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_'\-]*)\.mkProfile\b`)

// inScope makes a `secrets.ref "id"` replacement resolve where it lands:
// when bare `secrets` would be undefined there (checked by reparsing the
// edited text), it goes through the variable the profile calls mkProfile
// on (`lib.secrets.ref "id"`).
func (s *Server) inScope(path string, r diagnostics.Range, newText string) string {
	text := s.sess.Text(path)
	if text == nil || !strings.HasPrefix(newText, "secrets.ref ") || !undefinedAt(text, r, newText) {
		return newText
	}
	if m := reLibCall.FindSubmatch(text); m != nil {
		if q := string(m[1]) + "." + newText; !undefinedAt(text, r, q) {
			return q
		}
	}
	return newText
}

// undefinedAt says whether replacing r by newText leaves an undefined
// variable at the start of the replacement.
func undefinedAt(text []byte, r diagnostics.Range, newText string) bool {
	lines := diagnostics.NewLines(text)
	start, end := lines.Offset(r.Start), lines.Offset(r.End)
	edited := append(append(append([]byte(nil), text[:start]...), newText...), text[end:]...)
	for _, d := range nixsyntax.Parse(edited).Diagnostics("") {
		if d.Code == "undefined-variable" && d.Range.Start == r.Start {
			return true
		}
	}
	return false
}

// profileActions are the registry actions for a profile file.
func (s *Server) profileActions(path string, u uri.URI) []protocol.CommandOrCodeAction {
	text := s.sess.Text(path)
	if text == nil || !s.sess.IsProfile(path, text) {
		return nil
	}
	arg, _ := json.Marshal(map[string]string{"uri": string(u)})
	kind := protocol.CodeActionKindSource
	action := func(title, command string) *protocol.CodeAction {
		return &protocol.CodeAction{Title: title, Kind: &kind,
			Command: protocol.Command{Title: title, Command: command, Arguments: []protocol.LSPAny{arg}}}
	}
	if _, listed := s.sess.Entry(path); !listed {
		return []protocol.CommandOrCodeAction{action("Add to project profiles", cmdAddToProject)}
	}
	if !s.sess.IsDefault(path) {
		return []protocol.CommandOrCodeAction{action("Set as default profile", cmdSetDefaultProfile)}
	}
	return nil
}
