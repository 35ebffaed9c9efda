package eval

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// needNix skips a test that must run real Nix when there is none.
func needNix(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath(DefaultProgram); err != nil {
		t.Skip("nix-instantiate not on PATH: this test runs real Nix (apt-get install nix-bin)")
	}
}

// testOptions are trusted defaults with the bundled files in a temp dir.
func testOptions(t testing.TB) Options {
	t.Helper()
	needNix(t)
	dir, err := WriteResources(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return Options{ResourcesDir: dir, Trusted: true}
}

// fixture is the absolute path of a file under testdata/.
func fixture(t testing.TB, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeFile writes a file in dir and returns its path.
func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	return testenv.Write(t, filepath.Join(dir, name), text)
}

// nixStderr runs nix-instantiate on file and returns its stderr.
func nixStderr(t testing.TB, args ...string) []byte {
	t.Helper()
	needNix(t)
	cmd := exec.Command(DefaultProgram, append([]string{"--eval", "--strict", "--json"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("nix-instantiate %v succeeded; the test wants a failure", args)
	}
	return out
}
