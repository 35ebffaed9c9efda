package main

import (
	"fmt"
	"io"
	"os"

	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
	"github.com/insomnia-lsp/insomnia-lsp/profile/registry"
)

// profiles is `insomnia-lsp profiles [--json] [--select SELECTOR]`: what the
// runtime discovers from the current directory, or how it resolves one
// selector. Exit 1 when discovery or the selection fails.
func profiles(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("profiles", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	sel := fs.String("select", "", "resolve this selector as --profile would")
	if fs.Parse(args) != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "insomnia-lsp profiles: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	reg := newCLIEnv(cwd, stderr).discover(cwd)
	if *sel != "" {
		return printSelection(reg, *sel, *asJSON, stdout, stderr)
	}
	// The listing names a discovery failure itself ("error: ..." in text,
	// "error" in JSON); the status tells scripts.
	fmt.Fprint(stdout, registry.FormatList(reg, *asJSON))
	if reg.Err != nil {
		return 1
	}
	return 0
}

func printSelection(reg *registry.Registry, sel string, asJSON bool, stdout, stderr io.Writer) int {
	out, ok := registry.FormatSelection(reg, sel, asJSON)
	switch {
	case ok:
		fmt.Fprint(stdout, out)
		return 0
	case asJSON:
		fmt.Fprint(stdout, out)
	default:
		fmt.Fprintln(stderr, "error:", textsafe.Escape(out))
	}
	return 1
}
