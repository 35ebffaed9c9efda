package registry

import (
	"fmt"
	"strings"
)

// ErrorKind names upstream's ProfileError kinds that discovery and selection
// can produce (contract §5).
type ErrorKind string

const (
	ConfigRead           ErrorKind = "ConfigRead"
	ConfigParse          ErrorKind = "ConfigParse"
	NoDefaultProfile     ErrorKind = "NoDefaultProfile"
	ProfileNotFound      ErrorKind = "ProfileNotFound"
	AmbiguousProfileName ErrorKind = "AmbiguousProfileName"
	InvalidArtifact      ErrorKind = "InvalidArtifact"
)

// Error is a discovery or selection failure. Error() is upstream's inner
// message, word for word; Wrapped adds the runtime's outer wrapper.
type Error struct {
	Kind     ErrorKind
	Path     string   // ConfigRead/ConfigParse: the file or builtin dir
	Selector string   // ProfileNotFound: the label that matched nothing
	Name     string   // AmbiguousProfileName: the name
	Matches  []string // AmbiguousProfileName: qualified names, entry order
	Detail   string   // ConfigRead/ConfigParse/InvalidArtifact: the cause
}

func (e *Error) Error() string {
	switch e.Kind {
	case ConfigRead:
		return fmt.Sprintf("failed to read profile registry config %s: %s", e.Path, e.Detail)
	case ConfigParse:
		return fmt.Sprintf("failed to parse profile registry config %s: %s", e.Path, e.Detail)
	case NoDefaultProfile:
		return "no default profile is configured"
	case ProfileNotFound:
		return "profile not found: " + e.Selector
	case AmbiguousProfileName:
		return fmt.Sprintf("ambiguous profile name `%s`; use a source-qualified selector such as %s",
			e.Name, rustDebugList(e.Matches))
	}
	return "invalid profile artifact: " + e.Detail
}

// Wrapped is the line insomnia-pod prints after "error: ":
// "failed to resolve profile <label>: <inner>".
func Wrapped(label string, err error) string {
	return fmt.Sprintf("failed to resolve profile %s: %s", label, err)
}

// ioDetail trims Go's "op path: " prefix so the cause reads like Rust's
// io::Error display ("No such file or directory (os error 2)" aside).
func ioDetail(err error, path string) string {
	s := err.Error()
	for _, op := range []string{"open ", "read ", "stat "} {
		s = strings.TrimPrefix(s, op+path+": ")
	}
	return s
}
