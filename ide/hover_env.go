package ide

import (
	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
)

// envNote marks an attribute whose value calls builtins.getEnv (found
// statically): the runtime's nix eval inherits the shell's environment, the
// editor's evaluation sees only what evalEnvPolicy passes, so the value on
// screen can differ from the pod's. Empty when the binding reads nothing.
func envNote(src Source, path string, f *nixsyntax.File, off int) string {
	reads := nixsyntax.EnvReads(f)
	if len(reads) == 0 {
		return "" // the usual case: no scan for the binding
	}
	start, end, ok := nixsyntax.BindingAt(f, off)
	if !ok {
		return ""
	}
	policy := src.Settings().EnvPolicy()
	trusted := src.TrustedPath(path)
	seen := map[string]bool{}
	var lines []string
	for _, r := range reads {
		if r.Start < start || r.End > end || seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		lines = append(lines, envLine(r.Name, trusted, policy))
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n\n" + strings.Join(lines, "\n\n")
}

func envLine(name string, trusted bool, p eval.EnvPolicy) string {
	switch {
	case !trusted:
		return fmt.Sprintf("⚠ reads `$%s`: this untrusted workspace evaluates without any environment; a pod sees your shell's value", name)
	case !p.Passes(name):
		return fmt.Sprintf("⚠ reads `$%s`, which the editor does not pass; a pod sees your shell's value (add it to `insomnia.evaluation.passEnv` to preview it)", name)
	}
	return fmt.Sprintf("reads `$%s` from the editor's environment; a pod reads your shell's value, which may differ", name)
}
