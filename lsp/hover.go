package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
)

func (s *Server) Hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	path := uriPath(p.TextDocument.URI)
	st, ok := s.ws.snapshot(path)
	if !ok {
		return nil, nil
	}
	return &protocol.Hover{Contents: &protocol.MarkupContent{
		Kind:  protocol.MarkupKindMarkdown,
		Value: s.profileHover(st),
	}}, nil
}

// profileHover is the whole-profile view: name, status, hash and manifest.
func (s *Server) profileHover(st profileState) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**profile** `%s`\n\n", s.ws.qualifiedName(st.path))
	shown := st.lastGood
	switch {
	case st.evaluating:
		b.WriteString("_evaluating…_")
	case st.latest == nil:
		b.WriteString("_not evaluated yet_")
	case st.latest.NixError:
		b.WriteString("_last evaluation failed; see the diagnostics_")
	case st.latest.Errors > 0:
		fmt.Fprintf(&b, "_%s; see the diagnostics_", st.latest.Message)
	}
	if shown == nil {
		return b.String()
	}
	if st.latest != shown {
		b.WriteString(" — showing the last good result\n\n")
	}
	snap := "none (the manifest does not resolve)"
	if shown.Hash != "" {
		snap = "`sha256:" + shown.Hash + "`"
	}
	fmt.Fprintf(&b, "\n\nsnapshot %s · evaluated in %d ms\n\n", snap, shown.Duration.Milliseconds())
	b.WriteString("```json\n")
	b.WriteString(prettyJSON(shown.Display))
	b.WriteString("\n```\n")
	return b.String()
}

func prettyJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out)
}

func (s *Server) cmdShowResolved(ctx context.Context, raw json.RawMessage) (any, error) {
	var arg uriArg
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
	path := argPath(arg.URI)
	st, _ := s.ws.snapshot(path)
	res := map[string]any{"qualifiedName": s.ws.qualifiedName(path), "status": st.status()}
	if st.lastGood != nil {
		res["hash"] = "sha256:" + st.lastGood.Hash
		res["json"] = prettyJSON(st.lastGood.Display)
	}
	if st.latest != nil {
		res["message"] = st.latest.Message
	}
	return res, nil
}

func (s *Server) cmdProfileStatus(ctx context.Context, raw json.RawMessage) (any, error) {
	var arg uriArg
	if err := decodeArg(raw, &arg); err != nil {
		return nil, err
	}
	path := argPath(arg.URI)
	st, _ := s.ws.snapshot(path)
	msg := ""
	if st.latest != nil {
		msg = st.latest.Message
	}
	return map[string]any{"qualifiedName": s.ws.qualifiedName(path), "isDefault": s.ws.isDefault(path), "state": st.status(), "message": msg}, nil
}
