package lsp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// profEnv is a temporary insomnia installation: a HOME with a user
// registry, a workspace with a commented project registry, and the
// repository's builtin profiles. The root is short because pods put unix
// sockets under HOME.
type profEnv struct {
	root, home, ws, lib string
	userFile, projFile  string
	env                 map[string]string
}

const projectRegistry = `# Project profiles. This comment must survive edits.
default = "coder" # the one we use most

[profile]
coder = "profiles/coder.nix"       # writes code
reviewer = "profiles/reviewer.nix" # reads only
`

const userRegistry = `# My own profiles (user registry).

[profile]
helper = "helper.nix"
`

func newProfEnv(t *testing.T) *profEnv {
	t.Helper()
	testenv.NeedNix(t)
	root, err := os.MkdirTemp("", "lp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	e := &profEnv{root: root, home: filepath.Join(root, "h"), ws: filepath.Join(root, "ws"),
		lib: repoFile(t, "resources/nix/profile-lib.nix")}
	e.env = map[string]string{"HOME": e.home, "INSOMNIA_RESOURCE_DIR": repoFile(t, "resources"),
		"PATH": os.Getenv("PATH")}
	e.projFile = testenv.Write(t, filepath.Join(e.ws, ".insomnia", "profiles.toml"), projectRegistry)
	e.userFile = testenv.Write(t, filepath.Join(e.home, ".config", "insomnia", "profiles.toml"), userRegistry)
	e.write(t, filepath.Join(e.ws, ".insomnia", "profiles", "coder.nix"), "coder", "anthropic/claude-sonnet")
	e.write(t, filepath.Join(e.ws, ".insomnia", "profiles", "reviewer.nix"), "reviewer", "anthropic/claude-haiku")
	e.write(t, filepath.Join(e.home, ".config", "insomnia", "helper.nix"), "helper", "anthropic/claude-haiku")
	return e
}

// profileNix is a valid profile whose scope covers the workspace from
// .insomnia/profiles/ (registry profiles resolve against their folder).
func (e *profEnv) profileNix(pod, model string) string {
	return fmt.Sprintf(`let lib = import %q { }; in
lib.mkProfile {
  name = %q;
  description = "test profile %s";
  manifest = {
    pod.name = %q;
    scope.allow = [ { target = "../.."; permission = "write"; recursive = true; } ];
    model.ref = %q;
    worker.reasoning = "high";
  };
}
`, e.lib, pod, pod, pod, model)
}

func (e *profEnv) write(t *testing.T, path, pod, model string) string {
	return testenv.Write(t, path, e.profileNix(pod, model))
}

func (e *profEnv) coder() string { return filepath.Join(e.ws, ".insomnia", "profiles", "coder.nix") }
func (e *profEnv) reviewer() string {
	return filepath.Join(e.ws, ".insomnia", "profiles", "reviewer.nix")
}

func (e *profEnv) start(t *testing.T, settings map[string]any) *lsptest.Client {
	t.Helper()
	env := func(k string) string { return e.env[k] }
	c := lsptest.Start(t, lsp.Options{Env: env, Cwd: e.ws})
	c.InitializeTrusted(e.ws, settings)
	return c
}

// editRes is the result of the commands that edit a profiles.toml.
type editRes struct {
	OK            bool
	File, Message string
}

type profileRow struct {
	QualifiedName, Source, Name, Path, Description, Status string
	IsDefault                                              bool
}

// mustCommand runs a command that must succeed and decodes its result.
func mustCommand[T any](t *testing.T, c *lsptest.Client, name string, arg any) T {
	t.Helper()
	var out T
	if err := c.Command(name, arg, &out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func listProfiles(t *testing.T, c *lsptest.Client) []profileRow {
	t.Helper()
	return mustCommand[[]profileRow](t, c, "insomnia.listProfiles", map[string]any{})
}

// findRow is the first row with the given key.
func findRow[T any](rows []T, key func(T) string, want string) (T, bool) {
	for _, r := range rows {
		if key(r) == want {
			return r, true
		}
	}
	var zero T
	return zero, false
}

func rowOf(rows []profileRow, qn string) (profileRow, bool) {
	return findRow(rows, func(r profileRow) string { return r.QualifiedName }, qn)
}

// awaitStatus waits until listProfiles shows qn with the given status.
func awaitStatus(t *testing.T, c *lsptest.Client, qn, status string) {
	t.Helper()
	c.Await(qn+" status "+status, func() bool {
		r, _ := rowOf(listProfiles(t, c), qn)
		return r.Status == status
	})
}

// lensRow is a code lens in a comparable form.
type lensRow struct {
	Title, Command string
	Arg            map[string]string
}

func codeLenses(t *testing.T, c *lsptest.Client, path string) []lensRow {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lsptest.Wait)
	defer cancel()
	ls, err := c.Server.CodeLens(ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)}})
	if err != nil {
		t.Fatalf("codeLens: %v", err)
	}
	var out []lensRow
	for _, l := range ls {
		r := lensRow{Title: l.Command.Title, Command: l.Command.Command}
		if len(l.Command.Arguments) > 0 {
			if err := json.Unmarshal(l.Command.Arguments[0], &r.Arg); err != nil {
				t.Fatalf("lens argument %s: %v", l.Command.Arguments[0], err)
			}
		}
		if l.Range.Start.Line != 0 {
			t.Errorf("lens %q not at the top: line %d", r.Title, l.Range.Start.Line)
		}
		out = append(out, r)
	}
	return out
}

