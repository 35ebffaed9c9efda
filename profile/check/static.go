package check

import (
	"bytes"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/rules"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Static is everything known about a .nix file without Nix: syntax and scope
// (nixsyntax) plus the secret checks on its literals and secrets.ref call
// sites. The server and `insomnia-lsp check` both call it, so the editor and
// CI report the same static problems. ids as in Profile.SecretIDs.
func Static(path string, f *nixsyntax.File, ids []string) []diagnostics.Diagnostic {
	// The secret checks first: they need no scopes, which the server's read
	// loop computes for the file's imports meanwhile (on a second core).
	secret := rules.Static(StaticInput(path, f, ids))
	return append(Syntax(path, f), secret...)
}

// Syntax is the parser's syntax and scope diagnostics alone, redacted: what
// any .nix file named on check's command line gets, profile or not.
func Syntax(path string, f *nixsyntax.File) []diagnostics.Diagnostic {
	syntax := f.Diagnostics(path)
	// The parser quotes source text (names, tokens) and knows nothing of
	// secrets: a key pasted without quotes is a name. Redact it here, where
	// the parser's messages leave for the editor and CI.
	for i := range syntax {
		syntax[i].Message = secrets.Redact(syntax[i].Message)
		for j := range syntax[i].Related {
			syntax[i].Related[j].Message = secrets.Redact(syntax[i].Related[j].Message)
		}
	}
	return syntax
}

// StaticInput collects from a parse what rules.Static needs.
func StaticInput(path string, f *nixsyntax.File, ids []string) rules.StaticInput {
	in := rules.StaticInput{SecretIDs: ids}
	strs := nixsyntax.KeptStrings(f, relevantStrings)
	in.Strings = make([]rules.StaticString, 0, len(strs))
	for _, s := range strs {
		in.Strings = append(in.Strings, rules.StaticString{File: path, Range: s.Range, Value: s.Value, AttrPath: s.Path})
	}
	for _, r := range nixsyntax.SecretRefs(f) {
		in.SecretCalls = append(in.SecretCalls, rules.SecretCall{File: path, Range: r.Range, ID: r.ID})
	}
	in.Names = keyNames(path, f)
	return in
}

// relevantStrings are the literals rules.Static looks at: on a keystroke
// only the touched bindings' are looked for (see nixsyntax.KeptStrings).
var relevantStrings = nixsyntax.StringFilter{Name: "rules.Relevant", Keep: rules.Relevant}

// keyNames are the identifiers of f shaped like a credential, one per
// occurrence: no real name is a key, a key pasted without quotes is one.
func keyNames(path string, f *nixsyntax.File) []rules.StaticName {
	var out []rules.StaticName
	for _, t := range f.Tokens {
		if t.Kind != nixsyntax.TIdent || t.End-t.Start < secrets.MinShapeLen {
			continue
		}
		if name := f.TokenText(t); secrets.LooksSecret(name) {
			out = append(out, rules.StaticName{File: path, Range: f.Range(int(t.Start), int(t.End)), Name: name})
		}
	}
	return out
}

// Fallback is where a manifest problem that Nix gives no position for is
// placed: the profile's `manifest` (or `config`) key when its text has one,
// else the mkProfile call, else its first line. f may be nil.
func Fallback(path string, f *nixsyntax.File) diagnostics.Location {
	loc := diagnostics.Location{File: path}
	if f == nil {
		return loc
	}
	for _, key := range []string{"manifest", "config"} {
		if r, ok := nixsyntax.FindAttr(f, []string{key}); ok {
			loc.Range = r
			return loc
		}
	}
	if i := bytes.Index(f.Src, []byte("mkProfile")); i >= 0 {
		loc.Range = f.Range(i, i+len("mkProfile"))
		return loc
	}
	loc.Range = f.Lines.LineRange(0)
	return loc
}
