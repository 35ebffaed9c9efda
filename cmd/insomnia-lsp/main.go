// Command insomnia-lsp is the language server for insomnia Nix profiles and
// its command-line front end for CI. This file holds flags and subcommands
// only; the work lives in lsp/, profile/, diagnostics/ and spawn/.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `insomnia-lsp: language server for insomnia Nix profiles

usage:
  insomnia-lsp [serve] [--log-file FILE] [--log-level LEVEL] [--log-format json|text]
                                                              run the server on stdio
  insomnia-lsp check [--no-eval] [--format text|json|sarif|github] [--timeout D] [--trusted] [PATH...]
                                                              check profiles (default: builtin + discovered)
  insomnia-lsp resolve [--json] [--timeout D] [--trusted] SELECTOR
                                                              print a profile's resolved manifest

  check and resolve evaluate in Nix's restricted mode (reads only inside the
  project and the bundled resources, no network, no <nixpkgs>) unless given
  --trusted. Never pass --trusted in CI on pull requests from forks.
  insomnia-lsp profiles [--json] [--select SELECTOR]          list discovered profiles
  insomnia-lsp diff [--base REV] [--json] [--trusted] [PATH...]
                                                              what a change does to the resolved profiles
  insomnia-lsp init [DIR]                                     create a project (registry, a profile, the library)
  insomnia-lsp version
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stdin, stdout, stderr)
	case "check":
		oneShotGC()
		defer cpuProfile()()
		return check(args, stdout, stderr)
	case "resolve":
		return resolve(args, stdout, stderr)
	case "profiles":
		return profiles(args, stdout, stderr)
	case "diff":
		return diff(args, stdout, stderr)
	case "init":
		return initProject(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "insomnia-lsp", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "insomnia-lsp: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func serve(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("serve", stderr)
	logFile := fs.String("log-file", "", "write logs to this file instead of stderr")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	format := fs.String("log-format", "json", "json (one object per line) or text (local time, key=value)")
	_ = fs.Bool("stdio", true, "use stdio (the only transport; accepted for editor compatibility)")
	if fs.Parse(args) != nil {
		return 2
	}
	logger, closeLog, err := newLogger(*logFile, *level, *format, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "insomnia-lsp:", err)
		return 2
	}
	defer closeLog()
	serverGC()
	defer cpuProfile()()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cwd, _ := os.Getwd()
	return lsp.Serve(ctx, stdioRW{stdin, stdout}, lsp.Options{Logger: logger, Version: version, Cwd: cwd})
}

// cpuProfile starts a CPU profile when INSOMNIA_LSP_CPUPROFILE=FILE is
// set (performance work with scripts/bench.sh) and returns its stop.
func cpuProfile() func() {
	out := os.Getenv("INSOMNIA_LSP_CPUPROFILE")
	if out == "" {
		return func() {}
	}
	f, err := os.Create(out)
	if err != nil {
		return func() {}
	}
	_ = pprof.StartCPUProfile(f)
	return func() { pprof.StopCPUProfile(); _ = f.Close() }
}

// newLogger logs lines in the given format (logformat.go) to a file or stderr;
// never to stdout, which carries the protocol.
func newLogger(file, level, format string, stderr io.Writer) (*zap.Logger, func(), error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, nil, err
	}
	enc, err := logEncoder(format)
	if err != nil {
		return nil, nil, err
	}
	w := zapcore.AddSync(stderr)
	closeFn := func() {}
	if file != "" {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, err
		}
		w, closeFn = zapcore.AddSync(f), func() { _ = f.Close() }
	}
	return zap.New(zapcore.NewCore(enc, zapcore.Lock(w), lvl)), closeFn, nil
}

// stdioRW joins stdin and stdout into the stream the protocol needs.
type stdioRW struct {
	io.Reader
	io.Writer
}

func (stdioRW) Close() error { return nil }
