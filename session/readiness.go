package session

// Reason says why a profile is (not) ready to start a pod. It is the one
// rule behind the status word, the hover note, the Spawn lens title and
// the spawn command's refusal: they must never disagree.
type Reason int

const (
	Ready        Reason = iota // the latest evaluation is good and resolves
	Evaluating                 // an evaluation is running
	NotEvaluated               // no evaluation has finished yet
	NixMissing                 // Nix could not be run: not evaluated, static checks only
	NixFailed                  // Nix failed: there is no manifest at all
	HasErrors                  // the manifest has error diagnostics
	Unresolved                 // the manifest does not resolve to a pod snapshot
)

// Readiness is a profile's Reason plus what the messages need.
type Readiness struct {
	Reason Reason
	Errors int    // error diagnostics, for HasErrors
	Detail string // the latest evaluation's status line ("" when none)
}

// Readiness decides whether the profile's latest evaluation may start a pod.
func (st ProfileState) Readiness() Readiness {
	r := Readiness{Reason: Ready}
	if st.Latest != nil {
		r.Errors, r.Detail = st.Latest.Errors, st.Latest.Message
	}
	switch l := st.Latest; {
	case st.Evaluating:
		r.Reason = Evaluating
	case l == nil:
		r.Reason = NotEvaluated
	case l.NixMissing:
		r.Reason = NixMissing
	case l.NixError:
		r.Reason = NixFailed
	case l.Errors > 0:
		r.Reason = HasErrors
	case l.Snapshot == nil:
		r.Reason = Unresolved
	}
	return r
}

// Word is the status one word for editors (insomnia/evaluationStatus
// state): evaluating, unknown, nix-missing, error or ok.
func (r Readiness) Word() string {
	switch r.Reason {
	case NixMissing:
		return "nix-missing"
	case Evaluating:
		return "evaluating"
	case NotEvaluated:
		return "unknown"
	case Ready:
		return "ok"
	}
	return "error"
}

// Status is the one word for editors: evaluating, ok, error, nix-missing or unknown.
func (st ProfileState) Status() string { return st.Readiness().Word() }
