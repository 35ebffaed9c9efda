package lsp

import (
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

func fromProtoPos(p protocol.Position) diagnostics.Pos {
	return diagnostics.Pos{Line: int(p.Line), Col: int(p.Character)}
}

func toProtoPos(p diagnostics.Pos) protocol.Position {
	return protocol.Position{Line: uint32(max(p.Line, 0)), Character: uint32(max(p.Col, 0))}
}

func toProtoRange(r diagnostics.Range) protocol.Range {
	return protocol.Range{Start: toProtoPos(r.Start), End: toProtoPos(r.End)}
}

// toProtoDiagnostic is where every published message passes: redacted
// here too, whichever producer built it.
func toProtoDiagnostic(d diagnostics.Diagnostic) protocol.Diagnostic {
	out := protocol.Diagnostic{
		Range:    toProtoRange(d.Range),
		Severity: protocol.DiagnosticSeverity(d.Severity),
		Source:   protocol.NewOptional(diagnostics.Source),
		Message:  protocol.String(secrets.Redact(d.Message)),
	}
	if d.Code != "" {
		out.Code = protocol.String(d.Code)
	}
	for _, r := range d.Related {
		out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri.File(r.Location.File), Range: toProtoRange(r.Location.Range)},
			Message:  secrets.Redact(r.Message),
		})
	}
	return out
}

func fromProtoRange(r protocol.Range) diagnostics.Range {
	return diagnostics.Range{Start: fromProtoPos(r.Start), End: fromProtoPos(r.End)}
}
