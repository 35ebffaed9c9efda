package registry

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkAnalyzeThousandEntries: a project registry listing 1,000
// profiles (all present on disk), analyzed as the user types.
func BenchmarkAnalyzeThousandEntries(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("default = \"p500\"\n[profile]\n")
	for i := 0; i < 1000; i++ {
		name := fmt.Sprintf("p%d", i)
		if err := os.WriteFile(filepath.Join(dir, name+".nix"), []byte("{}"), 0o644); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&sb, "%s = \"%s.nix\"\n", name, name)
	}
	path := filepath.Join(dir, "profiles.toml")
	text := []byte(sb.String())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ds := AnalyzeRegistryFile(path, text, nil); len(ds) != 0 {
			b.Fatal(ds)
		}
	}
}
