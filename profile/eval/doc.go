// Package eval runs Nix on insomnia profiles in the background: safely,
// with limits, with a cache, and with the newest edit winning.
//
// # Using it from the server
//
//	s := eval.NewScheduler(eval.Options{
//		Trusted: trusted,            // workspace trust; false = restricted mode
//		Roots:   workspaceFolders,   // readable in restricted mode
//		Program: settings.NixPath,   // "" = nix-instantiate from PATH
//		OnStart: func(key string) { /* begin $/progress for key */ },
//	}, func(key string, r eval.Result) {
//		// end $/progress; r.Failure or r.Artifact + r.Positions -> diagnostics
//	})
//	defer s.Close()                 // on shutdown: kills and reaps every Nix
//	s.Submit(path, eval.Request{Path: path, Text: overlay, Deps: closure}, saved)
//	s.Cancel(path)                  // progress cancelled, or document closed
//
// Keys are profile paths. Submit never blocks on Nix: edits (immediate
// false) wait Options.Debounce (200 ms) for quiet, saves start at once, and
// a newer Submit kills the older evaluation's process group. onResult
// reports only the newest version of a key; a superseded or cancelled one
// is never reported. A result found in the cache is reported without
// running Nix (Result.Cached) and without OnStart. When an imported file
// changes (editor or disk), Submit its dependent profiles again: the cache
// checks the content of every file Nix read (Result.Deps), so an unchanged
// closure costs no evaluation and a changed one is always re-run.
// onResult and OnStart may call Submit and Cancel, but not Close (Close
// waits for them).
//
// # How Nix runs
//
// `nix-instantiate --eval --strict --json --show-trace -v --log-format
// internal-json -` with cwd = the profile's folder and on stdin
// `(import <resources>/nix/eval-wrapper.nix) (` + text + `)`, so an unsaved
// buffer is what gets evaluated and its relative imports resolve from the
// file's folder; positions in the text are shifted back by the one prefix
// line. The wrapper returns the profile's value untouched (the artifact is
// byte for byte what Nix prints for the file) beside a list of attribute
// positions from builtins.unsafeGetAttrPos; it walks only what --strict
// forces anyway. A profile that is a function is reported
// (function-profile), not called: upstream's `nix eval --json --file` does
// not call it either.
//
// The Nix version (part of the cache key) comes from one `--version` probe
// per Evaluator, shared by every caller that needs it meanwhile (a
// workspace opening submits all its profiles at once) and run before any
// evaluation, so it never adds a process beyond MaxConcurrent; a failed
// probe is asked again by the next evaluation.
//
// Limits (Options): wall clock Timeout (10 s), stdout and stderr caps
// (16 MiB each; going over kills Nix), address space MemoryLimit (4 GiB,
// RLIMIT_AS set with prlimit(2) on the child right after exec: only Nix's
// own start-up runs before it, no profile code), argv only (no shell), an
// environment of PATH, HOME, TMPDIR, XDG cache/config dirs and the NIX_*
// variables Nix needs to find its store (NIX_PATH only when trusted), stdin
// a pipe of the text. Nix runs in its own process group; timeout, cancel,
// output cap and Close kill the whole group, Wait always reaps it, and
// Pdeathsig kills Nix if the server dies.
//
// Options.ResourcesDir should be the bundled resources dir (registry's
// BundledResources gives the same folder as WriteResources); one without
// nix/eval-wrapper.nix (an installed upstream dir) is still readable by
// profiles, and the wrapper then comes from our own bundle.
//
// Untrusted workspaces (Options.Trusted false, the zero value) evaluate with
// restrict-eval, allowed-uris "", an empty nix-path, --readonly-mode and one
// -I per readable folder (Nix 2.8 has no allowed-paths setting; in
// restricted mode the search path is what may be read): the profile's
// folder, Options.Roots and the bundled resources. Reading /etc/passwd or
// fetching a URL then fails with a nix-error "... forbidden in restricted
// mode".
//
// # Results and failures
//
// Result.Positions maps every JSON pointer of the artifact ("" is the
// root; "/manifest/model/auth", "/profile/name", "/pod/name" for the raw
// form, "/manifest/scope/allow/0/target") to a location in LSP positions
// (the buffer's text for the profile, the disk for imported files). A
// value without a position of its own takes its nearest ancestor's;
// positions inside the bundled profile-lib.nix are not the user's, so a
// string passed through mkProfile (like /profile/name) is found as the
// literal `name = "value"` in the buffer, or else takes its ancestor's.
//
// Failure.Kind is one of the diagnostics codes, each with one message:
// nix-missing, nix-error (Nix's headline; located at the innermost position
// in a source, the profile's first line when Nix names none; endless
// recursion said plainly), timeout ("evaluation stopped after 10 s:
// infinite loop?"), output-cap, memory-limit, killed-from-outside,
// cancelled, invalid-json, function-profile, bad-request (unreadable
// profile, relative path). Failure.Trace holds every located frame,
// innermost first, across files; an error located in an imported file has
// that file in Location.File, so it can be published there with a pointer
// on the profile.
//
// ParseError reads Nix's stderr on its own: the internal-json form (Nix
// 2.8 gives file, line, column and a trace) and the text forms of Nix 2.8
// and of current Nix, giving the headline, the innermost position and the
// trace.
package eval
