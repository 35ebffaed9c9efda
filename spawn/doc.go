// Package spawn starts, resumes and lists insomnia pods exactly as the
// insomnia runtime does (contract §4), and proves that a pod got the
// manifest the editor showed.
//
// # Starting and resuming
//
// Launch runs `insomnia-pod --profile <selector> --profile-pod-name <name>`
// (argv, never a shell) in the workspace folder, in its own process group,
// stdin and stdout on /dev/null and stderr in a truncated
// <runtime_dir>/<name>/stderr.log. It polls that log every 100 ms for
// `INSOMNIA-READY\t<name>\t<socket>`, then connects to the socket every
// 50 ms until it accepts. Other stderr lines go to Progress and to an 8-line
// tail. Failures are *Error with a Kind (and errors.Is sentinels):
// ErrLaunch (program missing, bad cwd), ErrExitedEarly (with the tail
// joined by " | "), ErrMalformed, ErrTimeout (DefaultDeadline 60 s: upstream's
// 20 s includes Nix evaluation), ErrCanceled, ErrInvalidName, ErrNameInUse.
// On any error the child's process group is killed and reaped. On success
// the pod keeps running after we exit; a goroutine reaps it if it ends
// while we live, so no zombie is left.
//
// Resume runs `insomnia-pod --pod <name> --require-pod-state [--store S]`
// with the same readiness handling. The server never evaluates a profile to
// resume: the pod restores its saved snapshot. Upstream's own restore sends
// stderr to /dev/null and only probes the socket; we keep stderr.log so
// "pod state missing for N" reaches the user. A pod that is already live
// is returned as is (Ready.AlreadyRunning).
//
// # Listing
//
// ListPods follows §4.8: every <data_dir>/pods/*/metadata.json (the split
// store) and <data_dir>/sessions/pods/*/metadata.json (the legacy one)
// (unreadable = StateCorrupt with the reason, never a panic), provenance
// from resolved_manifest_snapshot.profile.source, liveness from
// <runtime_dir>/pods.json read under a shared flock plus a socket connect,
// and the state from <runtime_dir>/<name>/status.json. Upstream takes an
// exclusive lock even to read; a shared one still excludes its writers and
// does not queue live pods behind the editor. We give up on the lock after
// 2 s rather than hang, and then probe <runtime_dir>/<name>/sock.
//
// # Snapshots, drift and verification
//
// Normalize, CanonicalJSON and SnapshotHash put a snapshot in a form where
// the same manifest compares equal: pod.name and provenance removed,
// null = absent, empty lists dropped, resolution defaults filled, aliases
// renamed, relative paths joined to a base and absolute ones cleaned
// ("<base>/." = "<base>"), numbers canonical. SnapshotHash therefore differs
// from a hash of the raw JSON; use it wherever pods and previews are
// compared (listPods snapshotHash, the Verify message).
// CompareSnapshots lists the FieldDiffs ("model.ref: a → b"). Verify reads
// a started pod's metadata.json and says "pod coder-2 started from
// project:coder; the pod got the manifest shown here (sha256 …)" or names the fields
// that differ. LensTitle and DriftTitle render the code lenses.
//
// # Wiring into the server (lsp/)
//
//   - insomnia.spawnPod {profile, name?}: refuse while the profile's latest
//     evaluation has errors (spawn does not evaluate). name defaults to
//     SuggestPodName(workspaceFolder, PodNames(ListPods(data, runtime))).
//     Launch with Program = settings pod.command, Deadline = readyTimeoutMs,
//     DataDir set (a stopped pod's state is not overwritten unless the user
//     confirms: Replace), Progress → $/progress. Then Verify with the
//     resolved snapshot the editor showed → message/warnings. Result:
//     {podName, socket, attach: AttachCommand(name), message, warnings}.
//   - insomnia.resumePod {name}: Resume; drift = CompareSnapshots(pod
//     snapshot, current resolution) and say that resuming uses the saved
//     snapshot.
//   - insomnia.listPods {profile?}: ListPods, filtered with Pod.FromProfile,
//     each row Describe(pod, current snapshot of its profile, base): name,
//     state, profile, snapshotHash, drift, attach.
//   - Code lens per profile: LensTitle(pods of that profile), and
//     DriftTitle for each pod whose snapshot differs from the profile's
//     current resolution.
//
// Directories come from the caller (profile/registry computes <data_dir>
// and <runtime_dir> by contract §3.1); pass the same Env the pod gets, so
// both agree. cmd/insomnia-pod-double is the test double of insomnia-pod
// used by the tests; README.md explains use with the real runtime.
package spawn
