package nixsyntax

// The lexer follows Nix's flex lexer (src/libexpr/lexer.l): a stack of start
// conditions decides how bytes are read, and at each point the longest
// matching rule wins.

type lexMode uint8

const (
	modeDefault     lexMode = iota
	modeString              // inside "..."
	modeIndString           // inside ''...''
	modeInPath              // right after a path fragment or a path's ${...}
	modeInPathSlash         // right after a path fragment ending in '/'
)

// lexError is a problem found while lexing (the token is still emitted).
type lexError struct {
	off int
	msg string
}

type lexer struct {
	src    []byte
	pos    int
	modes  []lexMode
	toks   []Token
	errors []lexError
	// runStart, runEnd cache the last run of path characters
	runStart, runEnd int
}

// lex splits src into tokens covering every byte, ending with a TEOF token.
func lex(src []byte) ([]Token, []lexError) {
	lx := lexAll(src)
	return lx.toks, lx.errors
}

// lexAll lexes src and returns the lexer, whose mode stack tells Reparse
// whether a region closed every string and brace it opened.
func lexAll(src []byte) *lexer {
	lx := &lexer{src: src}
	// One allocation of about the right size: growing by append from a
	// guess allocated five times the final slice on big inputs (Go grows
	// large slices by 1.25x), most of the parser's memory.
	toks := make([]Token, 0, tokenEstimate(src))
	for lx.pos < len(src) {
		start := lx.pos
		kind := lx.next()
		if lx.pos == start { // never stall: consume one byte as an error
			lx.pos++
			kind = TError
		}
		toks = append(toks, Token{Kind: kind, Start: int32(start), End: int32(lx.pos)})
	}
	lx.toks = toks
	if lx.mode() == modeInPathSlash {
		lx.errors = append(lx.errors, lexError{len(src), "path has a trailing slash"})
	}
	lx.toks = append(lx.toks, Token{Kind: TEOF, Start: int32(len(src)), End: int32(len(src))})
	return lx
}

// tokenEstimate is a little over the number of tokens in src, counted in
// one quick pass: a token per run of identifier bytes, per run of spaces,
// and per other byte. It overcounts two-byte operators and the words of
// strings and comments, so a rare append past it stays cheap; a huge
// string of letters counts as the one token it is.
func tokenEstimate(src []byte) int {
	n, prev := 2, uint8(0xff) // 2: the TEOF token and a trailing error
	for _, c := range src {
		k := charClass[c] & (clIdent | clSpace)
		if k == 0 || k != prev {
			n++
		}
		prev = k
	}
	return n
}

func (lx *lexer) mode() lexMode {
	if len(lx.modes) == 0 {
		return modeDefault
	}
	return lx.modes[len(lx.modes)-1]
}

func (lx *lexer) push(m lexMode) { lx.modes = append(lx.modes, m) }

func (lx *lexer) pop() {
	if len(lx.modes) > 0 {
		lx.modes = lx.modes[:len(lx.modes)-1]
	}
}

func (lx *lexer) setTop(m lexMode) {
	lx.pop()
	lx.push(m)
}

func (lx *lexer) at(i int) byte {
	if i < len(lx.src) {
		return lx.src[i]
	}
	return 0
}

func (lx *lexer) next() TokenKind {
	switch lx.mode() {
	case modeString:
		return lx.stringPart()
	case modeIndString:
		return lx.indStringPart()
	case modeInPath, modeInPathSlash:
		if k, ok := lx.pathPart(); ok {
			return k
		}
	}
	return lx.defaultToken()
}

// Character classes, as a table: the lexer's inner loops test these for
// every byte.
const (
	clPath       uint8 = 1 << iota // [a-zA-Z0-9._\-+]
	clIdentStart                   // [a-zA-Z_]
	clIdent                        // [a-zA-Z0-9_'\-]
	clDigit                        // [0-9]
	clSpace                        // [ \t\r\n]
)

var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		letter := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
		digit := b >= '0' && b <= '9'
		if letter || digit || b == '.' || b == '_' || b == '-' || b == '+' {
			t[c] |= clPath
		}
		if letter || b == '_' {
			t[c] |= clIdentStart
		}
		if letter || digit || b == '_' || b == '\'' || b == '-' {
			t[c] |= clIdent
		}
		if digit {
			t[c] |= clDigit
		}
		if b == ' ' || b == '\t' || b == '\r' || b == '\n' {
			t[c] |= clSpace
		}
	}
	return t
}()

func isPathChar(c byte) bool   { return charClass[c]&clPath != 0 }
func isIdentStart(c byte) bool { return charClass[c]&clIdentStart != 0 }
func isIdentChar(c byte) bool  { return charClass[c]&clIdent != 0 }
func isDigit(c byte) bool      { return charClass[c]&clDigit != 0 }