func titles(ls []lensRow) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Title)
	}
	return out
}

func lensNamed(ls []lensRow, prefix string) (lensRow, bool) {
	for _, l := range ls {
		if strings.HasPrefix(l.Title, prefix) {
			return l, true
		}
	}
	return lensRow{}, false
}

// awaitLens waits until path has a lens whose title starts with prefix.
func awaitLens(t *testing.T, c *lsptest.Client, path, prefix string) lensRow {
	t.Helper()
	var found lensRow
	c.Await(fmt.Sprintf("lens %q on %s", prefix, filepath.Base(path)), func() bool {
		var ok bool
		found, ok = lensNamed(codeLenses(t, c, path), prefix)
		return ok
	})
	return found
}

func TestProfilesListAllSources(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	awaitStatus(t, c, "project:coder", "ok")
	rows := listProfiles(t, c)
	want := map[string]bool{"builtin:default": false, "user:helper": false, "project:coder": true, "project:reviewer": false}
	for qn, isDef := range want {
		r, ok := rowOf(rows, qn)
		if !ok {
			t.Errorf("listProfiles lacks %s: %+v", qn, rows)
			continue
		}
		if r.IsDefault != isDef {
			t.Errorf("%s isDefault = %v, want %v", qn, r.IsDefault, isDef)
		}
		if src, name, _ := strings.Cut(qn, ":"); r.Source != src || r.Name != name {
			t.Errorf("%s has source %q name %q", qn, r.Source, r.Name)
		}
		if !filepath.IsAbs(r.Path) {
			t.Errorf("%s path %q is not absolute", qn, r.Path)
		}
	}
	if r, _ := rowOf(rows, "project:reviewer"); r.Description != "" {
		// Descriptions come from the registry table form only.
		t.Errorf("reviewer has description %q, none was written", r.Description)
	}
	for _, r := range rows {
		switch r.Status {
		case "ok", "error", "evaluating", "unknown":
		default:
			t.Errorf("%s has status %q", r.QualifiedName, r.Status)
		}
	}
}

func TestProfilesLensTexts(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	c.Open(e.coder())
	c.Open(e.reviewer())
	awaitStatus(t, c, "project:reviewer", "ok")
	awaitStatus(t, c, "project:coder", "ok")

	coder := codeLenses(t, c, e.coder())
	if len(coder) < 2 || coder[0].Title != "profile: project:coder (default)" || coder[0].Command != "" {
		t.Errorf("coder lenses: %q", titles(coder))
	}
	if _, ok := lensNamed(coder, "Set as default"); ok {
		t.Errorf("the default profile offers Set as default: %q", titles(coder))
	}
	rev := codeLenses(t, c, e.reviewer())
	if rev[0].Title != "profile: project:reviewer" {
		t.Errorf("reviewer lens: %q", titles(rev))
	}
	set, ok := lensNamed(rev, "Set as default")
	if !ok || set.Command != "insomnia.setDefaultProfile" || set.Arg["uri"] != string(uri.File(e.reviewer())) {
		t.Errorf("Set as default lens: %+v (all: %q)", set, titles(rev))
	}
	sp, ok := lensNamed(rev, "Spawn pod")
	if !ok || sp.Title != "Spawn pod" || sp.Command != "insomnia.client.spawnPod" || sp.Arg["profile"] != "project:reviewer" {
		t.Errorf("Spawn pod lens: %+v", sp)
	}
	// A file that is not a profile has no lens.
	lib := codeLenses(t, c, e.lib)
	if len(lib) != 0 {
		t.Errorf("profile-lib.nix has lenses: %q", titles(lib))
	}
}

