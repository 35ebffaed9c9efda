package nixsyntax

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// sameTree fails unless got is the tree want is, node for node.
func sameTree(t *testing.T, what string, got, want *File) {
	t.Helper()
	type view struct {
		Src    string
		Tokens []Token
		Nodes  []Node
		Root   NodeID
		Kids   []NodeID
		Errs   []synErr
		Lines  any
	}
	g := view{string(got.Src), got.Tokens, got.Nodes, got.Root, got.kids, got.errs, got.Lines}
	w := view{string(want.Src), want.Tokens, want.Nodes, want.Root, want.kids, want.errs, want.Lines}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s: Reparse differs from Parse (nodes %d/%d, tokens %d/%d, root %d/%d)", what,
			len(got.Nodes), len(want.Nodes), len(got.Tokens), len(want.Tokens), got.Root, want.Root)
	}
	if !reflect.DeepEqual(got.Diagnostics("p.nix"), want.Diagnostics("p.nix")) {
		t.Fatalf("%s: diagnostics differ", what)
	}
	sameResults(t, what, got, want)
}

// sameResults fails unless what a spliced tree took over from its
// predecessor (the scope checks of closed subtrees, the subtrees with no
// kept string) is what computing it all anew gives.
func sameResults(t *testing.T, what string, got, want *File) {
	t.Helper()
	type view struct {
		Defs  []def
		UseOf []int32
		Diags []checkDiag
		Subs  []subRec
		Uses  []useRec
		Free  []NodeID
	}
	g, w := got.scopes(), want.scopes()
	gv := view{orEmpty(g.defs), g.useIndex(), orEmpty(g.diags), orEmpty(g.subs), orEmpty(g.uses), orEmpty(g.free)}
	wv := view{orEmpty(w.defs), w.useIndex(), orEmpty(w.diags), orEmpty(w.subs), orEmpty(w.uses), orEmpty(w.free)}
	if !reflect.DeepEqual(gv, wv) {
		t.Fatalf("%s: scope results differ from a fresh check (defs %d/%d, diags %d/%d, subs %d/%d)", what,
			len(g.defs), len(w.defs), len(g.diags), len(w.diags), len(g.subs), len(w.subs))
	}
	gs, ws := KeptStrings(got, testFilter), KeptStrings(want, testFilter)
	if !reflect.DeepEqual(gs, ws) {
		t.Fatalf("%s: kept strings differ from a fresh walk (%d/%d)", what, len(gs), len(ws))
	}
	if gm, wm := got.results.kept.Load(), want.results.kept.Load(); !reflect.DeepEqual(gm.empty, wm.empty) {
		t.Fatalf("%s: kept-strings records differ from a fresh walk (%d/%d)", what, len(gm.empty), len(wm.empty))
	}
}

// orEmpty is s, or an empty slice for nil (a spliced tree's lists are
// made with room, a fresh one's on the first append).
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// testFilter keeps a few strings: those a random edit typed a k into, and
// those bound to a name.
var testFilter = StringFilter{Name: "test", Keep: func(path []string, v string) bool {
	return strings.Contains(v, "k") || len(path) > 0 && path[len(path)-1] == "name"
}}

// runEdits applies n random edits to src in turn, each reparsed from the
// previous reparse (as the session does), and compares each with Parse.
// It returns how many took the incremental path.
func runEdits(t *testing.T, name, src string, n int, seed int64) int {
	r := rand.New(rand.NewSource(seed))
	prev, spliced := Parse([]byte(src)), 0
	for i := 0; i < n; i++ {
		base := string(prev.Src)
		if prev.HasSyntaxErrors() && r.Intn(3) == 0 {
			base = src // the user fixed it (a reparse from a broken tree)
		}
		next := testenv.RandomEdit(r, base)
		b := []byte(next)
		got := Reparse(prev, b)
		if splice(prev, b) != nil {
			spliced++
		}
		sameTree(t, fmt.Sprintf("%s edit %d", name, i), got, Parse(b))
		prev = got
	}
	return spliced
}

