package rules

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// A profile evaluated by real Nix: a path literal copied to the store, the
// preset nested one level too deep, and a pasted key under an unknown field.
func TestManifestOnRealNixOutput(t *testing.T) {
	testenv.NeedNix(t)
	lib, err := filepath.Abs("../../resources/nix/profile-lib.nix")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "coder.nix")
	src := `let lib = import ` + lib + ` { }; in
lib.mkProfile {
  name = "coder";
  manifest = {
    pod.name = "coder";
    scope.allow = [ { target = ./.; permission = "write"; } ];
    model = lib.semanticPresets.codingAssistant { };
    web.search.api_key = "` + canary + `";
  };
}
`
	out := testenv.Evaluate(t, testenv.Write(t, file, src))
	ds := Manifest(ManifestInput{Artifact: out, Positions: diagnostics.PosMap{"/manifest/model": lineLoc(6)},
		Fallback: fallback, SecretIDs: []string{}, Workspace: dir, ProfileDir: dir, Registry: true})
	// The store path is the temp folder copied into the store, so the
	// launch directory (the folder itself) is outside the scope too.
	want := []string{
		`99 plaintext-secret plaintext credential in web.search.api_key (sk-a…(39 chars))`,
		"99 scope-outside-launch-dir no scope.allow rule covers the launch directory " + dir,
		"99 store-path scope.allow[0].target is a Nix store path (/nix/store/…-" + filepath.Base(dir) + ")",
		`99 unknown-field unknown field "api_key" in web.search`,
		"6 model-incomplete model has no ref",
		`6 unknown-field unknown field "model" in model`,
	}
	if len(ds) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %+v", len(ds), len(want), ds)
	}
	for i, d := range ds {
		got := fmt.Sprintf("%d %s %s", d.Range.Start.Line, d.Code, d.Message)
		if !strings.HasPrefix(got, want[i]) {
			t.Errorf("diagnostic %d:\n got %s\nwant %s…", i, got, want[i])
		}
	}
}
