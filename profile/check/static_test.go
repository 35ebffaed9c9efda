package check

import (
	"os"
	"strings"
	"testing"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

// Static joins the parser's diagnostics and the secret checks on literals
// and secrets.ref call sites.
func TestStatic(t *testing.T) {
	const key = "ghp_Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	src := "let secrets = { ref = id: id; }; in { a = undefinedName; token = \"" + key + "\"; auth = secrets.ref \"no.such.id\"; }\n"
	ds := Static("/p.nix", nixsyntax.Parse([]byte(src)), []string{"llm.default"})
	codes := map[string]int{}
	for _, d := range ds {
		codes[d.Code]++
		if d.File != "/p.nix" || strings.Contains(d.Message, key[4:]) {
			t.Errorf("bad diagnostic %+v", d)
		}
	}
	for _, c := range []string{"undefined-variable", "plaintext-secret", "secret-unknown"} {
		if codes[c] != 1 {
			t.Errorf("code %s: %d times, want 1 (all: %v)", c, codes[c], codes)
		}
	}
}

// A key pasted without quotes is a name: as a value (undefined variable),
// a let binding (unused binding) and an attribute name. Each occurrence is
// a plaintext-secret, and no message shows more than the masked form.
func TestStaticKeyShapedNames(t *testing.T) {
	const key = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	// Two keys: one bound and unused, one used and undefined.
	src := "let " + key + " = 1; in { model.auth = " + key + "x; " + key + " = 2; short-name = 3; }\n"
	ds := Static("/p.nix", nixsyntax.Parse([]byte(src)), nil)
	codes := map[string]int{}
	for _, d := range ds {
		codes[d.Code]++
		if strings.Contains(d.Message, key[4:]) {
			t.Errorf("%s message leaks the key: %q", d.Code, d.Message)
		}
	}
	t.Logf("codes: %v", codes)
	// The binding, the value and the attribute name.
	if codes["plaintext-secret"] != 3 {
		t.Errorf("plaintext-secret %d times, want 3 (all: %v)", codes["plaintext-secret"], codes)
	}
	for _, c := range []string{"undefined-variable", "unused-binding"} {
		if codes[c] != 1 {
			t.Errorf("code %s: %d times, want 1 (all: %v)", c, codes[c], codes)
		}
	}
}

// `check --no-eval` over home-manager's modules reported 186
// plaintext-secret errors (key bindings, keymaps), none a credential.
func TestStaticHomeManagerClean(t *testing.T) {
	if testing.Short() {
		t.Skip("parses the whole home-manager corpus")
	}
	dir := "../../../shared/corpus/home-manager/modules"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s is absent (the shared corpus is not part of the repository): %v", dir, err)
	}
	files, n := 0, 0
	testenv.EachNixFile(t, dir, func(p string, src []byte) {
		files++
		for _, d := range Static(p, nixsyntax.Parse(src), nil) {
			if d.Code == "plaintext-secret" {
				n++
				t.Errorf("%s:%d: %s", p, d.Range.Start.Line+1, d.Message)
			}
		}
	})
	if files < 1000 {
		t.Errorf("only %d files under %s", files, dir)
	}
	t.Logf("%d files, %d plaintext-secret findings", files, n)
}
