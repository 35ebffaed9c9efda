package nixsyntax

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

var inlineSeeds = []string{
	"", "{", "}", "${", "\"${", "''${", "./a/${b}/c", "~/a/${x}", "<nixpkgs>", "a/b/", "x:x",
	"let a = 1; in a", "{ a, b ? c, ... }@d: e", "a@{ b }: c", "rec { a.b.c = 1; inherit (x) y; }",
	"''\n  a ''$ ''' ''\\n ${b}\n''", "\"a\\\"$${b}$\"", "f or", "a.b or c", "a ? b.c", "-1 - -2",
	"!a || b && c -> d // e ++ f", "/* x", "# c", "{ a = 1 b = 2; }", "let { body = 1; }",
	"assert a; with b; c", "if a then b else c", "[ 1 2.5 .5 1e3 http://a ]", "a |> b <| c",
	"{ \"a${b}\" = 1; ${c} = 2; }", "\x00\xff", "é😀", "{ x = ''\r\n a\r\n''; }",
}

// addCorpusSeeds adds every .nix file of the corpus (when present).
func addCorpusSeeds(f *testing.F) {
	for _, s := range inlineSeeds {
		f.Add([]byte(s))
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	if err != nil {
		return
	}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".nix" {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
		return nil
	})
}

// FuzzParse: parsing never panics, tokens reprint the input, the tree nests
// properly, and the checks run.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Parse(src)
		if !bytes.Equal(reprint(file), src) {
			t.Fatalf("tokens do not reprint the input")
		}
		checkTree(t, "fuzz", file)
		file.Diagnostics("fuzz.nix")
	})
}

// FuzzQueries: every editor query survives any input at several offsets.
func FuzzQueries(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Parse(src)
		Imports(file)
		SecretRefs(file)
		Strings(file)
		Symbols(file)
		FoldingRanges(file)
		offsets := []int{0, len(src) / 3, len(src) / 2, len(src) * 2 / 3, len(src)}
		SelectionRanges(file, offsets)
		for _, off := range offsets {
			if path, ok := AttrPathAt(file, off); ok {
				FindAttr(file, path)
			}
			CursorAt(file, off)
			Definition(file, off)
			Highlights(file, off)
		}
	})
}
