package hostile

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/internal/testenv"
)

// A formatter is a program the workspace names (insomnia.formatting.command,
// trusted workspaces only): whatever it does, a formatting request gets a
// clear error within the 5 s budget, its whole process group is gone, the
// document is not replaced, memory stays bounded, and its stderr reaches no
// output unredacted.
func TestHostileFormatters(t *testing.T) {
	cases := []struct {
		name, script, want string
	}{
		// 64 MiB of output, far past the 8 MiB cap.
		{"floods stdout", "head -c 67108864 /dev/zero | tr '\\0' x", "formatter"},
		// Never exits and leaves a grandchild holding the pipes.
		{"never exits", "sleep 600 & sleep 600", "took longer than 5s"},
		// Fails and prints a key on stderr.
		{"prints a key", "echo 'bad token " + canary + "' >&2; exit 4", canaryMask()},
		// Bytes that are not text would replace the document with garbage.
		{"writes binary", "printf '\\377\\376\\000x'", "not UTF-8 text"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "-"), func(t *testing.T) {
			runHostileFormatter(t, tc.script, tc.want)
		})
	}
}

func runHostileFormatter(t *testing.T, script, want string) {
	root := t.TempDir()
	pids := filepath.Join(root, "pids")
	formatter := testenv.WriteMode(t, filepath.Join(root, "fmt.sh"), "#!/bin/sh\necho $$ >> "+pids+"\n"+script+"\n", 0o755)
	c := startAt(t, root, caseOpts{
		settings: map[string]any{"formatting": map[string]any{"command": []string{formatter}}}})
	path := c.open("p.nix", profile(t, ""))
	began := time.Now()
	res, err := c.p.Call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uriOf(path)},
		"options": map[string]any{"tabSize": 2, "insertSpaces": true}})
	took := time.Since(began)
	if err == nil {
		t.Fatalf("formatting answered %s, want an error containing %q", res, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("formatting error %q lacks %q", err, want)
	}
	if took > 15*time.Second {
		t.Errorf("formatting answered after %s: the 5 s budget was not kept", took)
	}
	t.Logf("answered in %s: %v", took.Round(time.Millisecond), err)
	formatterGone(t, c, string(testenv.Read(t, pids)))
	c.healthy(path)
}
