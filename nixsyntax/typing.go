package nixsyntax

import (
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// Queries for what is being typed at a cursor and for names a profile's
// editor features look up. They read the token list and the tree, never
// the text with patterns: a `lib.` inside a comment or a string is not a
// chain, and `lib . x` is.

// lastBefore is the index of the last token starting before off; -1 if none.
func (f *File) lastBefore(off int) int {
	lo, hi := 0, len(f.Tokens)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(f.Tokens[mid].Start) < off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo - 1
}

// prevSolid is the index of the last non-trivia token before index i; -1 if none.
func (f *File) prevSolid(i int) int {
	for i--; i >= 0 && f.Tokens[i].Kind.Trivia(); i-- {
	}
	return i
}

func (f *File) tokenText(i int) string { return f.TokenText(f.Tokens[i]) }

// TokenText is the source text of a token of f (a view, see Parse).
func (f *File) TokenText(t Token) string { return f.text[t.Start:t.End] }

// SecretIDAt reports whether off is inside the id string of a
// `secrets.ref "…` call (the string may still be open) and where the id
// typed so far starts. The typed part must look like a store id.
func SecretIDAt(f *File, off int) (start int, ok bool) {
	i := f.lastBefore(off)
	if i < 0 {
		return 0, false
	}
	if t := f.Tokens[i]; t.Kind == TStrText && off <= int(t.End) {
		i--
	}
	if i < 0 || f.Tokens[i].Kind != TStrOpen {
		return 0, false
	}
	start = int(f.Tokens[i].End)
	if strings.TrimLeft(string(f.Src[start:off]), idChars) != "" {
		return 0, false
	}
	chain := f.chainEndingAt(f.prevSolid(i))
	n := len(chain)
	return start, n >= 2 && chain[n-2] == "secrets" && chain[n-1] == "ref"
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/"

// chainEndingAt is the dotted identifier chain whose last identifier is
// token i (`lib.secrets.ref` → [lib secrets ref]); nil when i is not one.
func (f *File) chainEndingAt(i int) []string {
	var rev []string
	for i >= 0 && f.Tokens[i].Kind == TIdent {
		rev = append(rev, f.tokenText(i))
		d := f.prevSolid(i)
		if d < 0 || f.Tokens[d].Kind != TDot {
			break
		}
		i = f.prevSolid(d)
	}
	out := make([]string, len(rev))
	for k, s := range rev {
		out[len(rev)-1-k] = s
	}
	return out
}

// DottedAt is the chain being typed at off: `lib.secrets.r|` gives
// [lib secrets] and "r", `lib.|` gives [lib] and "". The cursor must touch
// the last identifier or dot.
func DottedAt(f *File, off int) (chain []string, typed string, ok bool) {
	i := f.lastBefore(off)
	if i < 0 {
		return nil, "", false
	}
	switch t := f.Tokens[i]; {
	case t.Kind == TIdent && off <= int(t.End):
		typed = string(f.Src[t.Start:off])
		i = f.prevSolid(i)
	case t.Kind == TDot && off == int(t.End):
	default:
		return nil, "", false
	}
	if i < 0 || f.Tokens[i].Kind != TDot {
		return nil, "", false
	}
	chain = f.chainEndingAt(f.prevSolid(i))
	return chain, typed, len(chain) > 0
}

// CalleeOf is the chain a function is selected from in its first use:
// for `lib.mkProfile { … }` and fn "mkProfile", "lib".
func CalleeOf(f *File, fn string) (string, bool) {
	for i, t := range f.Tokens {
		if t.Kind != TIdent || f.tokenText(i) != fn {
			continue
		}
		d := f.prevSolid(i)
		if d < 0 || f.Tokens[d].Kind != TDot {
			continue
		}
		if chain := f.chainEndingAt(f.prevSolid(d)); len(chain) > 0 {
			return strings.Join(chain, "."), true
		}
	}
	return "", false
}

// BindingOf finds the first binding (in a set or a let) whose attribute
// path, counted from the nearest let, ends with path: for [secrets ref],
// the `ref` of `secrets = { ref = …; }` or of `secrets.ref = …`. It
// returns the range of the binding's last key.
func BindingOf(f *File, path []string) (diagnostics.Range, bool) {
	var found diagnostics.Range
	ok := false
	depth := 0
	var walk func(id NodeID, at []string)
	walk = func(id NodeID, at []string) {
		if ok || depth > maxDepth {
			return
		}
		depth++
		defer func() { depth-- }()
		n := f.Node(id)
		switch n.Kind {
		case NAttrSet, NLetLegacy, NLet:
			for _, k := range f.Kids(id) {
				if f.Nodes[k].Kind != NBinding {
					walk(k, at)
					continue
				}
				bk := f.Kids(k)
				if len(bk) != 2 {
					continue
				}
				base := at
				if n.Kind == NLet {
					base = nil
				}
				full := f.appendKeyTexts(append([]string(nil), base...), bk[0])
				if hasSuffix(full, path) {
					keys := f.Kids(bk[0])
					found, ok = f.NodeRange(keys[len(keys)-1]), true
					return
				}
				walk(bk[1], full)
			}
			return
		case NAttrPath:
			return
		}
		for _, k := range f.Kids(id) {
			walk(k, at)
		}
	}
	walk(f.Root, nil)
	return found, ok
}

func hasSuffix(s, suffix []string) bool {
	if len(suffix) == 0 || len(suffix) > len(s) {
		return false
	}
	for i := range suffix {
		if s[len(s)-len(suffix)+i] != suffix[i] {
			return false
		}
	}
	return true
}
