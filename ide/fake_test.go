package ide

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/fixture"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/check"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
	"github.com/insomnia-lsp/insomnia-lsp/session"
)

// fake is a Source without Nix: files from a fixture, evaluation outcomes
// made up by the test.
type fake struct {
	files     map[string]string
	profiles  map[string]session.ProfileState
	reg       *registry.Registry
	secretIDs []string
	dirs      registry.Dirs
	diags     map[string][]diagnostics.Diagnostic
	deps      map[string][]string // file -> profiles importing it
	untrusted bool
}

const ws = "/ws"

// load reads a multi-file fixture (`-- p.nix --` headers, paths below
// /ws) with one `$0` cursor, and returns the source, the cursor's file and
// its position.
func load(t *testing.T, archive string) (*fake, string, diagnostics.Pos) {
	t.Helper()
	f := &fake{files: map[string]string{}, profiles: map[string]session.ProfileState{},
		diags: map[string][]diagnostics.Diagnostic{}, deps: map[string][]string{}}
	var cursorFile string
	var pos diagnostics.Pos
	for _, file := range fixture.Files(archive) {
		path := filepath.Join(ws, file.Name)
		text := file.Text
		if strings.Contains(text, fixture.Marker) {
			clean, off, err := fixture.Cursor(text)
			if err != nil {
				t.Fatal(err)
			}
			text, cursorFile, pos = clean, path, diagnostics.NewLines([]byte(clean)).Pos(off)
		}
		f.files[path] = text
	}
	if cursorFile == "" {
		t.Fatal("fixture has no $0 cursor")
	}
	return f, cursorFile, pos
}

// evaluated records a made-up evaluation of profile path: display is its
// display manifest (the JSON Nix would have produced), errors its error count.
func (f *fake) evaluated(path, display string, errs int, positions diagnostics.PosMap) {
	// Kept indented, as manifest.Display keeps it (hover shows it as is).
	var indented bytes.Buffer
	if err := json.Indent(&indented, []byte(display), "", "  "); err == nil {
		display = indented.String()
	}
	out := &check.Outcome{Display: json.RawMessage(display), Hash: "abc", Errors: errs, Positions: positions}
	if errs == 0 {
		out.Snapshot = json.RawMessage(display)
	} else {
		out.Message = "2 manifest errors"
	}
	st := session.ProfileState{Path: path, Latest: out}
	if errs == 0 {
		st.LastGood = out
	}
	f.profiles[path] = st
}

func (f *fake) Tree(path string) *nixsyntax.File {
	if t := f.Text(path); t != nil {
		return nixsyntax.Parse(t)
	}
	return nil
}

func (f *fake) Text(path string) []byte {
	if t, ok := f.files[path]; ok {
		return []byte(t)
	}
	return nil
}

func (f *fake) Document(string) *session.Document { return nil }

func (f *fake) Profile(path string) (session.ProfileState, bool) {
	st, ok := f.profiles[path]
	if !ok {
		st.Path = path
	}
	return st, ok
}

func (f *fake) IsProfile(path string, text []byte) bool {
	if session.NameIn(f.reg, path).Listed {
		return true
	}
	return len(f.deps[path]) == 0 && bytes.Contains(text, []byte("mkProfile"))
}

func (f *fake) Dependents(path string) []string               { return f.deps[path] }
func (f *fake) RegistryFor(string) *registry.Registry         { return f.reg }
func (f *fake) Name(path string) session.Name                 { return session.NameWithin(f.reg, ws, path) }
func (f *fake) SecretIDs() []string                           { return f.secretIDs }
func (f *fake) Dirs() registry.Dirs                           { return f.dirs }
func (f *fake) Settings() session.Settings                    { return session.DefaultSettings() }
func (f *fake) TrustedPath(string) bool                       { return !f.untrusted }
func (f *fake) Diagnostics(p string) []diagnostics.Diagnostic { return f.diags[p] }

func (f *fake) MayStartPods(string) error {
	if f.untrusted {
		return errors.New("untrusted")
	}
	return nil
}

// rangeOf is the range of the first needle in the fake's file path.
func (f *fake) rangeOf(t *testing.T, path, needle string) diagnostics.Range {
	t.Helper()
	text := f.files[path]
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q not in %s", needle, path)
	}
	lines := diagnostics.NewLines([]byte(text))
	return diagnostics.Range{Start: lines.Pos(i), End: lines.Pos(i + len(needle))}
}
