// Command insomnia-pod-double is our test double of the insomnia runtime's
// insomnia-pod (contract §4). It speaks the documented contract: the flags
// of a fresh spawn (--profile S [--profile-pod-name N]) and of a restore
// (--pod N [--require-pod-state]) with [--store S], the ready line on
// stderr, metadata.json in the pod store, and pid/status.json/sock and a
// pods.json allocation in the runtime directory. It resolves profiles with
// real Nix (nix-instantiate) and the registry subset of registry.go, and
// stays up until SIGTERM or SIGINT, when it removes its runtime state.
//
// INSOMNIA_POD_DOUBLE_MODE picks a failure to act out:
//
//	slow         wait INSOMNIA_POD_DOUBLE_DELAY (default 1.5s) before ready
//	early-exit   print 11 lines and exit 1 before evaluating anything
//	malformed    print "INSOMNIA-READY\t<name>" (no socket) and wait
//	never-ready  print a progress line and wait, never ready
//	drift        write a snapshot whose model.ref differs from the profile
//
// INSOMNIA_POD_DOUBLE_STORE picks the pod store layout: split (default,
// <data_dir>/pods) or legacy (<store>/pods); see podRoot.
//
// Differences from the runtime, on purpose: a restore never evaluates Nix
// (upstream evaluates the default profile first and then discards it), and
// the snapshot is the manifest as evaluated (paths joined, pod.name renamed,
// provenance added) without the defaults the runtime's PodManifest fills in.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type options struct {
	profile, profilePodName, pod, store string
	requireState                        bool
	unsupported                         string
}

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	o, err := parseFlags(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	mode := os.Getenv("INSOMNIA_POD_DOUBLE_MODE")
	if code, done := actOut(ctx, mode, o); done {
		return code
	}
	p, err := startPod(ctx, o, mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "INSOMNIA-READY\t%s\t%s\n", p.name, p.sock)
	fmt.Fprintf(os.Stderr, "pod: %s listening on %q\n", p.name, p.sock)
	<-ctx.Done()
	p.stop()
	return 0
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("insomnia-pod", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.profile, "profile", "", "profile selector")
	fs.StringVar(&o.profilePodName, "profile-pod-name", "", "pod name for --profile")
	fs.StringVar(&o.pod, "pod", "", "restore or create this pod")
	fs.BoolVar(&o.requireState, "require-pod-state", false, "with --pod: missing state is an error")
	fs.StringVar(&o.store, "store", "", "store root")
	fs.StringVar(&o.store, "s", "", "store root")
	for _, f := range []string{"manifest", "session", "project", "callback", "spawn-config-json"} {
		fs.Func(f, "not supported by the double", func(string) error { o.unsupported = f; return nil })
	}
	fs.BoolFunc("adopt", "not supported by the double", func(string) error { o.unsupported = "adopt"; return nil })
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.unsupported != "":
		return o, fmt.Errorf("--%s is not supported by insomnia-pod-double", o.unsupported)
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.profile != "" && o.pod != "":
		return o, errors.New("the argument '--profile' cannot be used with '--pod'")
	case o.profilePodName != "" && o.profile == "":
		return o, errors.New("the argument '--profile-pod-name' requires '--profile'")
	case o.requireState && o.pod == "":
		return o, errors.New("the argument '--require-pod-state' requires '--pod'")
	}
	return o, nil
}

// actOut plays the failure modes that happen before any resolution.
func actOut(ctx context.Context, mode string, o options) (int, bool) {
	name := o.profilePodName + o.pod
	switch mode {
	case "early-exit":
		for i := 1; i <= 10; i++ { // more than the 8-line tail a client keeps
			fmt.Fprintf(os.Stderr, "double: step %d\n", i)
		}
		fmt.Fprintln(os.Stderr, "error: failed to create pod: the double was told to exit early")
		return 1, true
	case "malformed":
		fmt.Fprintf(os.Stderr, "INSOMNIA-READY\t%s\n", name)
		<-ctx.Done()
		return 0, true
	case "never-ready":
		fmt.Fprintln(os.Stderr, "double: evaluating forever")
		<-ctx.Done()
		return 0, true
	case "slow":
		delay := 1500 * time.Millisecond
		if d, err := time.ParseDuration(os.Getenv("INSOMNIA_POD_DOUBLE_DELAY")); err == nil {
			delay = d
		}
		fmt.Fprintln(os.Stderr, "double: starting slowly")
		select {
		case <-ctx.Done():
			return 0, true
		case <-time.After(delay):
		}
	}
	return 0, false
}

