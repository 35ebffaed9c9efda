package ide

import (
	"path/filepath"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// DefinitionAt: in .nix files, the binding of a variable (let, rec, formal,
// inherit), the file of a literal path such as `import ./x.nix`, or the
// binding of a profile-lib function in the library; in profiles.toml, the
// profile file of an entry or of the default. A location with a zero
// range names a whole file.
func DefinitionAt(src Source, path string, pos diagnostics.Pos) (diagnostics.Location, bool) {
	if IsRegistryName(path) {
		return registryDefinition(src, path, pos)
	}
	f := nixTree(src, path)
	if f == nil {
		return diagnostics.Location{}, false
	}
	off := f.Lines.Offset(pos)
	t, ok := nixsyntax.Definition(f, off)
	if !ok {
		return libDefinition(src, path, f, off)
	}
	if t.Path != "" {
		return diagnostics.Location{File: nixsyntax.ResolveImport(filepath.Dir(path), t.Path)}, true
	}
	return diagnostics.Location{File: path, Range: t.Range}, true
}

func registryDefinition(src Source, path string, pos diagnostics.Pos) (diagnostics.Location, bool) {
	text := src.Text(path)
	if text == nil {
		return diagnostics.Location{}, false
	}
	return registry.DefinitionAt(path, text, offsetIn(src, path, text, pos), src.RegistryFor(path))
}

// libDefinition leads from a profile-lib function (`lib.mkProfile`,
// `lib.secrets.ref`) to its binding in the library the profile imports
// (`lib = import <path> ...`), else in the bundled profile-lib.nix.
func libDefinition(src Source, path string, f *nixsyntax.File, off int) (diagnostics.Location, bool) {
	fn, _, ok := libFunctionAt(f, off)
	if !ok {
		return diagnostics.Location{}, false
	}
	libFile := libFile(src, path, f)
	lib := src.Tree(libFile)
	if lib == nil {
		return diagnostics.Location{}, false
	}
	r, ok := nixsyntax.BindingOf(lib, strings.Split(fn.Name, "."))
	return diagnostics.Location{File: libFile, Range: r}, ok
}

// libFile is the profile library a file imports by a literal path, else
// the bundled one.
func libFile(src Source, path string, f *nixsyntax.File) string {
	for _, ref := range nixsyntax.ImportRefs(f) {
		if strings.HasSuffix(ref.Path, "profile-lib.nix") {
			return nixsyntax.ResolveImport(filepath.Dir(path), ref.Path)
		}
	}
	return src.Dirs().ProfileLib()
}
