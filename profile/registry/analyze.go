package registry

import (
	"fmt"
	"os"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Codes of profiles.toml diagnostics (besides the docProblem codes
// toml-syntax, registry-invalid-*, registry-duplicate-table,
// registry-unknown-key).
const (
	CodeMissingFile   = diagnostics.CodeRegistryMissingFile
	CodeDuplicateName = diagnostics.CodeRegistryDuplicateName
	CodeDefaultShadow = diagnostics.CodeDefaultOverridden
)

// AnalyzeRegistryFile checks one profiles.toml text (saved or not) against
// the discovered registry reg (may be nil): TOML syntax, entries upstream
// rejects, unknown keys, entry files that do not exist, a default that
// resolves to nothing or to several entries, and names that exist in
// another source. It reads the file system only to check entry files.
func AnalyzeRegistryFile(path string, text []byte, reg *Registry) []diagnostics.Diagnostic {
	v := newView(path, text, reg)
	var out []diagnostics.Diagnostic
	// Messages quote the file (names, paths, the TOML parser's excerpt):
	// redacted here, where its text enters them.
	add := func(s span, sev diagnostics.Severity, code, msg string) {
		out = append(out, diagnostics.Diagnostic{File: path, Range: v.rng(s), Severity: sev, Code: code, Message: secrets.Redact(msg)})
	}
	plaintextKeys(text, add)
	if p := v.doc.SyntaxErr; p != nil {
		add(p.At, diagnostics.Error, p.Code, "TOML syntax error: "+p.Message+"; insomnia fails every profile discovery while this file does not parse")
		return out
	}
	for _, p := range v.doc.Problems {
		sev := diagnostics.Warning
		if p.Fatal {
			sev = diagnostics.Error
		}
		add(p.At, sev, p.Code, p.Message)
	}
	for _, de := range v.doc.Entries {
		if !de.Bad {
			v.checkEntry(de, add)
		}
	}
	v.checkDefault(add)
	return out
}

type addFunc func(s span, sev diagnostics.Severity, code, msg string)

// plaintextKeys reports every key-shaped or high-entropy token of the file,
// wherever it is (a description, an entry path, a name, a comment): the
// registry is read by every tool and shown in pickers and hovers, and no
// value in it is a credential.
func plaintextKeys(text []byte, add addFunc) {
	s := string(text)
	for _, sp := range secrets.Find(s) {
		add(span{sp[0], sp[1]}, diagnostics.Error, diagnostics.CodePlaintextSecret, fmt.Sprintf(
			"plaintext credential in profiles.toml (%s): remove it; keep credentials in the secret store and reference them from the profile with secrets.ref",
			secrets.Mask(s[sp[0]:sp[1]])))
	}
}

func (v *fileView) checkEntry(de docEntry, add addFunc) {
	p := joinIfRelative(v.base, de.Path)
	if fi, err := os.Stat(p); err != nil {
		add(de.PathSpan, diagnostics.Error, CodeMissingFile, fmt.Sprintf("profile file %s does not exist (selecting %s:%s would fail in nix eval)", p, v.src, de.Name))
	} else if fi.IsDir() {
		add(de.PathSpan, diagnostics.Error, CodeMissingFile, fmt.Sprintf("%s is a directory; an entry must name a .nix file (a `profile.nix` folder is a builtin-only convention)", p))
	} else if !fi.Mode().IsRegular() {
		add(de.PathSpan, diagnostics.Error, CodeMissingFile, fmt.Sprintf("%s is not a regular file (%s); an entry must name a .nix file", p, fi.Mode().Type()))
	} else if err := safefile.Check(p, safefile.MaxSourceBytes); err != nil {
		add(de.PathSpan, diagnostics.Error, CodeMissingFile, err.Error()+": the editor does not read or evaluate it")
	}
	var others []string
	for _, e := range v.match("", de.Name) {
		if e.Source != v.src {
			others = append(others, e.QualifiedName())
		}
	}
	if len(others) > 0 {
		add(de.Key, diagnostics.Information, CodeDuplicateName, fmt.Sprintf(
			"`%s` also exists as %s: the bare selector `%s` is ambiguous; select this one as %s:%s",
			de.Name, strings.Join(others, ", "), de.Name, v.src, de.Name))
	}
}

func (v *fileView) checkDefault(add addFunc) {
	d := v.doc
	if !d.HasDefault || d.fatal() != nil {
		return
	}
	src, name := parseRef(d.Default, v.src)
	label := string(src) + ":" + name
	switch m := v.match(src, name); len(m) {
	case 0:
		msg := fmt.Sprintf("default %q means %s, which matches no profile; insomnia does not fall back to builtin:default, so every launch without --profile fails with \"profile not found: %s\"", d.Default, label, label)
		if strings.HasPrefix(d.Default, "path:") {
			msg += "; `path:` selectors are not allowed in default"
		}
		add(d.DefaultSpan, diagnostics.Error, diagnostics.CodeDefaultUnresolved, msg)
	case 1:
	default:
		q := make([]string, len(m))
		for i, e := range m {
			q[i] = e.QualifiedName()
		}
		add(d.DefaultSpan, diagnostics.Error, diagnostics.CodeDefaultAmbiguous, fmt.Sprintf(
			"default %q matches several profiles %s, so no profile is the default and launches without --profile fail", d.Default, strings.Join(q, ", ")))
	}
	if v.src == User && v.reg != nil {
		if pd := v.docFor(v.reg.ProjectFile); pd != nil && pd.HasDefault {
			add(d.DefaultSpan, diagnostics.Information, CodeDefaultShadow, fmt.Sprintf(
				"in %s this default is overridden by the project registry %s (default %q)", v.reg.Start, v.reg.ProjectFile, pd.Default))
		}
	}
}
