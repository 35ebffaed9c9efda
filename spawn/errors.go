package spawn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Kind says which way a launch or resume failed, so callers can react
// (e.g. offer "show log" for an early exit) without matching message text.
type Kind int

const (
	// KindLaunch: the program could not be started (not found, not executable,
	// bad working directory, runtime directory not writable).
	KindLaunch Kind = iota + 1
	// KindExitedEarly: the pod exited before its socket accepted a connection.
	KindExitedEarly
	// KindMalformed: the pod printed an INSOMNIA-READY line we cannot parse.
	KindMalformed
	// KindTimeout: the deadline passed before the pod became ready.
	KindTimeout
	// KindInvalidName: the pod name breaks upstream's rule (§4.6).
	KindInvalidName
	// KindNameInUse: a live pod already has this name.
	KindNameInUse
	// KindCanceled: the caller's context ended first.
	KindCanceled
	// KindSocket: the socket refused us with something other than "not yet".
	KindSocket
)

// Sentinels for errors.Is; a *Error matches the sentinel of its Kind.
var (
	ErrLaunch      = errors.New("failed to launch pod")
	ErrExitedEarly = errors.New("pod exited before becoming ready")
	ErrMalformed   = errors.New("malformed ready line")
	ErrTimeout     = errors.New("pod did not become ready in time")
	ErrInvalidName = errors.New("invalid pod name")
	ErrNameInUse   = errors.New("pod name already in use")
	ErrCanceled    = errors.New("pod start canceled")
	ErrSocket      = errors.New("pod socket unusable")
)

var sentinels = map[Kind]error{
	KindLaunch: ErrLaunch, KindExitedEarly: ErrExitedEarly, KindMalformed: ErrMalformed,
	KindTimeout: ErrTimeout, KindInvalidName: ErrInvalidName, KindNameInUse: ErrNameInUse,
	KindCanceled: ErrCanceled, KindSocket: ErrSocket,
}

// Error is every failure of Launch and Resume. By the time it is returned the
// child's process group has been killed and the child reaped.
type Error struct {
	Kind   Kind
	Pod    string
	PID    int      // 0 when no process was started
	Log    string   // the stderr.log path, "" when none was created
	Tail   []string // last lines the pod wrote to stderr (at most 8)
	Detail string   // kind-specific detail, e.g. the malformed line
	Err    error    // underlying cause, if any
}

// Error is redacted as a whole: Detail and Err may quote the pod or the
// profile (Tail is redacted line by line as it is read).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(sentinels[e.Kind].Error())
	if e.Pod != "" {
		fmt.Fprintf(&b, " %q", e.Pod)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if len(e.Tail) > 0 {
		b.WriteString(": " + strings.Join(e.Tail, " | "))
	}
	return secrets.Redact(b.String())
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, spawn.ErrTimeout) and friends work.
func (e *Error) Is(target error) bool { return sentinels[e.Kind] == target }
