package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
)

// sourceMap turns Nix positions into LSP locations. The profile itself was
// fed to Nix on stdin after `shift` wrapper lines, so its positions come as
// «stdin» (or "" from the wrapper) and are moved back onto the buffer;
// every other file is read from disk, once.
type sourceMap struct {
	profile   string
	wrapper   string // frames in the wrapper are ours, never shown
	shift     int
	resources string // positions in here are the library's, not the user's
	texts     map[string][]byte
	lines     map[string]*diagnostics.Lines
	library   map[string]bool // memo of isLibrary
}

func newSourceMap(profile string, buffer []byte, shift int, resources string) *sourceMap {
	m := &sourceMap{profile: profile, shift: shift, resources: resources,
		wrapper: filepath.Join(resources, filepath.FromSlash(WrapperFile)),
		texts:   map[string][]byte{}, lines: map[string]*diagnostics.Lines{}, library: map[string]bool{}}
	m.texts[bufferKey] = buffer
	m.lines[bufferKey] = diagnostics.NewLines(buffer)
	return m
}

// bufferKey names the buffer in the maps: no real path is empty.
const bufferKey = ""

func (m *sourceMap) text(file string) ([]byte, *diagnostics.Lines) {
	if l, ok := m.lines[file]; ok {
		return m.texts[file], l
	}
	data, err := safefile.Read(file, safefile.MaxSourceBytes)
	if err != nil {
		data = nil
	}
	m.texts[file], m.lines[file] = data, diagnostics.NewLines(data)
	return data, m.lines[file]
}

// locate converts one position. It reports false for places that are not
// the user's text: the wrapper's own lines, «nix-internal», «none».
func (m *sourceMap) locate(p NixPos) (diagnostics.Location, bool) {
	file, line := p.File, p.Line
	if file == "" || isTextOrigin(file) {
		file, line = bufferKey, line-m.shift
	}
	if line < 1 || file == m.wrapper || (file != bufferKey && !strings.HasPrefix(file, "/")) {
		return diagnostics.Location{}, false
	}
	text, lines := m.text(file)
	if file == bufferKey && line > lines.Count() {
		return diagnostics.Location{}, false
	}
	name := file
	if file == bufferKey {
		name = m.profile
	}
	return diagnostics.Location{File: name, Range: tokenRange(text, lines, line, p.Col)}, true
}

// isLibrary says a location is inside the profile library (the bundled
// resources, or any copy of profile-lib.nix a profile imports by path) while
// the profile is not: there it says where profile-lib.nix builds a value,
// which tells the user nothing.
func (m *sourceMap) isLibrary(file string) bool {
	lib, ok := m.library[file]
	if !ok {
		bundled := m.resources != "" && within(file, m.resources) && !within(m.profile, m.resources)
		lib = bundled || (filepath.Base(file) == "profile-lib.nix" && file != m.profile)
		m.library[file] = lib
	}
	return lib
}

func within(file, dir string) bool {
	rel, err := filepath.Rel(dir, file)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// tokenRange spans the token at a Nix position: an identifier, a quoted
// attribute name, or one character.
func tokenRange(text []byte, lines *diagnostics.Lines, line, col int) diagnostics.Range {
	start := lines.NixPos(line, col)
	off := lines.Offset(start)
	end := off
	switch {
	case off < len(text) && isIdentStart(text[off]):
		for end < len(text) && isIdentChar(text[end]) {
			end++
		}
	case off < len(text) && text[off] == '"':
		end = closingQuote(text, off)
	case off < len(text) && text[off] != '\n':
		end = off + 1
	}
	return diagnostics.Range{Start: start, End: lines.Pos(end)}
}

func isIdentStart(b byte) bool {
	return b == '_' || (b|0x20 >= 'a' && b|0x20 <= 'z')
}

func isIdentChar(b byte) bool {
	return isIdentStart(b) || (b >= '0' && b <= '9') || b == '\'' || b == '-'
}

func closingQuote(text []byte, open int) int {
	for i := open + 1; i < len(text) && text[i] != '\n'; i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return open + 1
}

// wrapperPositions reads the wrapper's [ path file line column ] list into
// a map keyed by JSON pointer.
func wrapperPositions(raw json.RawMessage) (map[string]NixPos, error) {
	var entries [][]any
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, err
	}
	out := make(map[string]NixPos, len(entries))
	for _, e := range entries {
		if len(e) != 4 {
			return nil, fmt.Errorf("position entry has %d parts", len(e))
		}
		path, ok0 := e[0].([]any)
		file, ok1 := e[1].(string)
		line, ok2 := e[2].(float64)
		col, ok3 := e[3].(float64)
		if !ok0 || !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("bad position entry %v", e)
		}
		out[pointer(path)] = NixPos{File: file, Line: int(line), Col: int(col)}
	}
	return out, nil
}

