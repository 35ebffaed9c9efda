package ide

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/internal/pathkey"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/markdown"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/manifest"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// Hover is markdown for the editor and the span it describes (nil: the
// cursor's word is not known).
type Hover struct {
	Markdown string
	Range    *diagnostics.Range
}

// HoverAt never waits for Nix: it reads the parse tree, the schema and the
// newest finished evaluation. In a profile it shows, by cursor position,
// the docs of a profile-lib function, the whole profile (first line or
// outside any attribute), or one manifest attribute; in profiles.toml, the
// entry under the cursor and its file's last evaluation status.
func HoverAt(src Source, path string, pos diagnostics.Pos) (Hover, bool) {
	if IsRegistryName(path) {
		return registryHover(src, path, pos)
	}
	f := nixTree(src, path)
	if f == nil {
		return Hover{}, false
	}
	off := f.Lines.Offset(pos)
	if text, r, ok := secretIDHover(src, f, off); ok {
		return Hover{text, &r}, true
	}
	if fn, r, ok := libFunctionAt(f, off); ok {
		return Hover{libFunctionDoc(fn), &r}, true
	}
	st, known := src.Profile(path)
	if !known && !src.IsProfile(path, f.Src) {
		// Not a profile: maybe a file a profile imports.
		if m, st, ok := importMount(src, path, f); ok {
			if text, r, ok := attributeHover(src, path, f, off, st, m); ok {
				return Hover{text, &r}, true
			}
		}
		return Hover{}, false
	}
	if pos.Line > 0 {
		if text, r, ok := attributeHover(src, path, f, off, st, mount{}); ok {
			return Hover{text, &r}, true
		}
	}
	return Hover{Markdown: profileHover(src, st)}, true
}

// profileHover is the whole-profile view: name, status, hash and manifest,
// one blank line between parts and none where a part is empty.
func profileHover(src Source, st session.ProfileState) string {
	parts := []string{fmt.Sprintf("**profile** %s · %s", markdown.Code(name(src, st.Path).Label()), st.Status()),
		statusNote(st)}
	shown := st.LastGood
	if shown != nil {
		snap := "none (the manifest does not resolve)"
		if shown.Hash != "" {
			snap = "`sha256:" + shown.Hash + "`"
		}
		text, cut := ManifestText(shown, HoverManifestBytes)
		parts = append(parts, fmt.Sprintf("snapshot %s · evaluated in %d ms at %s", snap, shown.Duration.Milliseconds(),
			shown.Finished.Format("15:04:05")), markdown.Block("json", text), defaultsNote(shown), TruncatedNote(cut))
	}
	var b strings.Builder
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(p)
		}
	}
	return b.String() + "\n"
}

// builtinDefaults are the fields the display manifest fills when the
// profile leaves them out (contract §2.3, manifest.Display), by pointer.
func builtinDefaults() map[string]float64 {
	return map[string]float64{
		"/manifest/worker/tool_output/default_max_bytes": manifest.DefaultToolOutputMaxBytes,
		"/manifest/worker/file_upload/max_bytes":         manifest.DefaultFileUploadMaxBytes,
	}
}

// defaultsNote names the fields shown that the profile did not write: a
// builtin default whose value is the default and that Nix placed nowhere.
// Without a position map nothing can be told apart, and nothing is said.
func defaultsNote(o *check.Outcome) string {
	if len(o.Positions) == 0 {
		return ""
	}
	var from []string
	for ptr, def := range builtinDefaults() {
		segs := manifest.PointerNames(strings.TrimPrefix(ptr, "/manifest/"))
		v, ok := outcomeValue(o, segs)
		if _, set := o.Positions[ptr]; !set && ok && v == fmt.Sprint(def) {
			from = append(from, markdown.Code(strings.Join(segs, ".")))
		}
	}
	if len(from) == 0 {
		return ""
	}
	slices.Sort(from)
	return "from defaults (not written by the profile): " + strings.Join(from, ", ")
}