// TestReparse: for random edits of the benchmark profile and the bench's
// own toggle, Reparse builds exactly Parse's tree and diagnostics.
func TestReparse(t *testing.T) {
	src, dupSrc := testenv.TableProfile(200)
	n := 400
	if testing.Short() {
		n = 100
	}
	spliced := runEdits(t, "bench", src, n, 1)
	t.Logf("bench profile: %d of %d edits spliced", spliced, n)
	if spliced == 0 {
		t.Fatalf("no edit took the incremental path")
	}
	texts := []string{src, dupSrc}
	prev := Parse([]byte(src))
	for i := 1; i <= 6; i++ {
		b := []byte(texts[i%2])
		if splice(prev, b) == nil {
			t.Fatalf("toggle %d: the duplicate line did not splice", i)
		}
		got := Reparse(prev, b)
		sameTree(t, fmt.Sprintf("toggle %d", i), got, Parse(b))
		// The checks looked at the changed entry, not at the 200 others
		// (from the second toggle: the first one's old tree was not checked).
		if i == 1 {
			prev = got
			continue
		}
		if w, all := got.scope.walked, Parse(b).scopes().walked; w*4 > all {
			t.Fatalf("toggle %d: the scope check walked %d of %d nodes", i, w, all)
		}
		if w := got.results.kept.Load().walked; w*10 > len(got.Nodes) {
			t.Fatalf("toggle %d: the string walk visited %d of %d nodes", i, w, len(got.Nodes))
		}
		prev = got
	}
}

// TestReparseSnippets: edits at the edges of lists (after `let`, before
// `in` and `}`, emptying a set before `:`) and inside nested sets.
func TestReparseSnippets(t *testing.T) {
	for _, c := range [][2]string{
		{"let a = 1; in a", "leta = 1; in a"},
		{"let a = 1; in a", "let a = 1; b = 2; in a"},
		{"{ a = 1; }: 1", "{ }: 1"},
		{"{ a = 1; b = 2; }", "{ a = 1;b = 2; }"},
		{"{ a = 1; b = 2; }", "{ a = 1; c = 3; b = 2; }"},
		{"{ a = 1; b = 2; }", "{ a = 1; bb = 2; }"},
		{"{ a = { x = 1; }; b = 2; }", "{ a = { x = 1; y = \"${b}\"; }; b = 2; }"},
		{"{ a = 1; # c\n b = 2; }", "{ a = 1; # c b = 2; }"},
		{"\"${ { a = 1; } }\"", "\"${ { a = 1; b = 2; } }\""},
		{"let { a = 1; body = a; }", "let { a = 1; c = 2; body = a; }"},
		{"{ a = 1; b = 2; }", "{ a = 1; b = ./p; }"},
		{"{ a = 1; b = 2; }", "{ a = 1; b = \"x; }"},
		// What the checks of closed subtrees take over: a duplicate (its
		// message names a line that moved), a merge no longer there or
		// new, a name now bound or unbound, a with, an inherit, a lambda,
		// list elements. PAD makes the rest of the file big enough to
		// splice.
		{"{\n  a = { x = 1; y = [ 1 2 ]; x = 2; };\n  b = 1; PAD\n}", "{\n  c = 0;\n\n  a = { x = 1; y = [ 1 2 ]; x = 2; };\n  b = 1; PAD\n}"},
		{"{ a = { x = 1; x = 2; y = [ 1 2 ]; }; PAD a = { z = 1; }; e = 0; }", "{ a = { x = 1; x = 2; y = [ 1 2 ]; }; PAD e = 0; }"},
		{"{ a = { x = 1; x = 2; y = [ 1 2 ]; }; PAD e = 0; }", "{ a = { x = 1; x = 2; y = [ 1 2 ]; }; PAD a = { z = 1; }; e = 0; }"},
		{"let _y = 0; a = { p = x; q = [ true 1 ]; r = 2; }; PAD in a", "let x = 1; _y = 0; a = { p = x; q = [ true 1 ]; r = 2; }; PAD in a"},
		{"let x = 1; _y = 0; a = { p = x; q = [ true 1 ]; r = 2; }; PAD in a", "let _y = 0; a = { p = x; q = [ true 1 ]; r = 2; }; PAD in a"},
		{"let _y = 0; a = { p = true; q = [ 1 2 ]; r = 2; }; PAD in a", "let true = 1; _y = 0; a = { p = true; q = [ 1 2 ]; r = 2; }; PAD in a"},
		{"rec { a = { p = x; q = [ 1 2 ]; r = 2; }; PAD e = 0; }", "rec { a = { p = x; q = [ 1 2 ]; r = 2; }; PAD x = 1; e = 0; }"},
		{"with z; { a = { p = u; q = [ 1 2 ]; r = 2; }; PAD b = 1; }", "with z; { a = { p = u; q = [ 1 2 ]; r = 2; }; PAD b = 2; }"},
		{"{ a = let u = 1; v = 2; in { inherit u; w = [ v 1 ]; }; PAD b = 1; e = 0; }", "{ a = let u = 1; v = 2; in { inherit u; w = [ v 1 ]; }; PAD b = 1; c = 2; e = 0; }"},
		{"{ a = { x, y ? 1, ... }@z: [ x z 1 ]; PAD b = 1; }", "{ b = 1; a = { x, y ? 1, ... }@z: [ x z 1 ]; PAD b = 1; }"},
		{"[ { p = 1; q = [ 1 2 ]; s = 0; } { p = u; q = [ 1 2 ]; PAD } ]", "[ { p = 1; q = [ 1 2 ]; r = 3; s = 0; } { p = u; q = [ 1 2 ]; PAD } ]"},
		{"rec { a = { p = b; q = [ 1 2 ]; r = 2; }; PAD b = 1; e = 0; }", "rec { a = { p = b; q = [ 1 2 ]; r = 2; }; PAD e = 0; }"},
	} {
		pad := func(s string) string {
			var b strings.Builder
			for i := range 40 {
				fmt.Fprintf(&b, " _p%d = { v = %d; w = [ %d ]; };", i, i, i)
			}
			return strings.ReplaceAll(s, "PAD", b.String())
		}
		prev := Parse([]byte(pad(c[0])))
		prev.Diagnostics("p.nix") // the old tree's results, for the new one to take over
		KeptStrings(prev, testFilter)
		b := []byte(pad(c[1]))
		got := Reparse(prev, b)
		sameTree(t, fmt.Sprintf("%q -> %q", c[0], c[1]), got, Parse(b))
		if strings.Contains(c[0], "PAD") && got.origin == nil {
			t.Errorf("%q -> %q: not spliced, so nothing was taken over", c[0], c[1])
		}
		for _, d := range got.scope.defs {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(d.name))); len(d.name) > 0 &&
				p >= uintptr(unsafe.Pointer(&prev.Src[0])) && p < uintptr(unsafe.Pointer(&prev.Src[0]))+uintptr(len(prev.Src)) {
				t.Errorf("%q -> %q: definition %q is a view of the old text (which it keeps alive)", c[0], c[1], d.name)
			}
		}
	}
}