// pointer writes a JSON pointer (RFC 6901) from names and list indices.
func pointer(path []any) string {
	var b strings.Builder
	for _, seg := range path {
		b.WriteByte('/')
		switch s := seg.(type) {
		case string:
			b.WriteString(escapePointer(s))
		case float64:
			b.WriteString(strconv.Itoa(int(s)))
		case json.Number:
			b.WriteString(s.String())
		case int:
			b.WriteString(strconv.Itoa(s))
		}
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return pointerEscaper.Replace(s)
}

// buildPosMap gives every pointer of the artifact a location: its own, or
// for a string set through profile-lib (e.g. /profile/name) the literal
// `key = "value"` in the buffer, or else its nearest ancestor's.
func buildPosMap(artifact json.RawMessage, own map[string]NixPos, m *sourceMap) diagnostics.PosMap {
	var v any
	dec := json.NewDecoder(bytes.NewReader(artifact))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	out := diagnostics.PosMap{}
	root := diagnostics.Location{File: m.profile}
	out[""] = root
	fill(out, own, m, "", "", v, root)
	return out
}

func fill(out diagnostics.PosMap, own map[string]NixPos, m *sourceMap, ptr, key string, v any, parent diagnostics.Location) {
	loc := parent
	if ptr != "" {
		loc = m.place(own, ptr, key, v, parent)
		out[ptr] = loc
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fill(out, own, m, ptr+"/"+escapePointer(k), k, t[k], loc)
		}
	case []any:
		for i, e := range t {
			fill(out, own, m, ptr+"/"+strconv.Itoa(i), "", e, loc)
		}
	}
}

func (m *sourceMap) place(own map[string]NixPos, ptr, key string, v any, parent diagnostics.Location) diagnostics.Location {
	if p, ok := own[ptr]; ok {
		if loc, ok := m.locate(p); ok && !m.isLibrary(loc.File) {
			return loc
		}
	}
	if s, ok := v.(string); ok && key != "" {
		if loc, ok := m.findLiteral(key, s); ok {
			return loc
		}
	}
	return parent
}

// findLiteral looks for `key = "value"` in the buffer: the place a plain
// string passed to mkProfile was written. It searches for the quoted value
// as plain bytes and checks what precedes it, so a huge value costs one
// scan of the buffer and no regexp built from user text.
func (m *sourceMap) findLiteral(key, value string) (diagnostics.Location, bool) {
	if strings.ContainsAny(value, "\"\\$\n") || !isIdentStart(key[0]) {
		return diagnostics.Location{}, false
	}
	text, lines := m.texts[bufferKey], m.lines[bufferKey]
	quoted := make([]byte, 0, len(value)+2)
	quoted = append(append(append(quoted, '"'), value...), '"')
	for from := 0; from < len(text); {
		i := bytes.Index(text[from:], quoted)
		if i < 0 {
			break
		}
		i += from
		if start, ok := keyBefore(text, i, key); ok {
			r := diagnostics.Range{Start: lines.Pos(start), End: lines.Pos(start + len(key))}
			return diagnostics.Location{File: m.profile, Range: r}, true
		}
		from = i + 1
	}
	return diagnostics.Location{}, false
}

// keyBefore checks that `key <ws> = <ws>` ends right before the quote at q,
// with key a whole word (the start of the text, or no name character or dot
// before it), and returns the key's offset.
func keyBefore(text []byte, q int, key string) (int, bool) {
	i := skipSpaceBack(text, q)
	if i == 0 || text[i-1] != '=' {
		return 0, false
	}
	i = skipSpaceBack(text, i-1)
	start := i - len(key)
	if start < 0 || string(text[start:i]) != key {
		return 0, false
	}
	if start > 0 && (isIdentChar(text[start-1]) || text[start-1] == '.') {
		return 0, false
	}
	return start, true
}

// skipSpaceBack moves i back over the blanks RE2's \s matches.
func skipSpaceBack(text []byte, i int) int {
	for i > 0 && strings.IndexByte(" \t\n\f\r", text[i-1]) >= 0 {
		i--
	}
	return i
}

var textPosRE = regexp.MustCompile(`(«stdin»|«string»|\(string\)|\(stdin\)):(\d+):(\d+)`)

// rewriteMessage replaces positions in the stdin text that Nix wrote into
// a message ("'f' at (string):2:9 called without ...") by the profile's
// name and buffer line.
func (m *sourceMap) rewriteMessage(msg string) string {
	return textPosRE.ReplaceAllStringFunc(msg, func(s string) string {
		sub := textPosRE.FindStringSubmatch(s)
		line, _ := strconv.Atoi(sub[2])
		if line-m.shift < 1 {
			return s
		}
		return fmt.Sprintf("%s:%d:%s", filepath.Base(m.profile), line-m.shift, sub[3])
	})
}
