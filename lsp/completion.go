package lsp

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// Completion proposes, in a .nix file: secret ids inside `secrets.ref "`,
// profile-lib functions after `lib.`, manifest keys at a key position and
// enum values or booleans at a value position, each documented from the
// schema; in profiles.toml, profile names and .nix paths. It reads only the
// open buffer, its parse tree, the schema and cached state: no Nix, and no
// I/O beyond what the registry's path completion lists.
func (s *Server) Completion(ctx context.Context, p *protocol.CompletionParams) (protocol.CompletionResult, error) {
	if s.notOurs(p.TextDocument.URI) {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	path := uriPath(p.TextDocument.URI)
	var items []protocol.CompletionItem
	switch {
	case isRegistryName(path):
		items = s.registryCompletions(path, p.Position)
	case isNixFile(path):
		items = s.nixCompletions(path, p.Position)
	}
	if items == nil {
		items = []protocol.CompletionItem{}
	}
	return &protocol.CompletionList{Items: items}, nil
}

func (s *Server) registryCompletions(path string, pos protocol.Position) []protocol.CompletionItem {
	text := s.sess.Text(path)
	if text == nil {
		return nil
	}
	var out []protocol.CompletionItem
	for _, c := range registry.Completions(path, text, s.offsetIn(path, text, pos), s.sess.RegistryFor(path)) {
		kind := protocol.CompletionItemKindFile
		if c.Kind == "profile" {
			kind = protocol.CompletionItemKindModule
		}
		out = append(out, completionItem(c.Label, kind, c.Detail, c.Doc, c.InsertText, c.Range))
	}
	return out
}

func (s *Server) nixCompletions(path string, pos protocol.Position) []protocol.CompletionItem {
	f := s.nixTree(path)
	if f == nil {
		return nil
	}
	off := f.Lines.Offset(fromProtoPos(pos))
	lineStart := bytes.LastIndexByte(f.Src[:off], '\n') + 1
	before := string(f.Src[lineStart:off])
	if m := reSecretRef.FindStringSubmatch(before); m != nil {
		return s.secretCompletions(f, off, len(m[1]))
	}
	if m := reDotted.FindStringSubmatch(before); m != nil {
		if items := libCompletions(f, off, m[1], m[2]); items != nil {
			return items
		}
	}
	c, ok := nixsyntax.CursorAt(f, off)
	if !ok {
		return nil
	}
	m := mount{}
	if !s.sess.IsProfile(path, f.Src) {
		if m, _, ok = s.importMount(path, f); !ok {
			return nil
		}
	}
	if c.InValue {
		mpath := m.manifestPath(c.Path)
		return append(valueCompletions(f, off, c, mpath), s.authCompletions(path, c, mpath)...)
	}
	return keyCompletions(c, m)
}

var (
	// reSecretRef: the cursor is inside the id string of a secrets.ref call.
	reSecretRef = regexp.MustCompile(`\bsecrets\.ref\s+"([A-Za-z0-9_.\-/]*)$`)
	// reDotted: a dotted identifier chain being typed, e.g. `lib.secrets.r`.
	reDotted = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_'\-]*(?:\.[A-Za-z_][A-Za-z0-9_'\-]*)*)\.([A-Za-z0-9_'\-]*)$`)
)

// secretCompletions offers the secret store's ids (never values: the
// server only knows the ids).
func (s *Server) secretCompletions(f *nixsyntax.File, off, typed int) []protocol.CompletionItem {
	ids := s.sess.SecretIDs()
	r := f.Range(off-typed, off)
	out := make([]protocol.CompletionItem, 0, len(ids))
	for _, id := range ids {
		out = append(out, completionItem(id, protocol.CompletionItemKindValue, "secret store id",
			"A reference to the secret store entry `"+id+"`; the value stays in the store.", id, r))
	}
	return out
}

// libCompletions offers profile-lib functions after a chain such as `lib.`,
// `lib.secrets.` or `secrets.`; nil when the chain names no part of the
// library.
func libCompletions(f *nixsyntax.File, off int, chain, typed string) []protocol.CompletionItem {
	segs := strings.Split(chain, ".")
	prefixes := []string{chain + "."}
	if strings.HasSuffix(strings.ToLower(segs[0]), "lib") {
		prefixes = append(prefixes, strings.Join(segs[1:], ".")) // lib.x. -> "x."
		if len(segs) > 1 {
			prefixes[1] += "."
		}
	}
	r := f.Range(off-len(typed), off)
	var out []protocol.CompletionItem
	for _, prefix := range prefixes {
		for _, fn := range manifest.LibFunctions() {
			if !strings.HasPrefix(fn.Name, prefix) || fn.Name == prefix {
				continue
			}
			label := strings.TrimPrefix(fn.Name, prefix)
			out = append(out, completionItem(label, protocol.CompletionItemKindFunction, fn.Signature,
				fn.Description, label, r))
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// keyCompletions offers the manifest keys of the set at the cursor.
func keyCompletions(c nixsyntax.Cursor, m mount) []protocol.CompletionItem {
	mpath, ok := setManifestPath(c.Path)
	if m.imported {
		mpath, ok = m.manifestPath(c.Path), true
	}
	if !ok {
		return nil
	}
	fields := manifest.Children(mpath)
	out := make([]protocol.CompletionItem, 0, len(fields))
	for _, fd := range fields {
		kind := protocol.CompletionItemKindProperty
		if strings.HasPrefix(fd.Type, "object") {
			kind = protocol.CompletionItemKindModule
		}
		var doc strings.Builder
		doc.WriteString(fd.Description)
		writeFieldDoc(&doc, manifest.FieldDoc{Default: fd.Default, DefaultBy: fd.DefaultBy, Enum: fd.Enum, Known: fd.Known})
		detail := fd.Type
		if fd.Required {
			detail += " (required)"
		}
		out = append(out, completionItem(fd.Name, kind, detail, doc.String(), fd.Name, c.WordRange))
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
func valueCompletions(f *nixsyntax.File, off int, c nixsyntax.Cursor, mpath []string) []protocol.CompletionItem {
	if len(mpath) == 0 {
		return nil
	}
	doc, _ := manifest.Field(mpath)
	quoted := inString(f, off)
	var out []protocol.CompletionItem
	for _, v := range manifest.Values(mpath) {
		insert := v
		if !quoted && !strings.HasPrefix(doc.Type, "boolean") {
			insert = fmt.Sprintf("%q", v)
		}
		out = append(out, completionItem(v, protocol.CompletionItemKindEnumMember,
			strings.Join(mpath, ".")+": "+doc.Type, doc.Description, insert, c.WordRange))
	}
	return out
}

// authCompletions offers `secrets.ref "<id>"` for each secret store id
// where a model's auth is set, written so that it resolves there (through
// the library variable when `secrets` is not in scope).
func (s *Server) authCompletions(path string, c nixsyntax.Cursor, mpath []string) []protocol.CompletionItem {
	if len(mpath) == 0 || mpath[len(mpath)-1] != "auth" {
		return nil
	}
	ids := s.sess.SecretIDs()
	if len(ids) == 0 {
		return nil
	}
	probe := `secrets.ref "x"`
	prefix := strings.TrimSuffix(s.inScope(path, c.WordRange, probe), probe)
	out := make([]protocol.CompletionItem, 0, len(ids))
	for _, id := range ids {
		call := prefix + "secrets.ref " + fmt.Sprintf("%q", id)
		out = append(out, completionItem(call, protocol.CompletionItemKindReference, "secret store reference",
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

func completionItem(label string, kind protocol.CompletionItemKind, detail, doc, insert string, r diagnostics.Range) protocol.CompletionItem {
	item := protocol.CompletionItem{
		Label:    label,
		Kind:     kind,
		TextEdit: &protocol.TextEdit{Range: toProtoRange(r), NewText: insert},
	}
	if detail != "" {
		item.Detail = protocol.NewOptional(detail)
	}
	if doc != "" {
		item.Documentation = &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: doc}
	}
	return item
}