func isURIChar(c byte) bool {
	if isPathChar(c) {
		return true
	}
	switch c {
	case '%', '/', '?', ':', '@', '&', '=', '$', ',', '!', '~', '*', '\'':
		return true
	}
	return false
}

// pathChars counts path characters from i. The end of the last run is
// cached: without it a long run like "-.-.-.-" is rescanned for every token
// in it, which is quadratic.
func (lx *lexer) pathChars(i int) int {
	if i >= lx.runStart && i < lx.runEnd {
		return lx.runEnd - i
	}
	j := i
	for j < len(lx.src) && isPathChar(lx.src[j]) {
		j++
	}
	if j > i {
		lx.runStart, lx.runEnd = i, j
	}
	return j - i
}

// matchPath matches {PATH} = {PATH_CHAR}*(\/{PATH_CHAR}+)+\/? at i (after an
// optional prefix already skipped by the caller), or {PATH_SEG}\$\{ in which
// case only the segment is returned. It returns the token length or 0.
func (lx *lexer) matchPath(i int, needSegment bool) int {
	j := i + lx.pathChars(i)
	segs := 0
	for lx.at(j) == '/' {
		n := lx.pathChars(j + 1)
		if n == 0 {
			break
		}
		j += 1 + n
		segs++
	}
	if segs == 0 && needSegment {
		// {PATH_SEG}\$\{ : chars, one slash, then an interpolation
		if lx.at(j) == '/' && lx.at(j+1) == '$' && lx.at(j+2) == '{' {
			return j + 1 - i
		}
		return 0
	}
	if lx.at(j) == '/' {
		j++
	}
	return j - i
}

func (lx *lexer) matchHPath(i int) int {
	if lx.at(i) != '~' || lx.at(i+1) != '/' {
		return 0
	}
	if lx.at(i+2) == '$' && lx.at(i+3) == '{' {
		return 2
	}
	if lx.pathChars(i+2) == 0 {
		return 0
	}
	return 1 + lx.matchPath(i+1, false)
}

func (lx *lexer) matchSPath(i int) int {
	j := i + 1
	n := lx.pathChars(j)
	if n == 0 {
		return 0
	}
	j += n
	for lx.at(j) == '/' {
		n = lx.pathChars(j + 1)
		if n == 0 {
			return 0
		}
		j += 1 + n
	}
	if lx.at(j) != '>' {
		return 0
	}
	return j + 1 - i
}

func (lx *lexer) matchURI(i int) int {
	if !isIdentStart(lx.at(i)) || lx.at(i) == '_' {
		return 0
	}
	if lx.at(i+lx.pathChars(i)) != ':' { // the scheme is made of path characters
		return 0
	}
	j := i + 1
	for c := lx.at(j); c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '+' || c == '-' || c == '.'; c = lx.at(j) {
		j++
	}
	if lx.at(j) != ':' {
		return 0
	}
	k := j + 1
	for k < len(lx.src) && isURIChar(lx.src[k]) {
		k++
	}
	if k == j+1 {
		return 0
	}
	return k - i
}

// matchNumber returns the length and kind of an INT or FLOAT at i.
func (lx *lexer) matchNumber(i int) (int, TokenKind) {
	j := i
	for isDigit(lx.at(j)) {
		j++
	}
	intLen := j - i
	// FLOAT: ([1-9][0-9]*\.[0-9]*) | (0?\.[0-9]+), then an optional exponent
	fl := 0
	if intLen > 0 && lx.src[i] != '0' && lx.at(j) == '.' {
		k := j + 1
		for isDigit(lx.at(k)) {
			k++
		}
		fl = k - i
	} else if (intLen == 0 || intLen == 1 && lx.src[i] == '0') && lx.at(j) == '.' && isDigit(lx.at(j+1)) {
		k := j + 1
		for isDigit(lx.at(k)) {
			k++
		}
		fl = k - i
	}
	if fl > 0 {
		k := i + fl
		if c := lx.at(k); c == 'e' || c == 'E' {
			m := k + 1
			if c := lx.at(m); c == '+' || c == '-' {
				m++
			}
			if isDigit(lx.at(m)) {
				for isDigit(lx.at(m)) {
					m++
				}
				fl = m - i
			}
		}
		return fl, TFloat
	}
	return intLen, TInt
}

