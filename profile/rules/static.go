package rules

import (
	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"

	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// StaticString is a string literal found by the Nix parser before any
// evaluation (nixsyntax.Strings), with the attribute path it is bound to
// (e.g. ["manifest","model","auth","env"]; nil when not bound).
type StaticString struct {
	File     string
	Range    diagnostics.Range // the whole literal, quotes included
	Value    string
	AttrPath []string
}

// SecretCall is one `secrets.ref "<id>"` call site; Range covers the id
// literal.
type SecretCall struct {
	File  string
	Range diagnostics.Range
	ID    string
}

// StaticName is an identifier of the source (a variable, a binding or an
// attribute name) that looks like a credential.
type StaticName struct {
	File  string
	Range diagnostics.Range
	Name  string
}

// StaticInput is what the pre-evaluation secret checks need.
type StaticInput struct {
	Strings     []StaticString
	SecretCalls []SecretCall
	// Names are key-shaped identifiers: a key pasted without quotes lexes
	// as a name (Nix names may hold '-', so sk-ant-... is one).
	Names []StaticName
	// SecretIDs as in ManifestInput: nil turns secret-unknown off.
	SecretIDs []string
}

// Static runs the secret checks on source literals, on every keystroke:
// plaintext-secret (with a Fix replacing the literal), env-name-invalid,
// secret-invalid-id and secret-unknown.
func Static(in StaticInput) []diagnostics.Diagnostic {
	prefixes := make([]string, len(in.Strings)) // computed once, used twice
	for i, s := range in.Strings {
		prefixes[i] = modelPrefix(s.AttrPath)
	}
	providers := staticProviders(in.Strings, prefixes)
	callIDs := make(map[diagnostics.Location]bool, len(in.SecretCalls))
	for _, c := range in.SecretCalls {
		callIDs[diagnostics.Location{File: c.File, Range: c.Range}] = true
	}
	var out []diagnostics.Diagnostic
	for i, s := range in.Strings {
		if callIDs[diagnostics.Location{File: s.File, Range: s.Range}] {
			continue // a secrets.ref id, checked below
		}
		prov := providers[prefixes[i]]
		f, ok := stringFinding("", s.AttrPath, s.Value, nil, secretHint{provider: prov, ids: in.SecretIDs})
		if !ok {
			continue
		}
		out = append(out, diagnostics.Diagnostic{File: s.File, Range: s.Range, Severity: f.sev, Code: f.code,
			Message: Redact(f.message), Fix: redactFix(f.fix)})
	}
	for _, c := range in.SecretCalls {
		for _, f := range refFindings("", c.ID, in.SecretIDs) {
			out = append(out, diagnostics.Diagnostic{File: c.File, Range: c.Range, Severity: f.sev, Code: f.code,
				Message: Redact(f.message), Fix: redactFix(f.fix)})
		}
	}
	for _, n := range in.Names {
		out = append(out, plaintextName(n))
	}
	sortDiagnostics(out)
	return out
}

// Relevant reports whether Static can say anything of a literal with this
// value and attribute path: a finding of its own, or a model's ref or
// scheme (which choose the store id a finding's fix proposes). Static
// gives the same with only the relevant literals, so the server drops the
// rest before it (nixsyntax.KeptStrings).
func Relevant(path []string, value string) bool {
	if _, ok := stringFinding("", path, value, nil, secretHint{}); ok {
		return true
	}
	key, _ := lastKeys(path)
	return (key == "ref" || key == "scheme") && hasModelKey(path)
}

// hasModelKey: modelPrefix(path) != "", without building it.
func hasModelKey(path []string) bool {
	for _, k := range path {
		if k == "model" || k == "extract_model" || k == "consolidation_model" {
			return true
		}
	}
	return false
}

// plaintextName reports a credential written as a bare name. There is no
// quick fix: a name cannot become a secrets.ref call in every position.
func plaintextName(n StaticName) diagnostics.Diagnostic {
	return diagnostics.Diagnostic{File: n.File, Range: n.Range, Severity: diagnostics.Error, Code: diagnostics.CodePlaintextSecret,
		Message: Redact(fmt.Sprintf("plaintext credential written as a name (%s): remove it, store it in the secret store and write secrets.ref \"<id>\"",
			secrets.Mask(n.Name)))}
}

// staticProviders maps each model's attribute path prefix to its provider,
// from the ref and scheme literals written next to it. prefixes[i] is
// modelPrefix of strs[i].
func staticProviders(strs []StaticString, prefixes []string) map[string]string {
	refs, schemes := map[string]string{}, map[string]string{}
	for i, s := range strs {
		prefix := prefixes[i]
		if prefix == "" {
			continue
		}
		key, _ := lastKeys(s.AttrPath)
		switch {
		case key == "ref":
			refs[prefix] = s.Value
		case key == "scheme":
			schemes[prefix] = s.Value
		}
	}
	out := map[string]string{}
	for p := range refs {
		out[p] = providerName(refs[p], schemes[p])
	}
	for p := range schemes {
		if out[p] == "" {
			out[p] = providerName("", schemes[p])
		}
	}
	return out
}

// modelPrefix is the attribute path up to the model key ("" if none).
func modelPrefix(path []string) string {
	for i, k := range path {
		if k == "model" || k == "extract_model" || k == "consolidation_model" {
			return strings.Join(path[:i+1], ".")
		}
	}
	return ""
}
