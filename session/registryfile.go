package session

import (
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// isRegistryFile says whether path is the user or project profiles.toml.
func (w *Session) isRegistryFile(path string) bool {
	reg := w.Registry()
	if reg == nil {
		return false
	}
	path = filepath.Clean(path)
	return path == filepath.Clean(reg.UserFile) || path == filepath.Clean(reg.ProjectFile)
}

// publishRegistryFiles checks both registries and places discovery warnings.
func (w *Session) publishRegistryFiles() {
	reg := w.Registry()
	if reg == nil {
		return
	}
	for _, f := range []string{reg.UserFile, reg.ProjectFile} {
		if f != "" {
			w.publishRegistryFile(f)
		}
	}
}

// publishRegistryFile checks one profiles.toml (the editor's text when open).
func (w *Session) publishRegistryFile(path string) {
	reg := w.Registry()
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
