package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/insomnia-lsp/insomnia-lsp/resources"
)

// `insomnia-lsp init [DIR]` creates a working project: the registry, a
// first profile, and the profile library vendored at .insomnia/lib/, where
// the profile imports it. The runtime defines no import path for the
// library (contract open question 6), so a vendored copy is what keeps a
// repository self-contained, reproducible and readable by restricted
// evaluation (which reads only the project).

// initRegistry is .insomnia/profiles.toml, in the form the runtime reads.
const initRegistry = `# The profiles of this project (insomnia-lsp init). Paths are relative to
# this folder (.insomnia/). List them with: insomnia-lsp profiles
default = "main"

[profile]
main = "profiles/main.nix"
`

// initProfile is .insomnia/profiles/main.nix: small, complete, and clean
// under insomnia-lsp check.
const initProfile = `# The first profile of this project (insomnia-lsp init). Copy it to make
# more, and list each one in ../profiles.toml.
let
  # The profile library, vendored in this project (../lib/profile-lib.nix)
  # so the repository is self-contained and restricted evaluation can read it.
  lib = import ../lib/profile-lib.nix { };
in
lib.mkProfile {
  name = "main";
  description = "The first profile of this project";
  manifest = {
    pod.name = "main";
    model.ref = "anthropic/claude-sonnet-4-20250514";
    # Relative paths are relative to this file: "../.." is the project folder.
    scope.allow = [
      { target = "../.."; permission = "read"; recursive = true; }
    ];
  };
}
`

// ExistsError refuses to overwrite a file init would write.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists; init writes only into a folder without a project", e.Path)
}

// initFile is one file init writes, relative to the project folder.
type initFile struct {
	rel  string
	body []byte
}

func initFiles() ([]initFile, error) {
	lib, err := fs.ReadFile(resources.FS, "nix/profile-lib.nix")
	if err != nil {
		return nil, fmt.Errorf("the bundled profile library is missing: %w", err)
	}
	return []initFile{
		{".insomnia/profiles.toml", []byte(initRegistry)},
		{".insomnia/profiles/main.nix", []byte(initProfile)},
		{".insomnia/lib/profile-lib.nix", lib},
	}, nil
}

// initProject is `insomnia-lsp init`: exit 0 when written, 1 when a file
// exists (nothing is written then), 2 on a usage error.
func initProject(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("init", stderr)
	if flags.Parse(args) != nil || flags.NArg() > 1 {
		fmt.Fprintln(stderr, "usage: insomnia-lsp init [DIR]")
		return 2
	}
	dir := "."
	if flags.NArg() == 1 {
		dir = flags.Arg(0)
	}
	files, err := initFiles()
	if err == nil {
		err = writeInit(dir, files, stdout)
	}
	var exists *ExistsError
	switch {
	case errors.As(err, &exists):
		fmt.Fprintln(stderr, "insomnia-lsp init: refused:", err)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "insomnia-lsp init:", err)
		return 1
	}
	return 0
}

// writeInit checks every file first (nothing is written when one exists),
// then creates each with O_EXCL, so a file appearing meanwhile is not
// overwritten either.
func writeInit(dir string, files []initFile, stdout io.Writer) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.rel))
		if _, err := os.Lstat(p); err == nil {
			return &ExistsError{Path: p}
		}
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return &ExistsError{Path: p}
		}
		if err != nil {
			return err
		}
		_, werr := out.Write(f.body)
		if cerr := out.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return werr
		}
		fmt.Fprintln(stdout, "wrote", p)
	}
	fmt.Fprintf(stdout, "created a project in %s: check it with `insomnia-lsp check`, list it with `insomnia-lsp profiles`\n", dir)
	return nil
}
