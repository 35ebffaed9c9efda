package nixsyntax

// TokenKind classifies a token. Trivia (whitespace, comments) are tokens too,
// so the token list always reprints the input byte for byte.
type TokenKind uint8

// Token kinds.
const (
	TError TokenKind = iota // a byte the lexer could not use
	TWhitespace
	TLineComment
	TBlockComment

	TIdent
	TInt
	TFloat
	TURI
	TPath     // first literal fragment of a path (./a, a/b, /abs, ./a/ before ${)
	THPath    // first fragment of a home path (~/a)
	TPathCont // a later literal fragment of an interpolated path
	TSPath    // <nixpkgs>

	TStrOpen     // "
	TStrClose    // "
	TStrText     // text (escapes included) inside "..."
	TIndOpen     // '' plus any following spaces and newline
	TIndClose    // ''
	TIndText     // plain text inside ''...''
	TIndEsc      // ''$ ''' ''\x, or a lone $ or ' inside ''...''
	TDollarCurly // ${ (in any context)

	// keywords
	TIf
	TThen
	TElse
	TAssert
	TWith
	TLet
	TIn
	TRec
	TInherit
	TOr

	// punctuation and operators
	TLBrace    // {
	TRBrace    // }
	TLBrack    // [
	TRBrack    // ]
	TLParen    // (
	TRParen    // )
	TSemi      // ;
	TColon     // :
	TComma     // ,
	TDot       // .
	TEllipsis  // ...
	TAssign    // =
	TAt        // @
	TQuestion  // ?
	TNot       // !
	TPlus      // +
	TMinus     // -
	TStar      // *
	TSlash     // /
	TConcat    // ++
	TUpdate    // //
	TEq        // ==
	TNeq       // !=
	TLt        // <
	TLe        // <=
	TGt        // >
	TGe        // >=
	TAnd       // &&
	TOrOr      // ||
	TImpl      // ->
	TPipeRight // |> (rejected: experimental in current Nix, unknown to 2.8)
	TPipeLeft  // <|
	TEOF
)

// Token is one lexeme: its kind and byte offsets [Start, End).
type Token struct {
	Kind  TokenKind
	Start int32
	End   int32
}

// Trivia reports whether the token is whitespace or a comment.
func (k TokenKind) Trivia() bool { return k >= TWhitespace && k <= TBlockComment }

var tokenNames = [...]string{
	TError: "invalid token", TWhitespace: "whitespace", TLineComment: "comment", TBlockComment: "comment",
	TIdent: "identifier", TInt: "integer", TFloat: "float", TURI: "URI", TPath: "path", THPath: "'~' path",
	TPathCont: "path", TSPath: "'<…>' path",
	TStrOpen: "'\"'", TStrClose: "'\"'", TStrText: "string", TIndOpen: "''", TIndClose: "''",
	TIndText: "string", TIndEsc: "string", TDollarCurly: "'${'",
	TIf: "'if'", TThen: "'then'", TElse: "'else'", TAssert: "'assert'", TWith: "'with'", TLet: "'let'",
	TIn: "'in'", TRec: "'rec'", TInherit: "'inherit'", TOr: "'or'",
	TLBrace: "'{'", TRBrace: "'}'", TLBrack: "'['", TRBrack: "']'", TLParen: "'('", TRParen: "')'",
	TSemi: "';'", TColon: "':'", TComma: "','", TDot: "'.'", TEllipsis: "'...'", TAssign: "'='",
	TAt: "'@'", TQuestion: "'?'", TNot: "'!'", TPlus: "'+'", TMinus: "'-'", TStar: "'*'", TSlash: "'/'",
	TConcat: "'++'", TUpdate: "'//'", TEq: "'=='", TNeq: "'!='", TLt: "'<'", TLe: "'<='", TGt: "'>'",
	TGe: "'>='", TAnd: "'&&'", TOrOr: "'||'", TImpl: "'->'", TPipeRight: "'|>'", TPipeLeft: "'<|'",
	TEOF: "end of file",
}

// String names the kind the way Nix's error messages do.
func (k TokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return "token"
}
