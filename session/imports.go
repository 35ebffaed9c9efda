package session

import (
	"path/filepath"
	"sort"
	"sync"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// importGraph knows which files each parsed Nix file imports (literal paths,
// from the syntax tree), so a change to an imported file re-evaluates the
// profiles that depend on it.
type importGraph struct {
	mu      sync.Mutex          // guards imports
	imports map[string][]string // file -> files it imports directly
}

func newImportGraph() *importGraph { return &importGraph{imports: map[string][]string{}} }

// importsOf lists the files a parsed file imports, as absolute paths.
func importsOf(path string, f *nixsyntax.File) []string {
	dir := filepath.Dir(path)
	var out []string
	for _, p := range nixsyntax.Imports(f) {
		out = append(out, filepath.Clean(nixsyntax.ResolveImport(dir, p)))
	}
	return out
}

func (g *importGraph) setImports(file string, deps []string) {
	g.mu.Lock()
	g.imports[file] = deps
	g.mu.Unlock()
}

// closure is every file file imports, transitively (file excluded), sorted.
// Files never parsed are still listed; their own imports are unknown.
func (g *importGraph) closure(file string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return reach(file, g.imports)
}

// dependents is every file whose import closure contains file (file excluded).
func (g *importGraph) dependents(file string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	rev := map[string][]string{}
	for f, deps := range g.imports {
		for _, d := range deps {
			rev[d] = append(rev[d], f)
		}
	}
	return reach(file, rev)
}

// reach lists the nodes reachable from start along edges (start excluded), sorted.
func reach(start string, edges map[string][]string) []string {
	seen := map[string]bool{start: true}
	stack := []string{start}
	var out []string
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range edges[f] {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
				stack = append(stack, d)
			}
		}
	}
	sort.Strings(out)
	return out
}