// secretIDHover says, on the id of a `secrets.ref "id"`, whether the
// secret store has that id (the server knows ids, never values).
func secretIDHover(src Source, f *nixsyntax.File, off int) (string, diagnostics.Range, bool) {
	for _, ref := range nixsyntax.SecretRefs(f) {
		r := ref.Range
		if off < f.Lines.Offset(r.Start) || off > f.Lines.Offset(r.End) {
			continue
		}
		head := "**secret** " + markdown.Code(ref.ID) + " · "
		ids := src.SecretIDs()
		switch {
		case ids == nil:
			return head + "the secret store could not be read, so the id is not checked", r, true
		case slices.Contains(ids, ref.ID):
			return head + "in the secret store (the value stays there)", r, true
		}
		known := make([]string, len(ids))
		for i, id := range ids {
			known[i] = markdown.Code(id)
		}
		return head + "not in the secret store (known ids: " + strings.Join(known, ", ") + ")", r, true
	}
	return "", diagnostics.Range{}, false
}

// statusNote says when what is shown is not the newest evaluation (pending
// or failed); "" when the last result is current and good.
func statusNote(st session.ProfileState) string {
	r := st.Readiness()
	note := ""
	switch r.Reason {
	case session.Evaluating:
		note = "_evaluating…_"
	case session.NotEvaluated:
		note = "_not evaluated yet_"
	case session.NixMissing:
		note = "_not evaluated: Nix not found_"
	case session.NixFailed:
		note = "_last evaluation failed; see the diagnostics_"
	case session.HasErrors:
		note = fmt.Sprintf("_%s; see the diagnostics_", markdown.Text(r.Detail))
	}
	if st.LastGood != nil && st.Latest != st.LastGood {
		note += " — showing the last good result"
	}
	return note
}

// attributeHover documents the manifest attribute at off: the schema's
// type, default and description, its resolved value in the last good
// evaluation, and the file that set it when that is not this file.
func attributeHover(src Source, path string, f *nixsyntax.File, off int, st session.ProfileState, m mount) (string, diagnostics.Range, bool) {
	c, ok := nixsyntax.CursorAt(f, off)
	if !ok || (c.Key == "" && !c.InValue) {
		return "", diagnostics.Range{}, false
	}
	attr := c.Path
	if c.Key != "" {
		attr = append(append([]string(nil), c.Path...), c.Key)
	}
	mpath := m.manifestPath(attr)
	if len(mpath) == 0 {
		return "", diagnostics.Range{}, false
	}
	r := c.WordRange
	if r.Start == r.End {
		r = diagnostics.Range{Start: f.Lines.Pos(off), End: f.Lines.Pos(off)}
	}
	text, ok := attributeText(path, mpath, st)
	return text + envNote(src, path, f, off), r, ok
}

// mount says where a file's attribute paths sit in the manifest: a profile
// wraps them in its envelope (imported is false); a file a profile imports
// has its top-level set at path (as the profile's position map shows).
type mount struct {
	imported bool
	path     []string
}

func (m mount) manifestPath(attr []string) []string {
	if !m.imported {
		return manifestPath(attr)
	}
	return append(append([]string(nil), m.path...), attr...)
}

// importMount finds a profile that imports path and where the file's
// top-level set lands in its manifest: a key recorded in the position map
// at a place in this file, whose pointer ends with the key's attribute
// path here, gives the prefix.
func importMount(src Source, path string, f *nixsyntax.File) (mount, session.ProfileState, bool) {
	for _, prof := range src.Dependents(path) {
		st, ok := src.Profile(prof)
		if !ok || st.LastGood == nil {
			continue
		}
		for ptr, loc := range st.LastGood.Positions {
			if !strings.HasPrefix(ptr, "/manifest/") || !pathkey.Same(loc.File, path) {
				continue
			}
			attr, ok := nixsyntax.AttrPathAt(f, f.Lines.Offset(loc.Range.Start))
			segs := manifest.PointerNames(strings.TrimPrefix(ptr, "/manifest/"))
			if ok && len(attr) > 0 && len(attr) <= len(segs) && slices.Equal(segs[len(segs)-len(attr):], attr) {
				return mount{imported: true, path: segs[:len(segs)-len(attr)]}, st, true
			}
		}
	}
	return mount{}, session.ProfileState{}, false
}

// ManifestPath is manifestPath for the protocol layer (inlay hints).
func ManifestPath(attr []string) []string { return manifestPath(attr) }