func TestProfilesSetDefaultKeepsComments(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	c.ApplyEdits = true
	c.Open(e.reviewer())
	awaitLens(t, c, e.reviewer(), "Set as default")

	var res editRes
	if err := c.Command("insomnia.setDefaultProfile", map[string]string{"uri": string(uri.File(e.reviewer()))}, &res); err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.File != e.projFile || !strings.Contains(res.Message, "project:reviewer is now the default") {
		t.Errorf("result %+v", res)
	}
	got, _ := os.ReadFile(e.projFile)
	want := strings.Replace(projectRegistry, `default = "coder"`, `default = "reviewer"`, 1)
	if string(got) != want {
		t.Errorf("profiles.toml after set-default:\n%s\nwant:\n%s", got, want)
	}
	awaitLens(t, c, e.reviewer(), "profile: project:reviewer (default)")
	if r, _ := rowOf(listProfiles(t, c), "project:coder"); r.IsDefault {
		t.Errorf("coder is still the default")
	}
	// The edit of a file that is not open carries no version.
	edits := c.Edits()
	tde := onlyTextEdit(t, edits[len(edits)-1])
	if tde.TextDocument.Version != nil {
		t.Errorf("edit of a closed file has version %d", *tde.TextDocument.Version)
	}
}

// A user profile becomes the default in the user registry, unless the
// project registry declares its own default (then the project registry
// gets the qualified name and the user is told why).
func TestProfilesSetDefaultUserEntryOverriddenByProject(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	c.ApplyEdits = true
	awaitStatus(t, c, "user:helper", "ok")
	var res editRes
	if err := c.Command("insomnia.setDefaultProfile", map[string]string{"selector": "user:helper"}, &res); err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.File != e.projFile || !strings.Contains(res.Message, "override") {
		t.Errorf("result %+v", res)
	}
	got, _ := os.ReadFile(e.projFile)
	if !strings.Contains(string(got), `default = "user:helper" # the one we use most`) {
		t.Errorf("project registry:\n%s", got)
	}
	c.Await("a message explaining the choice", func() bool {
		for _, m := range c.Messages() {
			if strings.Contains(m, "would override the user registry") {
				return true
			}
		}
		return false
	})
	c.Await("user:helper as default", func() bool {
		r, _ := rowOf(listProfiles(t, c), "user:helper")
		return r.IsDefault
	})
	// Without a project default, the user registry gets the bare name.
	testenv.Write(t, e.projFile, "[profile]\ncoder = \"profiles/coder.nix\"\n")
	c.Await("coder no longer default", func() bool {
		r, _ := rowOf(listProfiles(t, c), "project:coder")
		h, _ := rowOf(listProfiles(t, c), "user:helper")
		return !r.IsDefault && !h.IsDefault
	})
	if err := c.Command("insomnia.setDefaultProfile", map[string]string{"selector": "helper"}, &res); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(e.userFile)
	want := "# My own profiles (user registry).\n\ndefault = \"helper\"\n\n[profile]\nhelper = \"helper.nix\"\n"
	if !res.OK || res.File != e.userFile || string(got) != want {
		t.Errorf("result %+v; user registry:\n%s\nwant:\n%s", res, got, want)
	}
}

func TestProfilesSetDefaultErrors(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	awaitStatus(t, c, "project:coder", "ok")
	for _, tc := range []struct {
		arg  map[string]string
		want string
	}{
		{map[string]string{"selector": "nosuch"}, "profile not found"},
		{map[string]string{"selector": "./x.nix"}, "only a listed profile"},
		{map[string]string{}, "needs a selector"},
		{map[string]string{"uri": string(uri.File(filepath.Join(e.ws, "loose.nix")))}, "not listed in any profiles.toml"},
	} {
		err := c.Command("insomnia.setDefaultProfile", tc.arg, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("setDefault %v: error %v, want %q", tc.arg, err, tc.want)
		}
	}
	if len(c.Edits()) != 0 {
		t.Errorf("failed commands sent edits: %d", len(c.Edits()))
	}
}

func onlyTextEdit(t *testing.T, p *protocol.ApplyWorkspaceEditParams) *protocol.TextDocumentEdit {
	t.Helper()
	var out *protocol.TextDocumentEdit
	for _, dc := range p.Edit.DocumentChanges {
		if tde, ok := dc.(*protocol.TextDocumentEdit); ok {
			if out != nil {
				t.Fatalf("more than one document edit")
			}
			out = tde
		}
	}
	if out == nil {
		t.Fatalf("no document edit in %+v", p.Edit)
	}
	return out
}