// startPod resolves or restores the manifest, writes metadata and starts
// listening.
func startPod(ctx context.Context, o options, mode string) (*pod, error) {
	dataDir, dataErr := baseDir(dataDirRule)
	runtimeDir, err := baseDir(runtimeDirRule)
	if err != nil {
		return nil, err
	}
	store := o.store
	if store == "" {
		if dataErr != nil {
			return nil, dataErr
		}
		store = filepath.Join(dataDir, "sessions")
	}
	pods, err := podRoot(os.Getenv("INSOMNIA_POD_DOUBLE_STORE"), dataDir, store)
	if err != nil {
		return nil, err
	}
	name, snapshot, err := manifestFor(ctx, o, pods)
	if err != nil {
		return nil, err
	}
	if mode == "drift" {
		model, _ := snapshot["model"].(map[string]any)
		if model == nil {
			model = map[string]any{}
			snapshot["model"] = model
		}
		model["ref"] = "double/drifted-model"
	}
	segment := uuidV7()
	// Register before writing metadata: a refused duplicate of a live pod
	// must not overwrite that pod's state.
	p, err := start(runtimeDir, name, segment, snapshot)
	if err != nil {
		return nil, err
	}
	if err := writeMetadata(pods, name, segment, snapshot); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// podRoot is the folder holding <name>/metadata.json. INSOMNIA_POD_DOUBLE_STORE
// picks the layout: "split" (the default; the runtime since 21173813, merged
// e2cf6ed8: <data_dir>/pods whatever --store says, <store>/../pods when the
// data dir is unknown; crates/pod/src/main.rs:230-236 at 6ecb5c4f) or
// "legacy" (before it: <store>/pods).
func podRoot(layout, dataDir, store string) (string, error) {
	switch layout {
	case "", "split":
		if dataDir != "" {
			return filepath.Join(dataDir, "pods"), nil
		}
		return filepath.Join(filepath.Dir(store), "pods"), nil
	case "legacy":
		return filepath.Join(store, "pods"), nil
	}
	return "", fmt.Errorf("INSOMNIA_POD_DOUBLE_STORE=%q: want split or legacy", layout)
}

// manifestFor picks the manifest source as the runtime does (§4.1):
// --profile, else a restore for --pod with saved state, else the default
// profile.
func manifestFor(ctx context.Context, o options, pods string) (string, map[string]any, error) {
	if o.pod != "" {
		if err := validName(o.pod); err != nil {
			return "", nil, err
		}
		snap, err := savedSnapshot(pods, o.pod)
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			return o.pod, snap, err
		}
		if o.requireState {
			return "", nil, fmt.Errorf("pod state missing for %s", o.pod)
		}
	}
	sel := o.profile
	if sel == "" {
		sel = "default"
	}
	// std::env::current_dir is getcwd: the physical folder, never $PWD.
	cwd, err := syscall.Getwd()
	if err != nil {
		return "", nil, err
	}
	pf, err := resolveSelector(sel, cwd)
	if err != nil {
		return "", nil, fmt.Errorf("failed to resolve profile %s: %v", sel, err)
	}
	snap, name, err := snapshotFor(ctx, pf, o.profilePodName+o.pod)
	if err != nil {
		return "", nil, fmt.Errorf("failed to resolve profile %s: %v", pf.label, err)
	}
	return name, snap, validName(name)
}

func validName(n string) error {
	if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/\x00") {
		return fmt.Errorf("invalid pod name %q", n)
	}
	return nil
}