// TestReparseCorpus: random edits over a sample of the corpus.
func TestReparseCorpus(t *testing.T) {
	files := sample(corpusFiles(t, "", "*.nix"), 40)
	if testing.Short() {
		files = files[:min(len(files), 8)]
	}
	total, spliced := 0, 0
	for i, p := range files {
		src := readFile(t, p)
		if len(src) > 64<<10 {
			continue
		}
		spliced += runEdits(t, p, string(src), 60, int64(i))
		total += 60
	}
	t.Logf("corpus: %d of %d edits spliced", spliced, total)
}

// FuzzReparse: an edit of any text (src with data inserted at a point and
// cut bytes removed) reparses to Parse's tree.
func FuzzReparse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) < 2 {
			return
		}
		at, cut := int(src[0])%len(src), int(src[1])%8
		old := src[2:]
		at = min(at, len(old))
		next := append(append([]byte{}, old[:at]...), old[min(at+cut, len(old)):]...)
		next = append(next[:at:at], append([]byte("x = 1; "), next[at:]...)...)
		prev := Parse(old)
		prev.Diagnostics("p.nix")
		KeptStrings(prev, testFilter)
		sameTree(t, "fuzz", Reparse(prev, next), Parse(next))
	})
}

// TestReparseDepthLimit: an edit deep in a nest reparses to Parse's tree,
// and one that takes the nest past the parser's depth limit overflows it
// exactly as Parse does (the splice's depth bound must not hide it).
func TestReparseDepthLimit(t *testing.T) {
	nest := func(levels int, inner string) string {
		return strings.Repeat("{ a = ", levels) + inner + strings.Repeat("; }", levels)
	}
	// the deepest nest Parse accepts
	deepest := sort.Search(maxDepth, func(n int) bool { return Parse([]byte(nest(n+1, "1"))).HasSyntaxErrors() })
	for _, c := range []struct {
		levels, inner int
		splices       bool
	}{{deepest / 3, 1, true}, {deepest / 3, deepest, false}, {deepest - 1, 1, false}} {
		prev := Parse([]byte(nest(c.levels, "{ b = 1; }")))
		b := []byte(nest(c.levels, "{ b = 1; c = "+nest(c.inner, "2")+"; }"))
		if got := splice(prev, b) != nil; got != c.splices {
			t.Errorf("depth %d + %d: spliced %v, want %v", c.levels, c.inner, got, c.splices)
		}
		sameTree(t, fmt.Sprintf("depth %d + %d", c.levels, c.inner), Reparse(prev, b), Parse(b))
	}
}

// TestReparseSharedOld: the session reparses from a tree that hovers and
// the previous version's checks may still read (run with -race).
func TestReparseSharedOld(t *testing.T) {
	text, dup := testenv.TableProfile(100)
	old := Parse([]byte(text))
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			old.Diagnostics("p.nix")
			Strings(old)
		}()
	}
	for range 3 {
		b := []byte(dup)
		sameTree(t, "shared", Reparse(old, b), Parse(b))
	}
	wg.Wait()
}