// applyEdits applies LSP text edits to a text, as an editor does to its buffer.
func applyEdits(text string, tde *protocol.TextDocumentEdit) string {
	b := []byte(text)
	lines := diagnostics.NewLines(b)
	for i := len(tde.Edits) - 1; i >= 0; i-- {
		te := tde.Edits[i].(*protocol.TextEdit)
		s := lines.Offset(diagnostics.Pos{Line: int(te.Range.Start.Line), Col: int(te.Range.Start.Character)})
		end := lines.Offset(diagnostics.Pos{Line: int(te.Range.End.Line), Col: int(te.Range.End.Character)})
		b = append(b[:s:s], append([]byte(te.NewText), b[end:]...)...)
	}
	return string(b)
}

// The user is editing profiles.toml (unsaved) when the server proposes an
// edit: the edit is computed from the buffer and carries its version, and
// discovery follows the buffer once the editor applied it.
func TestProfilesSetDefaultOnUnsavedBuffer(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	c.Open(e.projFile)
	// Unsaved: a new first line and a new entry, so positions differ from disk.
	buffer := "# edited in the editor, not saved\n" + projectRegistry + "tester = \"profiles/reviewer.nix\"\n"
	c.Change(e.projFile, buffer) // version 2
	c.Open(e.coder())
	awaitLens(t, c, e.coder(), "profile: project:coder (default)")
	c.Await("project:tester from the buffer", func() bool {
		_, ok := rowOf(listProfiles(t, c), "project:tester")
		return ok
	})

	done := make(chan editRes, 1)
	var cmdErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var r editRes
		cmdErr = c.Command("insomnia.setDefaultProfile", map[string]string{"selector": "project:tester"}, &r)
		done <- r
	}()
	c.Await("the applyEdit request", func() bool { return len(c.Edits()) == 1 })
	tde := onlyTextEdit(t, c.Edits()[0])
	if tde.TextDocument.Version == nil || *tde.TextDocument.Version != 2 {
		t.Fatalf("edit version %v, want the buffer's 2", tde.TextDocument.Version)
	}
	edited := applyEdits(buffer, tde)
	want := strings.Replace(buffer, `default = "coder"`, `default = "tester"`, 1)
	if edited != want {
		t.Fatalf("edit applied to the buffer gives:\n%s\nwant:\n%s", edited, want)
	}
	c.Change(e.projFile, edited) // what the editor does with an applied edit
	wg.Wait()
	r := <-done
	if cmdErr != nil || !r.OK {
		t.Fatalf("setDefault: %v %+v", cmdErr, r)
	}
	disk, _ := os.ReadFile(e.projFile)
	if string(disk) != projectRegistry {
		t.Errorf("the server wrote to disk:\n%s", disk)
	}
	// The lens follows the unsaved buffer: coder is no longer the default.
	c.Await("coder lens without (default)", func() bool {
		l, ok := lensNamed(codeLenses(t, c, e.coder()), "profile: ")
		return ok && l.Title == "profile: project:coder"
	})
}

// An editor that cannot apply the edit (here: the user registry path is a
// folder on disk, only an unsaved buffer has it) gets ok=false and why.
func TestProfilesSetDefaultRefusedByEditor(t *testing.T) {
	e := newProfEnv(t)
	if err := os.Remove(e.projFile); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(e.userFile); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(e.userFile, 0o755); err != nil {
		t.Fatal(err)
	}
	c := e.start(t, nil)
	c.ApplyEdits = true
	c.Open(e.userFile, userRegistry)
	c.Await("user:helper from the buffer", func() bool {
		_, ok := rowOf(listProfiles(t, c), "user:helper")
		return ok
	})
	var res editRes
	if err := c.Command("insomnia.setDefaultProfile", map[string]string{"selector": "user:helper"}, &res); err != nil {
		t.Fatal(err)
	}
	if res.OK || res.File != e.userFile || !strings.Contains(res.Message, "did not apply") || !strings.Contains(res.Message, "is a directory") {
		t.Errorf("result %+v", res)
	}
}

