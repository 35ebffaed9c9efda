package eval

import (
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// RestrictedHint opens the explanation added to every failure caused by
// restricted mode, so users know why a read or fetch failed and how to
// allow it.
const RestrictedHint = "blocked in restricted mode: this workspace is not trusted; trust it to allow "

// restrictedCauses are Nix 2.8's restricted-mode errors (libnixexpr and
// libnixfetchers strings), each with what trusting the workspace allows.
// The search-path one is only restricted mode's doing in a restricted
// evaluation, where NIX_PATH is empty; explainRestricted is only called then.
var restrictedCauses = []struct{ fragment, allows string }{
	{"access to absolute path '", "reading files outside the project and the bundled resources"},
	{"access to canonical path '", "reading files outside the project and the bundled resources"},
	{"access to path '", "reading files outside the project and the bundled resources"},
	{"access to URI '", "network access (fetchurl, fetchTarball, fetchGit)"},
	{"was not found in the Nix search path", "<nixpkgs> and NIX_PATH lookups"},
	{"in restricted mode", "what restricted mode forbids"},
}

// explainRestricted appends the hint to a Nix error of a restricted
// evaluation that restricted mode caused. It goes at the end of the first
// line, which is what status lines and the CLI show.
func explainRestricted(f *Failure) {
	if f == nil || f.Kind != diagnostics.CodeNixError {
		return
	}
	for _, c := range restrictedCauses {
		if strings.Contains(f.Message, c.fragment) {
			first, rest, multi := strings.Cut(f.Message, "\n")
			f.Message = first + " (" + RestrictedHint + c.allows + ")"
			if multi {
				f.Message += "\n" + rest
			}
			return
		}
	}
}

// restrictedTag keeps restricted and unrestricted results of the same
// text apart in the cache.
func restrictedTag(trusted bool) string {
	if trusted {
		return ""
	}
	return " restricted"
}