func (lx *lexer) defaultToken() TokenKind {
	i := lx.pos
	c := lx.src[i]
	switch {
	case charClass[c]&clSpace != 0:
		j := i + 1
		for j < len(lx.src) && charClass[lx.src[j]]&clSpace != 0 {
			j++
		}
		lx.pos = j
		return TWhitespace
	case c == '#':
		j := i + 1
		for j < len(lx.src) && lx.src[j] != '\n' && lx.src[j] != '\r' {
			j++
		}
		lx.pos = j
		return TLineComment
	case c == '/' && lx.at(i+1) == '*':
		return lx.blockComment()
	case c == '"':
		lx.pos++
		lx.push(modeString)
		return TStrOpen
	case c == '\'' && lx.at(i+1) == '\'':
		j := i + 2
		for lx.at(j) == ' ' {
			j++
		}
		if lx.at(j) == '\n' {
			lx.pos = j + 1
		} else {
			lx.pos = i + 2
		}
		lx.push(modeIndString)
		return TIndOpen
	case c == '$' && lx.at(i+1) == '{':
		lx.pos += 2
		lx.push(modeDefault)
		return TDollarCurly
	case c == '{':
		lx.pos++
		lx.push(modeDefault)
		return TLBrace
	case c == '}':
		lx.pos++
		lx.pop()
		return TRBrace
	}
	if isIdentStart(c) {
		if k, ok := lx.plainWord(i); ok {
			return k
		}
	} else if !isPathChar(c) && c != '/' && c != '~' && c != '<' {
		n, k := lx.operator(i, c)
		lx.pos = i + max(n, 1)
		return k
	}
	return lx.longestToken(i, c)
}

// plainWord is the fast path for identifiers and keywords: a word not
// followed by any of ". + / :" cannot be the start of a longer path or URI.
func (lx *lexer) plainWord(i int) (TokenKind, bool) {
	j := i + 1
	for j < len(lx.src) && isIdentChar(lx.src[j]) {
		j++
	}
	switch lx.at(j) {
	case '.', '+', '/', ':':
		return 0, false
	}
	lx.pos = j
	return keyword(lx.src[i:j]), true
}

func (lx *lexer) blockComment() TokenKind {
	for j := lx.pos + 2; j+1 < len(lx.src); j++ {
		if lx.src[j] == '*' && lx.src[j+1] == '/' {
			lx.pos = j + 2
			return TBlockComment
		}
	}
	lx.errors = append(lx.errors, lexError{lx.pos, "unterminated comment"})
	lx.pos = len(lx.src)
	return TBlockComment
}

// longestToken picks the longest of the word-like rules (identifier,
// keyword, number, path, URI) and the operators, as flex would.
func (lx *lexer) longestToken(i int, c byte) TokenKind {
	best, kind := 0, TError
	try := func(n int, k TokenKind) {
		if n > best {
			best, kind = n, k
		}
	}
	if isIdentStart(c) {
		j := i + 1
		for j < len(lx.src) && isIdentChar(lx.src[j]) {
			j++
		}
		try(j-i, keyword(lx.src[i:j]))
		try(lx.matchURI(i), TURI)
	}
	if isDigit(c) || c == '.' {
		n, k := lx.matchNumber(i)
		try(n, k)
	}
	pathLen := 0
	if isPathChar(c) || c == '/' {
		pathLen = lx.matchPath(i, true)
		try(pathLen, TPath)
	}
	switch c {
	case '~':
		pathLen = lx.matchHPath(i)
		try(pathLen, THPath)
	case '<':
		try(lx.matchSPath(i), TSPath)
	}
	n, k := lx.operator(i, c)
	try(n, k)
	if best == 0 {
		lx.pos = i + 1
		return TError
	}
	lx.pos = i + best
	if kind == TPath || kind == THPath {
		lx.startPath()
	}
	return kind
}

// startPath enters the in-path state after a path's first fragment.
func (lx *lexer) startPath() {
	if lx.src[lx.pos-1] == '/' {
		lx.push(modeInPathSlash)
	} else {
		lx.push(modeInPath)
	}
}

// pathPart lexes inside a path: a ${, or more path characters. When the path
// ends it pops the state and reports ok=false so the byte is re-read.
func (lx *lexer) pathPart() (TokenKind, bool) {
	i := lx.pos
	if lx.at(i) == '$' && lx.at(i+1) == '{' {
		lx.setTop(modeInPath)
		lx.push(modeDefault)
		lx.pos += 2
		return TDollarCurly, true
	}
	n := lx.matchPath(i, false)
	if m := lx.pathChars(i); m > n {
		n = m
	}
	if n == 0 && lx.at(i) == '/' && lx.at(i+1) == '$' && lx.at(i+2) == '{' {
		n = 1
	}
	if n > 0 {
		lx.pos = i + n
		lx.pop()
		lx.startPath()
		return TPathCont, true
	}
	if lx.mode() == modeInPathSlash {
		lx.errors = append(lx.errors, lexError{i, "path has a trailing slash"})
	}
	lx.pop()
	return 0, false
}

