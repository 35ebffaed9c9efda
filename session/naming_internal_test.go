package session

import "testing"

// Before discovery (no registry) and without a workspace folder a file is
// still shown relative to its project: a lens asked for at once must not
// show an absolute path (Neovim's first lenses did).
func TestDisplayNameNeverAbsolute(t *testing.T) {
	for _, tc := range []struct{ root, path, want string }{
		{"", "/w/examples/.insomnia/profiles/coder.nix", "path:.insomnia/profiles/coder.nix"},
		{"/w", "/w/examples/.insomnia/profiles/coder.nix", "path:.insomnia/profiles/coder.nix"},
		{"/w", "/w/tools/scout.nix", "path:tools/scout.nix"},
		{"", "/elsewhere/scout.nix", "path:/elsewhere/scout.nix"}, // no folder to be relative to
	} {
		if got := NameWithin(nil, tc.root, tc.path).Display; got != tc.want {
			t.Errorf("NameWithin(nil, %q, %q).Display = %q, want %q", tc.root, tc.path, got, tc.want)
		}
	}
}
