package session

import (
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

func rng(line, from, to int) diagnostics.Range {
	return diagnostics.Range{Start: diagnostics.Pos{Line: line, Col: from}, End: diagnostics.Pos{Line: line, Col: to}}
}

// mergeLayers: Nix's syntax error goes under ours, a finding both layers
// make is kept once (the static one, with its fix), other codes stay.
func TestMergeLayersOnePerMistake(t *testing.T) {
	fix := &diagnostics.Fix{Title: "Replace", NewText: "x"}
	layers := map[string][]diagnostics.Diagnostic{
		LayerSyntax: {
			{Range: rng(6, 17, 17), Code: diagnostics.CodeSyntax, Message: "syntax error, missing ';' before identifier"},
			{Range: rng(13, 13, 60), Code: diagnostics.CodePlaintextSecret, Message: "static", Fix: fix},
		},
		LayerEval + "@p": {
			{Range: rng(7, 14, 15), Code: diagnostics.CodeNixError, Message: "syntax error, unexpected '=', expecting ';'"},
			{Range: rng(13, 6, 9), Code: diagnostics.CodePlaintextSecret, Message: "evaluated"},
			{Range: rng(20, 4, 9), Code: diagnostics.CodeUnknownField, Message: "unknown field"},
		},
	}
	// In the layers' order (evaluation first, as the names sort).
	got := mergeLayers([]string{LayerEval + "@p", LayerSyntax}, layers, nil, nil)
	if len(got) != 3 || got[0].Code != diagnostics.CodeUnknownField || got[1].Code != diagnostics.CodeSyntax ||
		got[2].Message != "static" || got[2].Fix == nil || got[2].Range != rng(13, 13, 60) {
		t.Errorf("merged: %+v", got)
	}
	// Without our syntax error, Nix's stays (it is all there is).
	layers[LayerSyntax] = layers[LayerSyntax][1:]
	if got := mergeLayers([]string{LayerEval + "@p", LayerSyntax}, layers, nil, nil); len(got) != 3 || got[0].Code != diagnostics.CodeNixError {
		t.Errorf("without our syntax error: %+v", got)
	}
}

// Nix stops at an undefined variable our scope check reports too: one
// diagnostic, ours (where the name is written); another name stays.
func TestMergeLayersUndefinedOnce(t *testing.T) {
	layers := map[string][]diagnostics.Diagnostic{
		LayerSyntax:      {{Range: rng(14, 19, 26), Code: diagnostics.CodeUndefined, Message: "undefined variable 'secrets'"}},
		LayerEval + "@p": {{Range: rng(14, 19, 30), Code: diagnostics.CodeNixError, Message: "undefined variable 'secrets'"}},
	}
	names := []string{LayerEval + "@p", LayerSyntax}
	if got := mergeLayers(names, layers, nil, nil); len(got) != 1 || got[0].Code != diagnostics.CodeUndefined {
		t.Errorf("merged: %+v", got)
	}
	layers[LayerSyntax][0].Message = "undefined variable 'lib'"
	if got := mergeLayers(names, layers, nil, nil); len(got) != 2 {
		t.Errorf("a different name merged away: %+v", got)
	}
}