var oneCharOps = [256]TokenKind{
	'[': TLBrack, ']': TRBrack, '(': TLParen, ')': TRParen, ';': TSemi, ':': TColon, ',': TComma,
	'@': TAt, '?': TQuestion, '*': TStar, '.': TDot, '=': TAssign, '!': TNot, '+': TPlus,
	'-': TMinus, '/': TSlash, '<': TLt, '>': TGt,
}

// twoCharOp returns the operator spelled by the bytes c, d, or TError.
func twoCharOp(c, d byte) TokenKind {
	switch uint16(c)<<8 | uint16(d) {
	case '='<<8 | '=':
		return TEq
	case '!'<<8 | '=':
		return TNeq
	case '+'<<8 | '+':
		return TConcat
	case '-'<<8 | '>':
		return TImpl
	case '/'<<8 | '/':
		return TUpdate
	case '<'<<8 | '=':
		return TLe
	case '>'<<8 | '=':
		return TGe
	case '&'<<8 | '&':
		return TAnd
	case '|'<<8 | '|':
		return TOrOr
	case '|'<<8 | '>':
		return TPipeRight
	case '<'<<8 | '|':
		return TPipeLeft
	}
	return TError
}

// keyword returns the keyword spelled by word, or TIdent.
func keyword(word []byte) TokenKind {
	if len(word) < 2 || len(word) > 7 {
		return TIdent
	}
	switch string(word) {
	case "if":
		return TIf
	case "then":
		return TThen
	case "else":
		return TElse
	case "assert":
		return TAssert
	case "with":
		return TWith
	case "let":
		return TLet
	case "in":
		return TIn
	case "rec":
		return TRec
	case "inherit":
		return TInherit
	case "or":
		return TOr
	}
	return TIdent
}

func (lx *lexer) operator(i int, c byte) (int, TokenKind) {
	if c == '.' && lx.at(i+1) == '.' && lx.at(i+2) == '.' {
		return 3, TEllipsis
	}
	if k := twoCharOp(c, lx.at(i+1)); k != TError {
		return 2, k
	}
	if k := oneCharOps[c]; k != TError {
		return 1, k
	}
	return 0, TError
}

// stringPart lexes inside "...": text (escapes kept raw), ${ or the closing quote.
func (lx *lexer) stringPart() TokenKind {
	i := lx.pos
	switch {
	case lx.src[i] == '"':
		lx.pos++
		lx.pop()
		return TStrClose
	case lx.src[i] == '$' && lx.at(i+1) == '{':
		lx.pos += 2
		lx.push(modeDefault)
		return TDollarCurly
	}
	j := i
	for j < len(lx.src) {
		c := lx.src[j]
		if c == '"' {
			break
		}
		if c == '\\' {
			j += 2
			continue
		}
		if c == '$' {
			d := lx.at(j + 1)
			if d == '{' {
				break
			}
			if d == '\\' {
				j += 3
				continue
			}
			if d == '"' || j+1 >= len(lx.src) {
				j++
				break
			}
			j += 2
			continue
		}
		j++
	}
	if j > len(lx.src) {
		j = len(lx.src)
	}
	lx.pos = j
	return TStrText
}

// indStringPart lexes inside ”...”: plain text, escapes, ${ or the close.
func (lx *lexer) indStringPart() TokenKind {
	i := lx.pos
	c, d := lx.src[i], lx.at(i+1)
	switch {
	case c == '\'' && d == '\'':
		switch e := lx.at(i + 2); {
		case e == '$' || e == '\'':
			lx.pos += 3
			return TIndEsc
		case e == '\\' && i+3 < len(lx.src):
			lx.pos += 4
			return TIndEsc
		}
		lx.pos += 2
		lx.pop()
		return TIndClose
	case c == '$' && d == '{':
		lx.pos += 2
		lx.push(modeDefault)
		return TDollarCurly
	}
	j := i
	for j < len(lx.src) {
		c := lx.src[j]
		if c != '$' && c != '\'' {
			j++
			continue
		}
		d := lx.at(j + 1)
		if j+1 >= len(lx.src) || c == '$' && (d == '{' || d == '\'') || c == '\'' && (d == '\'' || d == '$') {
			break
		}
		j += 2
	}
	if j == i { // a lone $ or ' that ends no text: Nix keeps it as an escape
		lx.pos = i + 1
		return TIndEsc
	}
	lx.pos = j
	return TIndText
}