// Renaming a profile on disk (the file and its registry entry, saved
// atomically) updates lenses, the picker and the registry's diagnostics
// with no editor involvement.
func TestProfilesRenameOnDisk(t *testing.T) {
	e := newProfEnv(t)
	c := e.start(t, nil)
	awaitStatus(t, c, "project:coder", "ok")
	moved := filepath.Join(e.ws, ".insomnia", "profiles", "writer.nix")
	if err := os.Rename(e.coder(), moved); err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(projectRegistry, `default = "coder"`, `default = "writer"`, 1)
	renamed = strings.Replace(renamed, `coder = "profiles/coder.nix"`, `writer = "profiles/writer.nix"`+"\nold = \"profiles/coder.nix\"", 1)
	tmp := testenv.Write(t, e.projFile+".tmp", renamed)
	if err := os.Rename(tmp, e.projFile); err != nil {
		t.Fatal(err)
	}
	awaitLens(t, c, moved, "profile: project:writer (default)")
	c.AwaitCode(e.projFile, "registry-missing-file")
	rows := listProfiles(t, c)
	if _, ok := rowOf(rows, "project:coder"); ok {
		t.Errorf("project:coder still listed: %+v", rows)
	}
	if r, ok := rowOf(rows, "project:writer"); !ok || !r.IsDefault {
		t.Errorf("project:writer missing or not default: %+v", rows)
	}
	awaitStatus(t, c, "project:writer", "ok")
}

func TestProfilesAddToProject(t *testing.T) {
	e := newProfEnv(t)
	loose := e.write(t, filepath.Join(e.ws, "tools", "scout.nix"), "scout", "anthropic/claude-haiku")
	c := e.start(t, nil)
	c.ApplyEdits = true
	awaitStatus(t, c, "project:coder", "ok") // discovery done
	c.Open(loose)
	add := awaitLens(t, c, loose, "Add to project profiles")
	if add.Command != "insomnia.addToProjectProfiles" || add.Arg["uri"] != string(uri.File(loose)) {
		t.Errorf("lens %+v", add)
	}
	if l := codeLenses(t, c, loose); l[0].Title != "profile: path:tools/scout.nix" {
		t.Errorf("first lens %q", l[0].Title)
	}
	var res editRes
	if err := c.Command("insomnia.addToProjectProfiles", add.Arg, &res); err != nil {
		t.Fatal(err)
	}
	if !res.OK || !strings.Contains(res.Message, "project:scout") {
		t.Errorf("result %+v", res)
	}
	got, _ := os.ReadFile(e.projFile)
	if !strings.HasPrefix(string(got), projectRegistry) || !strings.Contains(string(got), `scout = "../tools/scout.nix"`) {
		t.Errorf("project registry:\n%s", got)
	}
	awaitLens(t, c, loose, "profile: project:scout")
	// Adding again says it is already there and edits nothing.
	n := len(c.Edits())
	if err := c.Command("insomnia.addToProjectProfiles", add.Arg, &res); err != nil || !strings.Contains(res.Message, "already listed") {
		t.Errorf("second add: %v %+v", err, res)
	}
	if len(c.Edits()) != n {
		t.Errorf("second add sent an edit")
	}
}

// With no user registry yet, making a builtin profile the default creates
// <config>/profiles.toml (CreateFile, then an unversioned edit).
func TestProfilesSetDefaultCreatesUserRegistry(t *testing.T) {
	e := newProfEnv(t)
	res := filepath.Join(e.root, "res")
	e.env["INSOMNIA_RESOURCE_DIR"] = res
	e.write(t, filepath.Join(res, "nix", "profiles", "extra.nix"), "extra", "anthropic/claude-haiku")
	if err := os.Remove(e.userFile); err != nil {
		t.Fatal(err)
	}
	testenv.Write(t, e.projFile, "[profile]\ncoder = \"profiles/coder.nix\"\n")
	c := e.start(t, nil)
	c.ApplyEdits = true
	awaitStatus(t, c, "builtin:extra", "ok")
	r := mustCommand[editRes](t, c, "insomnia.setDefaultProfile", map[string]string{"selector": "builtin:extra"})
	if !r.OK || r.File != e.userFile {
		t.Errorf("result %+v", r)
	}
	edits := c.Edits()
	dc := edits[len(edits)-1].Edit.DocumentChanges
	if len(dc) != 2 {
		t.Fatalf("document changes %+v", dc)
	}
	if cf, ok := dc[0].(*protocol.CreateFile); !ok || cf.URI != uri.File(e.userFile) {
		t.Errorf("first change %+v, want CreateFile of the user registry", dc[0])
	}
	if tde := onlyTextEdit(t, edits[len(edits)-1]); tde.TextDocument.Version != nil {
		t.Errorf("edit of a new file has version %d", *tde.TextDocument.Version)
	}
	got, _ := os.ReadFile(e.userFile)
	if string(got) != "default = \"builtin:extra\"\n" {
		t.Errorf("created user registry %q", got)
	}
	c.Await("builtin:extra as default", func() bool {
		r, _ := rowOf(listProfiles(t, c), "builtin:extra")
		return r.IsDefault
	})
}