// manifestPath strips the envelope from an attribute path: the manifest is
// the mkProfile argument itself, or its `manifest`/`config` attribute (or
// the artifact's `manifest`). Profile metadata (name, description) is not
// part of it.
func manifestPath(attr []string) []string {
	if len(attr) == 0 {
		return nil
	}
	switch attr[0] {
	case "manifest", "config":
		return attr[1:]
	case "name", "description", "profile":
		if len(attr) == 1 || attr[0] == "profile" {
			return nil
		}
	}
	return attr
}

// attributeText renders the hover of one manifest path in file here.
func attributeText(here string, mpath []string, st session.ProfileState) (string, bool) {
	doc, documented := manifest.Field(mpath)
	var value string
	found := false
	if st.LastGood != nil {
		value, found = outcomeValue(st.LastGood, mpath)
	}
	if !documented && !found {
		return "", false
	}
	var b strings.Builder
	b.WriteString("**" + markdown.Code(strings.Join(mpath, ".")) + "**")
	if documented {
		writeFieldDoc(&b, doc)
	} else {
		b.WriteString("\n\n_not a manifest field: the runtime ignores it_")
	}
	if found {
		b.WriteString("\n\nresolved value:\n" + markdown.Block("json", value))
		if where := setBy(here, mpath, st.LastGood.Positions); where != "" {
			b.WriteString("\n\n" + where)
		}
	} else if st.LastGood != nil {
		b.WriteString("\n\n_not set in the resolved manifest_")
	}
	if note := statusNote(st); note != "" && st.LastGood != nil {
		b.WriteString("\n\n" + note)
	}
	return b.String(), true
}

func writeFieldDoc(b *strings.Builder, d manifest.FieldDoc) {
	if d.Type != "" {
		fmt.Fprintf(b, " · `%s`", d.Type)
	}
	if d.Required {
		b.WriteString(" · required")
	}
	if d.Description != "" {
		b.WriteString("\n\n" + d.Description)
	}
	if d.Default != "" {
		fmt.Fprintf(b, "\n\ndefault: `%s`", d.Default)
		if d.DefaultBy != "" && d.DefaultBy != "resolution" {
			fmt.Fprintf(b, " (applied by the %s)", d.DefaultBy)
		}
	}
	if vals := append(append([]string(nil), d.Enum...), d.Known...); len(vals) > 0 {
		b.WriteString("\n\nvalues: `" + strings.Join(vals, "`, `") + "`")
	}
	if d.AliasOf != "" {
		fmt.Fprintf(b, "\n\nalias of `%s`", d.AliasOf)
	}
	if d.Removed != "" {
		fmt.Fprintf(b, "\n\n**removed**: use `%s`", d.Removed)
	}
}

// outcomeValue is displayValue of o's Display, rendered once per outcome.
func outcomeValue(o *check.Outcome, path []string) (string, bool) {
	return o.Rendered("value\x00"+strings.Join(path, "\x00"), func() (string, bool) { return displayValue(o.Display, path) })
}

// displayValue is the indented JSON at path in a display manifest (which is
// already redacted), key order kept.
func displayValue(display json.RawMessage, path []string) (string, bool) {
	raw := display
	for _, k := range path {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return "", false
		}
		next, ok := obj[k]
		if !ok {
			return "", false
		}
		raw = next
	}
	return valueText(raw), true
}

// setBy says which other file set path: the nearest recorded position of
// the value (a value without a position of its own has its nearest
// ancestor's), else, for a set defined in this file, the files its values
// come from. "" when everything comes from this file.
func setBy(here string, path []string, pm diagnostics.PosMap) string {
	ptr := "/manifest"
	for _, k := range path {
		ptr += "/" + manifest.EscapePointer(k)
	}
	for p := ptr; p != "/manifest"; p = p[:strings.LastIndexByte(p, '/')] {
		if loc, ok := pm[p]; ok {
			if !pathkey.Same(loc.File, here) {
				return fmt.Sprintf("set in %s line %d", markdown.Code(relTo(here, loc.File)), loc.Range.Start.Line+1)
			}
			break
		}
	}
	var files []string
	for p, loc := range pm {
		if strings.HasPrefix(p, ptr+"/") && !pathkey.Same(loc.File, here) && !slices.Contains(files, relTo(here, loc.File)) {
			files = append(files, relTo(here, loc.File))
		}
	}
	if len(files) == 0 {
		return ""
	}
	slices.Sort(files)
	for i, f := range files {
		files[i] = markdown.Code(f)
	}
	return "values from " + strings.Join(files, ", ")
}

