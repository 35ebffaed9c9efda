package registry

import (
	"fmt"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/internal/pathkey"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// The quirks of contract §7 (see DECISIONS.md) are warnings with the codes
// of package diagnostics.

func fileWarning(file, code, msg string) diagnostics.Diagnostic {
	return diagnostics.Diagnostic{File: file, Severity: diagnostics.Warning, Code: code, Message: msg}
}

func (r *Registry) addWarnings(env Env) {
	r.warnBlocked()
	r.warnDefault()
	r.warnHomeProject(env)
}

// warnBlocked: one bad profiles.toml disables all discovery, builtins too.
func (r *Registry) warnBlocked() {
	e, ok := r.Err.(*Error)
	if !ok {
		return
	}
	w := fileWarning(e.Path, diagnostics.CodeDiscoveryBlocked, fmt.Sprintf(
		"insomnia cannot discover any profile while %s is broken: every --profile name and the default (even builtin:default) fail with %q; only path selectors still work", e.Path, e.Error()))
	if d := r.docs[e.Path]; d != nil {
		if p := d.fatal(); p != nil {
			w.Range = spanRange(diagnostics.NewLines(r.texts[e.Path]), p.At)
		}
	}
	r.Warnings = append(r.Warnings, w)
}

// warnDefault: a declared default that resolves to nothing or to several
// entries is not replaced by builtin:default; launches without --profile
// fail.
func (r *Registry) warnDefault() {
	if r.Default == nil || !r.Default.Declared || r.Err != nil {
		return
	}
	_, err := r.DefaultEntry()
	e, ok := err.(*Error)
	if !ok {
		return
	}
	code := diagnostics.CodeDefaultUnresolved
	if e.Kind == AmbiguousProfileName {
		code = diagnostics.CodeDefaultAmbiguous
	}
	w := fileWarning(r.Default.Origin.File, code, fmt.Sprintf(
		"default %q (%s) does not resolve: %s; insomnia does not fall back to builtin:default, so every launch without --profile fails",
		r.Default.Raw, r.Default.Selector(), e.Error()))
	w.Range = r.Default.Origin.Range
	r.Warnings = append(r.Warnings, w)
}

// warnHomeProject: with no stop at $HOME, ~/.insomnia/profiles.toml is the
// project registry of every folder under $HOME without a nearer one.
func (r *Registry) warnHomeProject(env Env) {
	home := env("HOME")
	if r.ProjectFile == "" || home == "" {
		return
	}
	projRoot := filepath.Dir(filepath.Dir(r.ProjectFile))
	if !pathkey.Same(projRoot, home) || pathkey.Same(r.Start, home) {
		return
	}
	r.Warnings = append(r.Warnings, fileWarning(r.ProjectFile, diagnostics.CodeHomeProjectRegistry, fmt.Sprintf(
		"%s acts as the project registry for %s because insomnia walks up to / without stopping at $HOME; its entries are project: entries everywhere under %s (and ~/.insomnia is also insomnia's default data dir)",
		r.ProjectFile, r.Start, home)))
}

// TargetWarning explains the base-directory asymmetry (contract §7.3) for
// one evaluated scope.allow target of entry e: when a relative target,
// joined to the profile's folder, does not cover the workspace, the pod's
// launch directory falls out of scope ("pwd is not readable"). It returns ""
// when nothing bites. The caller places the message at the target's source
// position (code diagnostics.CodeTargetInProfileDir).
func (r *Registry) TargetWarning(e Entry, target string) string {
	if e.Source == Builtin || target == "" || filepath.IsAbs(target) || r.Workspace == "" {
		return ""
	}
	base := r.Base(e)
	resolved := filepath.Clean(filepath.Join(base, target))
	ws := filepath.Clean(r.Workspace)
	if pathkey.Within(ws, resolved) {
		return ""
	}
	return fmt.Sprintf("target %q is relative to the profile's folder %s (registry profiles resolve paths there, builtins against the launch directory), so it means %s and the workspace %s is out of scope; pods launched there fail with \"pwd is not readable\"; use %q",
		target, base, resolved, ws, relOrAbs(base, ws))
}

func relOrAbs(base, target string) string {
	if rel, err := filepath.Rel(base, target); err == nil {
		return rel
	}
	return target
}
