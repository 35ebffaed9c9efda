package lsp_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/internal/lsptest"
	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// inProject makes dir a project (dir/.insomnia/profiles.toml) listing the
// file rel (relative to dir) as project:name: a file no profile rule
// recognises (a string, a bare expression) is a profile once listed.
func inProject(t *testing.T, dir, name, rel string) {
	t.Helper()
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"),
		"[profile]\n"+name+" = \"../"+filepath.ToSlash(rel)+"\"\n")
}

// profileStatus is insomnia.profileStatus of a file.
func profileStatus(t *testing.T, c *lsptest.Client, path string) map[string]any {
	t.Helper()
	return mustCommand[map[string]any](t, c, "insomnia.profileStatus", map[string]string{"uri": string(uri.File(path))})
}

// TestRepositoryRootWorkspace: with the repository root (not examples/) as
// the only folder, the examples are a project: coder.nix is
// project:coder (default) and evaluates clean, listProfiles of the active
// file shows that project, and "Set as default" on reviewer.nix edits
// examples/.insomnia/profiles.toml (a copy: the repository is not touched).
func TestRepositoryRootWorkspace(t *testing.T) {
	testenv.NeedNix(t)
	root := t.TempDir()
	testenv.CopyDir(t, repoFile(t, "examples"), filepath.Join(root, "examples"))
	testenv.Write(t, filepath.Join(root, "README.md"), "a repository\n")
	profiles := filepath.Join(root, "examples", ".insomnia", "profiles")
	coder, reviewer := filepath.Join(profiles, "coder.nix"), filepath.Join(profiles, "reviewer.nix")
	regFile := filepath.Join(root, "examples", ".insomnia", "profiles.toml")

	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.ApplyEdits = true
	c.InitializeTrusted(root, nil)
	c.Open(coder)
	awaitLens(t, c, coder, "profile: project:coder (default)")
	c.Await("coder evaluated", func() bool { return profileStatus(t, c, coder)["state"] == "ok" })
	if ds := c.Diagnostics(coder); len(ds) != 0 {
		t.Errorf("coder.nix has diagnostics: %s", lsptest.Describe(ds))
	}
	if _, ok := lensNamed(codeLenses(t, c, coder), "Add to project profiles"); ok {
		t.Errorf("coder.nix is offered to a second registry at the root")
	}
	rows := mustCommand[[]profileRow](t, c, "insomnia.listProfiles", map[string]string{"uri": string(uri.File(coder))})
	if r, ok := rowOf(rows, "project:reviewer"); !ok || r.IsDefault {
		t.Errorf("listProfiles of coder.nix's project: %+v", rows)
	}

	c.Open(reviewer)
	awaitLens(t, c, reviewer, "Set as default")
	var res editRes
	if err := c.Command("insomnia.setDefaultProfile", map[string]string{"uri": string(uri.File(reviewer))}, &res); err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.File != regFile {
		t.Errorf("set default edited %q (%+v), want %s", res.File, res, regFile)
	}
	if got, _ := os.ReadFile(regFile); !strings.Contains(string(got), `default = "reviewer"`) {
		t.Errorf("examples registry after set default:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(root, ".insomnia")); err == nil {
		t.Errorf("a registry was created at the repository root")
	}
	awaitLens(t, c, reviewer, "profile: project:reviewer (default)")
}

// twoProjects writes root/<name>/.insomnia with profiles main (default) and
// other, each a complete profile importing the bundled library.
func writeProject(t *testing.T, dir, podName string) (main, other string) {
	t.Helper()
	testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles.toml"),
		"default = \"main\"\n\n[profile]\nmain = \"profiles/main.nix\"\nother = \"profiles/other.nix\"\n")
	body := "{ manifest = { pod.name = %q; }; }\n"
	main = testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles", "main.nix"), fmt.Sprintf(body, podName))
	other = testenv.Write(t, filepath.Join(dir, ".insomnia", "profiles", "other.nix"), fmt.Sprintf(body, podName+"-other"))
	return main, other
}

