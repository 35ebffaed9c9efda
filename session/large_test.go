package session

import (
	"fmt"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/limits"
)

func TestCapDiagnostics(t *testing.T) {
	var ds []diagnostics.Diagnostic
	for i := 0; i < 3000; i++ {
		sev := diagnostics.Warning
		if i%1000 == 999 {
			sev = diagnostics.Error // three errors, late in the list
		}
		ds = append(ds, diagnostics.Diagnostic{File: "/p.nix", Severity: sev, Code: "c", Message: fmt.Sprint(i),
			Range: diagnostics.Range{Start: diagnostics.Pos{Line: i}}})
	}
	if got := capDiagnostics(ds[:limits.MaxDiagnosticsPerFile]); len(got) != limits.MaxDiagnosticsPerFile {
		t.Errorf("%d diagnostics at the limit became %d", limits.MaxDiagnosticsPerFile, len(got))
	}
	got := capDiagnostics(ds)
	if len(got) != limits.MaxDiagnosticsPerFile+1 {
		t.Fatalf("%d diagnostics, want %d and one summary", len(got), limits.MaxDiagnosticsPerFile)
	}
	for i, want := range []string{"999", "1999", "2999", "0"} {
		if got[i].Message != want {
			t.Errorf("entry %d is %q, want %q (errors first, then in order)", i, got[i].Message, want)
		}
	}
	last := got[len(got)-1]
	if last.Code != diagnostics.CodeTooManyProblems || last.Message != "2000 more problems not shown" ||
		last.Severity != diagnostics.Warning || last.Range.Start.Line != 997 {
		t.Errorf("summary %+v", last)
	}
	if ds[0].Message != "0" || ds[999].Severity != diagnostics.Error {
		t.Errorf("the input was reordered")
	}
}
