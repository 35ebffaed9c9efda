package session

import (
	"os"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// ProfileLibName is the profile library's file name (contract §1.4). The
// runtime defines no import path for it (contract open question 6), so a
// copied profile often imports one that is not there.
const ProfileLibName = "profile-lib.nix"

// MissingLib is one import of a profile-lib.nix that does not exist.
type MissingLib struct {
	Path  string            // the import as written
	Range diagnostics.Range // the path literal
}

// MissingLibs lists f's imports of a profile-lib.nix that does not exist
// (resolved from the folder of file).
func MissingLibs(file string, f *nixsyntax.File) []MissingLib {
	if f == nil {
		return nil
	}
	var out []MissingLib
	for _, ref := range nixsyntax.ImportRefs(f) {
		if filepath.Base(ref.Path) != ProfileLibName {
			continue
		}
		target := nixsyntax.ResolveImport(filepath.Dir(file), ref.Path)
		if _, err := os.Stat(target); os.IsNotExist(err) {
			out = append(out, MissingLib{Path: ref.Path, Range: ref.Range})
		}
	}
	return out
}

// libDiagnostics are the profile-lib-missing diagnostics of a file (the
// quick fixes are lsp/libfix.go's).
func libDiagnostics(file string, f *nixsyntax.File) []diagnostics.Diagnostic {
	var out []diagnostics.Diagnostic
	for _, m := range MissingLibs(file, f) {
		out = append(out, diagnostics.Diagnostic{File: file, Range: m.Range, Severity: diagnostics.Error,
			Code: diagnostics.CodeProfileLibMissing,
			Message: "the profile library " + m.Path + " does not exist: vendor it into .insomnia/lib/ " +
				"or import the installed runtime's library (quick fixes)"})
	}
	return out
}
