package session

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// An open registry profile is still evaluated when the scheduler is
// replaced (a settings change right after the editor opened it, as Neovim's
// first didChangeConfiguration does): the workspace index must not skip
// open buffers, whose debounced evaluation died with the old scheduler.
func TestOpenProfileEvaluatedAcrossSchedulerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("real Nix, a 400 ms debounce")
	}
	dir := t.TempDir()
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"), "[profile]\np = \"profiles/p.nix\"\n")
	path := testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles", "p.nix"), "{ manifest = { pod.name = \"p\"; }; }\n")
	w := headlessSession(t, dir)
	w.opts.Headless = false // editor-like: debounced evaluations
	w.MergeSettings([]byte(`{"evaluation":{"debounceMs":400}}`))
	w.RestartScheduler()
	text, _ := os.ReadFile(path)
	w.Open(NewDocument(uri.File(path), 1, text))
	w.RestartScheduler() // within the debounce: the open's evaluation is dropped with the old scheduler
	deadline := time.Now().Add(30 * time.Second)
	for !w.hasResult(path) {
		if time.Now().After(deadline) {
			t.Fatal("the open profile was never evaluated after the scheduler restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
