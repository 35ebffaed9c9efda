package resources

import (
	"bytes"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// The examples vendor the profile library so that restricted evaluation,
// which reads only the project, can import it: the copy must not drift.
func TestExamplesVendorProfileLib(t *testing.T) {
	want, err := FS.ReadFile("nix/profile-lib.nix")
	if err != nil {
		t.Fatal(err)
	}
	got := testenv.Read(t, "../examples/.insomnia/lib/profile-lib.nix")
	if !bytes.Equal(got, want) {
		t.Errorf("examples/.insomnia/lib/profile-lib.nix differs from resources/nix/profile-lib.nix: copy it again")
	}
}
