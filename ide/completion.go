package ide

import (
	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// CompletionKind says what a completion proposes. The values are the
// Language Server Protocol's CompletionItemKind numbers (a fixed part of
// the specification), so lsp converts by type alone.
type CompletionKind int

const (
	KindFunction   CompletionKind = 3
	KindModule     CompletionKind = 9
	KindProperty   CompletionKind = 10
	KindValue      CompletionKind = 12
	KindFile       CompletionKind = 17
	KindReference  CompletionKind = 18
	KindEnumMember CompletionKind = 20
)

// Completion is one proposal: Insert replaces Range. Snippet, when set,
// is the same text with placeholders (LSP snippet syntax), for clients
// that support snippets.
type Completion struct {
	Label, Detail, Doc, Insert string
	Snippet                    string
	Kind                       CompletionKind
	Range                      diagnostics.Range
}

// Completions proposes, in a .nix file: secret ids inside `secrets.ref "`,
// profile-lib functions after `lib.`, manifest keys at a key position and
// enum values or booleans at a value position, each documented from the
// schema; in profiles.toml, profile names and .nix paths. It reads only the
// open buffer, its parse tree, the schema and cached state: no Nix, and no
// I/O beyond what the registry's path completion lists.
func Completions(src Source, path string, pos diagnostics.Pos) []Completion {
	switch {
	case IsRegistryName(path):
		return registryCompletions(src, path, pos)
	case IsNixFile(path):
		return nixCompletions(src, path, pos)
	}
	return nil
}

func item(label string, kind CompletionKind, detail, doc, insert string, r diagnostics.Range) Completion {
	return Completion{Label: label, Kind: kind, Detail: detail, Doc: doc, Insert: insert, Range: r}
}

func registryCompletions(src Source, path string, pos diagnostics.Pos) []Completion {
	text := src.Text(path)
	if text == nil {
		return nil
	}
	var out []Completion
	for _, c := range registry.Completions(path, text, offsetIn(src, path, text, pos), src.RegistryFor(path)) {
		kind := KindFile
		if c.Kind == "profile" {
			kind = KindModule
		}
		out = append(out, item(c.Label, kind, c.Detail, c.Doc, c.InsertText, c.Range))
	}
	return out
}

func nixCompletions(src Source, path string, pos diagnostics.Pos) []Completion {
	f := nixTree(src, path)
	if f == nil {
		return nil
	}
	if t := templateCompletions(path, f.Src, pos); t != nil {
		return t
	}
	off := f.Lines.Offset(pos)
	if start, ok := nixsyntax.SecretIDAt(f, off); ok {
		return secretCompletions(src, f, off, off-start)
	}
	if chain, typed, ok := nixsyntax.DottedAt(f, off); ok {
		if items := libCompletions(f, off, strings.Join(chain, "."), typed); items != nil {
			return items
		}
	}
	c, ok := nixsyntax.CursorAt(f, off)
	if !ok {
		return nil
	}
	m := mount{}
	if !src.IsProfile(path, f.Src) {
		if m, _, ok = importMount(src, path, f); !ok {
			return nil
		}
	}
	if c.InValue {
		mpath := m.manifestPath(c.Path)
		return append(valueCompletions(f, off, c, mpath), authCompletions(src, path, c, mpath)...)
	}
	return keyCompletions(c, m)
}

// secretCompletions offers the secret store's ids (never values: the
// server only knows the ids).
func secretCompletions(src Source, f *nixsyntax.File, off, typed int) []Completion {
	ids := src.SecretIDs()
	r := f.Range(off-typed, off)
	out := make([]Completion, 0, len(ids))
	for _, id := range ids {
		out = append(out, item(id, KindValue, "secret store id",
			"A reference to the secret store entry `"+id+"`; the value stays in the store.", id, r))
	}
	return out
}

// libCompletions offers profile-lib functions after a chain such as `lib.`,
// `lib.secrets.` or `secrets.`; nil when the chain names no part of the
// library.
func libCompletions(f *nixsyntax.File, off int, chain, typed string) []Completion {
	segs := strings.Split(chain, ".")
	prefixes := []string{chain + "."}
	if strings.HasSuffix(strings.ToLower(segs[0]), "lib") {
		prefixes = append(prefixes, strings.Join(segs[1:], ".")) // lib.x. -> "x."
		if len(segs) > 1 {
			prefixes[1] += "."
		}
	}
	r := f.Range(off-len(typed), off)
	var out []Completion
	for _, prefix := range prefixes {
		for _, fn := range manifest.LibFunctions() {
			if !strings.HasPrefix(fn.Name, prefix) || fn.Name == prefix {
				continue
			}
			label := strings.TrimPrefix(fn.Name, prefix)
			out = append(out, item(label, KindFunction, fn.Signature,
				fn.Description, label, r))
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// keyCompletions offers the manifest keys of the set at the cursor.
func keyCompletions(c nixsyntax.Cursor, m mount) []Completion {
	mpath, ok := setManifestPath(c.Path)
	if m.imported {
		mpath, ok = m.manifestPath(c.Path), true
	}
	if !ok {
		return nil
	}
	fields := manifest.Children(mpath)
	out := make([]Completion, 0, len(fields))
	for _, fd := range fields {
		kind := KindProperty
		if strings.HasPrefix(fd.Type, "object") {
			kind = KindModule
		}
		var doc strings.Builder
		doc.WriteString(fd.Description)
		writeFieldDoc(&doc, manifest.FieldDoc{Default: fd.Default, DefaultBy: fd.DefaultBy, Enum: fd.Enum, Known: fd.Known})
		detail := fd.Type
		if fd.Required {
			detail += " (required)"
		}
		out = append(out, item(fd.Name, kind, detail, doc.String(), fd.Name, c.WordRange))
	}
	return out
}

// setManifestPath is the manifest path of a set whose keys are typed: the
// root inside mkProfile's argument (or an artifact), below `manifest` or
// `config`. false inside profile metadata.
func setManifestPath(attr []string) ([]string, bool) {
	if len(attr) == 0 {
		return nil, true
	}
	switch attr[0] {
	case "manifest", "config":
		return attr[1:], true
	case "profile":
		return nil, false
	}
	return attr, true
}

// valueCompletions offers a field's enum values, documented labels or
// booleans; strings are quoted unless the cursor is already in a string.
func valueCompletions(f *nixsyntax.File, off int, c nixsyntax.Cursor, mpath []string) []Completion {
	if len(mpath) == 0 {
		return nil
	}
	doc, _ := manifest.Field(mpath)
	quoted := inString(f, off)
	var out []Completion
	for _, v := range manifest.Values(mpath) {
		insert := v
		if !quoted && !strings.HasPrefix(doc.Type, "boolean") {
			insert = fmt.Sprintf("%q", v)
		}
		out = append(out, item(v, KindEnumMember,
			strings.Join(mpath, ".")+": "+doc.Type, doc.Description, insert, c.WordRange))
	}
	return out
}

// authCompletions offers `secrets.ref "<id>"` for each secret store id
// where a model's auth is set, written so that it resolves there (through
// the library variable when `secrets` is not in scope).
func authCompletions(src Source, path string, c nixsyntax.Cursor, mpath []string) []Completion {
	if len(mpath) == 0 || mpath[len(mpath)-1] != "auth" {
		return nil
	}
	ids := src.SecretIDs()
	if len(ids) == 0 {
		return nil
	}
	probe := `secrets.ref "x"`
	prefix := strings.TrimSuffix(inScope(nixTree(src, path), c.WordRange, probe), probe)
	out := make([]Completion, 0, len(ids))
	for _, id := range ids {
		call := prefix + "secrets.ref " + fmt.Sprintf("%q", id)
		out = append(out, item(call, KindReference, "secret store reference",
			"Authenticate with the secret store entry `"+id+"`; the value stays in the store.", call, c.WordRange))
	}
	return out
}

// inString says whether off is inside a double-quoted string (possibly one
// still being typed).
func inString(f *nixsyntax.File, off int) bool {
	for i := len(f.Tokens) - 1; i >= 0; i-- {
		t := f.Tokens[i]
		if int(t.Start) >= off {
			continue
		}
		switch t.Kind {
		case nixsyntax.TStrOpen:
			return true
		case nixsyntax.TStrText:
			return int(t.End) >= off
		}
		return false
	}
	return false
}