// TestTwoProjectsInOneWorkspace: each file takes names, the default and
// registry edits from its own project.
func TestTwoProjectsInOneWorkspace(t *testing.T) {
	root := t.TempDir()
	aMain, _ := writeProject(t, filepath.Join(root, "a"), "a")
	_, bOther := writeProject(t, filepath.Join(root, "deep", "er", "b"), "b")
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.ApplyEdits = true
	c.InitializeTrusted(root, nil)
	c.Open(aMain)
	c.Open(bOther)
	awaitLens(t, c, aMain, "profile: project:main (default)")
	awaitLens(t, c, bOther, "profile: project:other")
	rows := mustCommand[[]profileRow](t, c, "insomnia.listProfiles", map[string]string{"uri": string(uri.File(bOther))})
	if r, ok := rowOf(rows, "project:main"); !ok || !strings.HasPrefix(r.Path, filepath.Join(root, "deep")) {
		t.Errorf("listProfiles of b: %+v", rows)
	}
	var res editRes
	if err := c.Command("insomnia.setDefaultProfile", map[string]string{"uri": string(uri.File(bOther))}, &res); err != nil {
		t.Fatal(err)
	}
	bReg := filepath.Join(root, "deep", "er", "b", ".insomnia", "profiles.toml")
	if !res.OK || res.File != bReg {
		t.Errorf("set default on b edited %q, want %s", res.File, bReg)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "a", ".insomnia", "profiles.toml")); !strings.Contains(string(got), `default = "main"`) {
		t.Errorf("project a's registry changed:\n%s", got)
	}
	awaitLens(t, c, bOther, "profile: project:other (default)")
	awaitLens(t, c, aMain, "profile: project:main (default)")
}

// TestMultiRootWorkspaceAndFolderChange: two folders, each a project, then
// a third added with didChangeWorkspaceFolders.
func TestMultiRootWorkspaceAndFolderChange(t *testing.T) {
	a, b, third := t.TempDir(), t.TempDir(), t.TempDir()
	_, aOther := writeProject(t, a, "a")
	bMain, _ := writeProject(t, b, "b")
	cMain, _ := writeProject(t, third, "c")
	testenv.Write(t, filepath.Join(third, ".insomnia", "profiles.toml"),
		"default = \"other\"\n\n[profile]\nmain = \"profiles/main.nix\"\nother = \"profiles/other.nix\"\n")
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.InitializeFolders([]string{a, b}, nil)
	c.Open(aOther)
	c.Open(bMain)
	c.Open(cMain)
	awaitLens(t, c, aOther, "profile: project:other")
	awaitLens(t, c, bMain, "profile: project:main (default)")
	if l, ok := lensNamed(codeLenses(t, c, cMain), "profile: project:main"); ok {
		t.Errorf("a file outside every folder is named by a project it is not in: %+v", l)
	}
	c.ChangeFolders([]string{third}, nil)
	awaitLens(t, c, cMain, "profile: project:main")
	if l, _ := lensNamed(codeLenses(t, c, cMain), "profile: project:main"); strings.Contains(l.Title, "(default)") {
		t.Errorf("c's main is shown as default (c's default is other): %q", l.Title)
	}
	c.ChangeFolders(nil, []string{a})
	awaitLens(t, c, bMain, "profile: project:main (default)")
}

// TestHomeManagerCorpusGetsNothing: Nix files that are not profiles (every
// home-manager file of ../shared/corpus) get no diagnostics, lens, hover or
// code action from the server, even with syntax the parser would flag. A
// profile opened last in the same session does get its diagnostics (so the
// silence is the gate, not a dead server). -short opens the first 150.
func TestHomeManagerCorpusGetsNothing(t *testing.T) {
	corpus, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus", "home-manager"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("../shared/corpus/home-manager is absent; skipping")
	}
	var files []string
	_ = filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".nix" {
			files = append(files, p)
		}
		return nil
	})
	if testing.Short() && len(files) > 150 {
		files = files[:150]
	}
	control := t.TempDir()
	testenv.Write(t, filepath.Join(control, ".insomnia", "profiles.toml"), "")
	bad := testenv.Write(t, filepath.Join(control, ".insomnia", "profiles", "new.nix"), "{ manifest = { pod.name = \"x\" }; }\n")
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.InitializeFolders([]string{corpus, control}, nil)
	for _, f := range files {
		c.Open(f)
		if ls := codeLenses(t, c, f); len(ls) != 0 {
			t.Errorf("%s has lenses: %+v", f, ls)
		}
		if h := c.Hover(f, 0, 0); h != "" {
			t.Errorf("%s has a hover: %q", f, h)
		}
	}
	c.Open(bad)
	c.AwaitCode(bad, "syntax-error")
	for _, f := range files {
		if ds := c.Diagnostics(f); len(ds) != 0 {
			t.Errorf("%s has diagnostics: %s", f, lsptest.Describe(ds))
		}
	}
	if len(files) < 100 {
		t.Fatalf("only %d corpus files", len(files))
	}
}

