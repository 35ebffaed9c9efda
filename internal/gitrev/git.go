// Package gitrev reads a revision of a git repository without trusting the
// repository: it runs only git's plumbing (rev-parse, merge-base, ls-tree,
// cat-file), which runs no hooks and no filters, with the system and
// global configuration ignored and the repository's executable settings
// (fsmonitor, hooks) overridden, and never checks anything out. It works in
// shallow and detached checkouts as long as the revision's objects are
// there.
//
// git rather than go-git: go-git v5.19.3 adds 19 modules (ssh, crypto,
// pgp) to the build for what four plumbing commands do, and git handles
// every repository layout (worktrees, shallow, sha256, reftable) the
// checkout itself was made with.
package gitrev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// NotRepoError is returned when the folder is not in a git work tree.
type NotRepoError struct {
	Dir string
	Msg string // git's own words
}

func (e *NotRepoError) Error() string {
	return fmt.Sprintf("%s is not in a git work tree: %s", e.Dir, e.Msg)
}

// UnknownRevisionError is returned for a revision that names no commit.
type UnknownRevisionError struct{ Rev string }

func (e *UnknownRevisionError) Error() string {
	return fmt.Sprintf("unknown revision %q (in a shallow clone, fetch it first)", e.Rev)
}

// GitError is a git command that failed for another reason.
type GitError struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *GitError) Error() string {
	return fmt.Sprintf("git %s: %v: %s", strings.Join(e.Args, " "), e.Err, strings.TrimSpace(e.Stderr))
}

func (e *GitError) Unwrap() error { return e.Err }

// hardening comes before every command: no fsmonitor daemon or hook is
// started, no object is fetched from a promisor remote, replace refs do not
// change what a revision contains.
func hardening() []string {
	return []string{"--no-replace-objects", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
		"-c", "protocol.allow=never", "-c", "core.untrackedCache=false"}
}

// gitEnv is the environment without the caller's GIT_* variables (a hook
// or a wrapper could point git elsewhere) and without system and global
// configuration.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0",
		"GIT_NO_LAZY_FETCH=1", "GIT_OPTIONAL_LOCKS=0", "GIT_PAGER=cat", "GIT_ASKPASS=", "SSH_ASKPASS=")
}

// command is one git invocation in dir.
func command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", append(hardening(), args...)...)
	cmd.Dir, cmd.Env = dir, gitEnv()
	return cmd
}

// output runs git and returns its stdout, trimmed.
func output(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := command(ctx, dir, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &GitError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return strings.TrimSpace(stdout.String()), nil
}

// Repo is a git work tree.
type Repo struct {
	top string
}

// Open finds the work tree dir is in.
func Open(ctx context.Context, dir string) (*Repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, &NotRepoError{Dir: dir, Msg: "git is not installed"}
	}
	top, err := output(ctx, dir, "rev-parse", "--show-toplevel")
	var ge *GitError
	if errors.As(err, &ge) {
		return nil, &NotRepoError{Dir: dir, Msg: strings.TrimSpace(ge.Stderr)}
	}
	if err != nil || top == "" {
		return nil, &NotRepoError{Dir: dir, Msg: "no work tree"}
	}
	return &Repo{top: top}, nil
}

// Top is the work tree's top folder.
func (r *Repo) Top() string { return r.top }

// Revision is a commit and how it was chosen.
type Revision struct {
	Name   string // as given or chosen: "origin/main", "HEAD"
	Commit string // full object name
	How    string // why this one, for the reader
}

// Resolve names the commit rev points at.
func (r *Repo) Resolve(ctx context.Context, rev string) (Revision, error) {
	commit, err := output(ctx, r.top, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil || commit == "" {
		return Revision{}, &UnknownRevisionError{Rev: rev}
	}
	return Revision{Name: rev, Commit: commit, How: "--base"}, nil
}

// DefaultBase is the merge base of HEAD with the branch's upstream when
// there is one, else HEAD.
func (r *Repo) DefaultBase(ctx context.Context) (Revision, error) {
	up, err := output(ctx, r.top, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
	if err == nil && up != "" {
		mb, err := output(ctx, r.top, "merge-base", "HEAD", "@{upstream}")
		if err == nil && mb != "" {
			return Revision{Name: up, Commit: mb, How: "merge base of HEAD and its upstream " + up}, nil
		}
	}
	rev, err := r.Resolve(ctx, "HEAD")
	if err != nil {
		return Revision{}, err
	}
	rev.How = "HEAD: the branch has no upstream"
	if up != "" {
		rev.How = "HEAD: no merge base with the upstream " + up + " (a shallow clone? pass --base)"
	}
	return rev, nil
}