// relTo names file relative to the folder of here when it is near.
func relTo(here, file string) string {
	if rel, err := filepath.Rel(filepath.Dir(here), file); err == nil && !strings.HasPrefix(rel, "../..") {
		return rel
	}
	return file
}

// libFunctionAt finds a profile-lib function named by the identifier chain
// under the cursor (`lib.mkProfile`, `secrets.ref`, `lib.secrets.ref`...).
func libFunctionAt(f *nixsyntax.File, off int) (manifest.LibFunction, diagnostics.Range, bool) {
	segs, at, start, end, ok := identChain(f, off)
	if !ok {
		return manifest.LibFunction{}, diagnostics.Range{}, false
	}
	for _, fn := range manifest.LibFunctions() {
		name := strings.Split(fn.Name, ".")
		for i := 0; i+len(name) <= len(segs); i++ {
			if i <= at && at < i+len(name) && slices.Equal(segs[i:i+len(name)], name) {
				return fn, f.Range(start, end), true
			}
		}
	}
	return manifest.LibFunction{}, diagnostics.Range{}, false
}

// identChain returns the names of a dotted identifier chain around off
// (`a.b.c`), the index of the one under the cursor and the chain's span.
func identChain(f *nixsyntax.File, off int) (segs []string, at, start, end int, ok bool) {
	i := tokenAt(f, off)
	if i < 0 {
		return nil, 0, 0, 0, false
	}
	first, last := i, i
	for first >= 2 && f.Tokens[first-1].Kind == nixsyntax.TDot && f.Tokens[first-2].Kind == nixsyntax.TIdent {
		first -= 2
	}
	for last+2 < len(f.Tokens) && f.Tokens[last+1].Kind == nixsyntax.TDot && f.Tokens[last+2].Kind == nixsyntax.TIdent {
		last += 2
	}
	for j := first; j <= last; j += 2 {
		t := f.Tokens[j]
		segs = append(segs, string(f.Src[t.Start:t.End]))
	}
	return segs, (i - first) / 2, int(f.Tokens[first].Start), int(f.Tokens[last].End), true
}

// tokenAt is the identifier token containing off (or ending at it); -1 if none.
func tokenAt(f *nixsyntax.File, off int) int {
	lo, hi := 0, len(f.Tokens)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(f.Tokens[mid].End) <= off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for _, i := range []int{lo, lo - 1} {
		if i >= 0 && i < len(f.Tokens) && f.Tokens[i].Kind == nixsyntax.TIdent &&
			int(f.Tokens[i].Start) <= off && off <= int(f.Tokens[i].End) {
			return i
		}
	}
	return -1
}

func libFunctionDoc(fn manifest.LibFunction) string {
	return "```nix\n" + fn.Signature + "\n```\n\n" + fn.Description + "\n\n_profile-lib_ `" + fn.Name + "`"
}

// registryHover shows a profiles.toml entry (or the default) and the last
// evaluation status of its file.
func registryHover(src Source, path string, pos diagnostics.Pos) (Hover, bool) {
	text := src.Text(path)
	if text == nil {
		return Hover{}, false
	}
	h, ok := registry.HoverAt(path, text, offsetIn(src, path, text, pos), src.RegistryFor(path))
	if !ok {
		return Hover{}, false
	}
	md := h.Markdown()
	if h.Path != "" {
		st, known := src.Profile(filepath.Clean(h.Path))
		status := "not evaluated"
		if known {
			status = st.Status()
			if st.Latest != nil && st.Latest.Message != "" && status != "evaluating" {
				status += ": " + st.Latest.Message
			}
		}
		md += "\n\nlast evaluation: " + markdown.Text(status)
	}
	return Hover{md, &h.Range}, true
}