// libProject is a project whose profile imports a library that is not
// there (as when a profile is copied out of examples/).
func libProject(t *testing.T) (root, profile string) {
	root = t.TempDir()
	testenv.Write(t, filepath.Join(root, ".insomnia", "profiles.toml"), "default = \"p\"\n[profile]\np = \"profiles/p.nix\"\n")
	profile = testenv.Write(t, filepath.Join(root, ".insomnia", "profiles", "p.nix"),
		"let lib = import ../lib/profile-lib.nix { }; in\nlib.mkProfile {\n  name = \"p\";\n"+okBody+"}\n")
	return root, profile
}

// TestMissingProfileLibVendorFix: the import gets profile-lib-missing; the
// vendor fix creates .insomnia/lib/profile-lib.nix with the bundled library
// and points the import there, after which the profile evaluates clean.
func TestMissingProfileLibVendorFix(t *testing.T) {
	testenv.NeedNix(t)
	root, profile := libProject(t)
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	caps := map[string]any{"workspace": map[string]any{"workspaceEdit": map[string]any{
		"documentChanges": true, "resourceOperations": []string{"create"}}}}
	c.InitializeFoldersCaps([]string{root}, nil, caps)
	c.Open(profile)
	d := c.AwaitCode(profile, "profile-lib-missing")
	var actions []*protocol.CodeAction
	c.Await("both library fixes (once discovery ran)", func() bool {
		actions = codeActions(t, c, profile, d.Range, []protocol.Diagnostic{d})
		return actionTitled(actions, "Vendor the profile library") != nil &&
			actionTitled(actions, "Import the installed runtime's library") != nil
	})
	vendor := actionTitled(actions, "Vendor the profile library")
	if vendor == nil || vendor.Edit == nil || actionTitled(actions, "Import the installed runtime's library") == nil {
		for _, a := range actions {
			t.Logf("action %q edit=%v", a.Title, a.Edit != nil)
		}
		t.Fatalf("actions: %+v", actions)
	}
	lib := filepath.Join(root, ".insomnia", "lib", "profile-lib.nix")
	if cf, ok := vendor.Edit.DocumentChanges[0].(*protocol.CreateFile); !ok || cf.URI != uri.File(lib) {
		t.Fatalf("first change %+v, want CreateFile of %s", vendor.Edit.DocumentChanges[0], lib)
	}
	if err := lsptest.ApplyEdit(*vendor.Edit); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(lib)
	if want, _ := os.ReadFile(repoFile(t, "resources/nix/profile-lib.nix")); string(got) != string(want) {
		t.Errorf("vendored library differs from the bundled one")
	}
	text, _ := os.ReadFile(profile)
	if !strings.Contains(string(text), "import ../lib/profile-lib.nix") {
		t.Errorf("import after the fix:\n%s", text)
	}
	c.Save(profile, string(text))
	c.AwaitDiagnostics(profile, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })
	c.Await("p evaluated", func() bool { return profileStatus(t, c, profile)["state"] == "ok" })
}

// TestMissingProfileLibInstalledFix: without resource operations, only the
// rewrite to the runtime's library (an absolute path) is offered.
func TestMissingProfileLibInstalledFix(t *testing.T) {
	root, profile := libProject(t)
	c := lsptest.Start(t, lsp.Options{Env: featEnv(t)})
	c.InitializeFolders([]string{root}, nil)
	c.Open(profile)
	d := c.AwaitCode(profile, "profile-lib-missing")
	var actions []*protocol.CodeAction
	c.Await("the installed-library fix (once the directories are resolved)", func() bool {
		actions = codeActions(t, c, profile, d.Range, []protocol.Diagnostic{d})
		return actionTitled(actions, "Import the installed runtime's library") != nil
	})
	if actionTitled(actions, "Vendor") != nil {
		t.Errorf("vendor offered to a client without CreateFile: %+v", actions)
	}
	fix := actionTitled(actions, "Import the installed runtime's library")
	if fix == nil {
		t.Fatalf("no installed-library fix: %+v", actions)
	}
	tde := fix.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	newText := tde.Edits[0].(*protocol.TextEdit).NewText
	if !filepath.IsAbs(newText) || filepath.Base(newText) != "profile-lib.nix" {
		t.Errorf("rewrite to %q", newText)
	}
	if _, err := os.Stat(newText); err != nil {
		t.Errorf("the runtime's library %s: %v", newText, err)
	}
}
