package ide

import (
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
)

// What the server sends of a resolved manifest. The kept display is already
// cut to manifest.DisplayLimits; a hover is cut further, because editors
// render it on every mouse move.
const (
	HoverManifestBytes    = 64 << 10
	ResolvedManifestBytes = manifest.DisplayBytes
)

// ManifestText is o's display manifest within maxBytes, and why it was cut
// ("" when it is whole).
func ManifestText(o *check.Outcome, maxBytes int) (text, cut string) {
	return shortened(o.Display, o.DisplayCut, maxBytes)
}

// shortened cuts a display form (or a part of one) to maxBytes; cut is the
// reason already known for it, kept when no new cut is made.
func shortened(display []byte, cut string, maxBytes int) (string, string) {
	if len(display) <= maxBytes {
		return string(display), cut
	}
	out, why, err := manifest.Shorten(display, manifest.Limits{Bytes: maxBytes})
	if err != nil {
		return "{}", "unreadable manifest"
	}
	if why == "" {
		why = cut
	}
	return string(out), why
}

// TruncatedNote is the line shown after a cut manifest ("" when whole).
func TruncatedNote(cut string) string {
	if cut == "" {
		return ""
	}
	return "_" + manifest.Truncated(cut) + "_"
}

// valueText re-indents one value taken out of a display form, within the
// hover's cap (a cut shows as the marker strings inside the value).
func valueText(raw []byte) string {
	out, _, err := manifest.Shorten(raw, manifest.Limits{Bytes: HoverManifestBytes})
	if err != nil {
		return string(raw)
	}
	return string(out)
}
