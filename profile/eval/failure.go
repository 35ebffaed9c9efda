package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// nixMissingMessage is the one message for "there is no Nix to run".
const nixMissingMessage = "evaluation needs Nix: install it (e.g. `apt-get install nix-bin`) or set insomnia.nixPath"

func fail(kind, msg string) *Failure { return &Failure{Kind: kind, Message: msg} }

// isNotFound says the program itself is missing or not runnable.
func isNotFound(err error) bool {
	return errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) ||
		errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOEXEC)
}

// classify turns a finished run into a Failure, or nil when Nix exited 0
// (the caller then reads stdout). It also returns the parsed Nix error,
// whose positions the caller converts.
func classify(o runOutcome, opts Options) (*Failure, *ParsedError) {
	switch {
	case o.startErr != nil && isNotFound(o.startErr):
		return fail(diagnostics.CodeNixMissing, nixMissingMessage), nil
	case o.startErr != nil:
		return fail(diagnostics.CodeNixMissing, "could not run Nix ("+o.startErr.Error()+"): "+nixMissingMessage), nil
	case o.stopped == stopTimeout:
		return fail(diagnostics.CodeTimeout, fmt.Sprintf("evaluation stopped after %s: infinite loop?", seconds(opts.Timeout))), nil
	case o.stopped == stopCancelled:
		return fail(diagnostics.CodeCancelled, "evaluation cancelled"), nil
	case o.stopped == stopOutputCap:
		limit := opts.MaxStdout
		if o.cappedStream == "stderr" {
			limit = opts.MaxStderr
		}
		return fail(diagnostics.CodeOutputCap, fmt.Sprintf("evaluation stopped: Nix printed more than %s on %s", size(uint64(limit)), o.cappedStream)), nil
	case o.exitCode != 0 && outOfMemory(o.stderr):
		return fail(diagnostics.CodeMemoryLimit, fmt.Sprintf("evaluation ran out of memory (limit %s): a huge or endless value?", size(opts.MemoryLimit))), nil
	case o.signal != 0:
		return fail(diagnostics.CodeKilled, fmt.Sprintf("Nix was stopped from outside by signal %d (%s)", int(o.signal), o.signal)), nil
	case o.exitCode != 0 && bytes.Contains(o.stderr, []byte("interrupted by the user")):
		// Nix turns SIGINT/SIGTERM into this error; we never send those.
		return fail(diagnostics.CodeKilled, "Nix was stopped from outside (it reports: interrupted by the user)"), nil
	case o.exitCode != 0:
		pe := ParseError(o.stderr)
		return fail(diagnostics.CodeNixError, nixMessage(pe, o.exitCode)), &pe
	}
	return nil, nil
}

// outOfMemory recognises Boehm GC's and C++'s out-of-memory reports.
func outOfMemory(stderr []byte) bool {
	for _, s := range []string{"error: out of memory", "Out of Memory!", "std::bad_alloc", "Cannot allocate memory"} {
		if bytes.Contains(stderr, []byte(s)) {
			return true
		}
	}
	return false
}

// nixMessage is the diagnostic text of a Nix error: its headline, with the
// two forms of endless recursion said plainly.
func nixMessage(pe ParsedError, code int) string {
	h := strings.TrimSpace(withoutOwnOutput(pe.Headline))
	switch {
	case h == "":
		return fmt.Sprintf("Nix failed (exit status %d) without an error message", code)
	case strings.HasPrefix(h, "infinite recursion encountered"):
		return "infinite recursion: a value depends on itself (Nix: " + h + ")"
	case strings.HasPrefix(h, "stack overflow"):
		return "infinite recursion: a function keeps calling itself (Nix: " + h + ")"
	}
	return h
}

// ownOutput is how the wrapper's JSON on stdout begins.
const ownOutput = `{"artifact":`

// withoutOwnOutput takes out the half-printed result Nix can quote in a
// message. When a program Nix forks for fetchGit cannot be executed, the
// child exits through C++'s stdio and flushes the parent's pending stdout
// (the JSON printed so far) into the output Nix quotes after "failed with
// exit code N:". That is the manifest up to the failing value, noise at
// best; the child's own error follows it.
func withoutOwnOutput(h string) string {
	i := strings.Index(h, ownOutput)
	if i < 0 {
		return h
	}
	rest := h[i:]
	if j := strings.Index(rest, "error: "); j >= 0 {
		return h[:i] + rest[j+len("error: "):]
	}
	return strings.TrimRight(h[:i], ": \n")
}

func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%d s", int(d/time.Second))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func size(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
