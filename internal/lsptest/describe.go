package lsptest

import (
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
)

// Code is a diagnostic's code as a string.
func Code(d protocol.Diagnostic) string {
	switch c := d.Code.(type) {
	case protocol.String:
		return string(c)
	case protocol.Integer:
		return fmt.Sprint(int32(c))
	}
	return ""
}

// Message is a diagnostic's message as a string.
func Message(d protocol.Diagnostic) string {
	switch m := d.Message.(type) {
	case protocol.String:
		return string(m)
	case *protocol.MarkupContent:
		return m.Value
	}
	return ""
}

// Describe renders diagnostics one per line for failure messages.
func Describe(ds []protocol.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n  %d:%d-%d:%d [%s] %s", d.Range.Start.Line, d.Range.Start.Character,
			d.Range.End.Line, d.Range.End.Character, Code(d), Message(d))
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}
