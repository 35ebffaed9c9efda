package session

import (
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// isRegistryFile says whether path is the user registry or the registry of
// a known project.
func (w *Session) isRegistryFile(path string) bool {
	path = filepath.Clean(path)
	for _, reg := range w.registries() {
		if path == filepath.Clean(reg.UserFile) || path == filepath.Clean(reg.ProjectFile) {
			return true
		}
	}
	return false
}

// publishRegistryFiles checks every registry and places discovery warnings.
func (w *Session) publishRegistryFiles() {
	seen := map[string]bool{}
	for _, reg := range w.registries() {
		for _, f := range []string{reg.UserFile, reg.ProjectFile} {
			if f != "" && !seen[f] {
				seen[f] = true
				w.publishRegistryFile(f)
			}
		}
	}
}

// registryOfFile is the registry a profiles.toml belongs to: the project
// it is the registry of, else the file's project (the user registry is
// judged from the first folder's).
func (w *Session) registryOfFile(path string) *registry.Registry {
	path = filepath.Clean(path)
	for _, reg := range w.registries() {
		if reg.ProjectFile != "" && filepath.Clean(reg.ProjectFile) == path {
			return reg
		}
	}
	if reg := w.Registry(); reg != nil && filepath.Clean(reg.UserFile) == path {
		return reg
	}
	return w.RegistryFor(path)
}

// publishRegistryFile checks one profiles.toml (the editor's text when open).
func (w *Session) publishRegistryFile(path string) {
	reg := w.registryOfFile(path)
	text := w.Text(path)
	if text == nil && w.docs.get(path) == nil {
		w.diags.set(path, LayerRegistry, nil)
		return
	}
	if tooLarge(text) {
		w.diags.set(path, LayerRegistry, tooLargeDiag(path, len(text)))
		return
	}
	diags := registry.AnalyzeRegistryFile(path, text, reg)
	if reg != nil {
		for _, wd := range reg.Warnings {
			if filepath.Clean(wd.File) == filepath.Clean(path) {
				diags = appendUnique(diags, wd)
			}
		}
	}
	w.diags.set(path, LayerRegistry, diags)
}

func appendUnique(ds []diagnostics.Diagnostic, d diagnostics.Diagnostic) []diagnostics.Diagnostic {
	for _, x := range ds {
		if x.Code == d.Code && x.Range == d.Range {
			return ds
		}
	}
	return append(ds, d)
}
