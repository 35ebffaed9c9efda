package spawn

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// ValidatePodName is the one check of a pod name the server hands to
// insomnia-pod or shows: upstream's rule (contract §4.6: a directory name
// under the store and the runtime dir, so not empty, "." or "..", no "/"
// or NUL) plus the characters the TUI lets one type (§3.5, [A-Za-z0-9._-]),
// and no leading "-": a name is an argument of insomnia-pod, and
// `--profile-pod-name --help` would be read as a flag. Control characters
// are outside the set, so a name cannot forge a line of a log or a lens.
func ValidatePodName(name string) error {
	why := ""
	switch {
	case name == "":
		why = "it is empty"
	case name == "." || name == "..":
		why = "it is . or .."
	case strings.HasPrefix(name, "-"):
		why = "it starts with - (it would be read as an option)"
	case strings.IndexFunc(name, func(r rune) bool { return !nameRune(r) }) >= 0:
		why = "only letters, digits, '.', '_' and '-' are allowed"
	}
	if why == "" {
		return nil
	}
	return &Error{Kind: KindInvalidName, Detail: fmt.Sprintf("%q: %s", name, why)}
}

// SanitizePodName is the TUI's suggestion rule (contract §3.5): the folder's
// base name with every character outside [A-Za-z0-9._-] replaced by "-",
// or "pod" when nothing is left. Leading "-" and "." are dropped too (a
// folder named --help proposes "help"): the name must pass ValidatePodName
// and should not be a hidden directory.
func SanitizePodName(dir string) string {
	base := filepath.Base(filepath.Clean(dir))
	if base == "/" || base == "." {
		base = ""
	}
	return sanitize(base)
}

// sanitize applies the suggestion rule to a name ("pod" when nothing is left).
func sanitize(base string) string {
	out := []rune(base)
	for i, r := range out {
		if !nameRune(r) {
			out[i] = '-'
		}
	}
	name := strings.TrimLeft(string(out), "-.")
	if name == "" || ValidatePodName(name) != nil {
		return "pod"
	}
	return name
}

func nameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '_' || r == '-'
}

// SuggestPodName proposes SanitizePodName(cwd), made unique among existing
// names by appending -2, -3, ... (existing pods keep their state forever in
// the store, so a reused name would resume or clash instead of starting
// fresh).
func SuggestPodName(cwd string, existing []string) string {
	return unique(SanitizePodName(cwd), existing)
}

// SuggestPodNameFor proposes the manifest's pod.name (sanitised like a
// folder name), made unique like SuggestPodName; the folder's name when
// the manifest names no pod. The profile says what the pod is, the folder
// only where it runs.
func SuggestPodNameFor(podName, cwd string, existing []string) string {
	if podName == "" || sanitize(podName) == "pod" && podName != "pod" {
		return SuggestPodName(cwd, existing)
	}
	return unique(sanitize(podName), existing)
}

// unique is base, or base-2, base-3, ... when taken.
func unique(base string, existing []string) string {
	taken := make(map[string]bool, len(existing))
	for _, n := range existing {
		taken[n] = true
	}
	if !taken[base] {
		return base
	}
	for i := 2; ; i++ {
		if n := base + "-" + strconv.Itoa(i); !taken[n] {
			return n
		}
	}
}

// PodNames lists the names of pods, for SuggestPodName.
func PodNames(pods []Pod) []string {
	names := make([]string, len(pods))
	for i, p := range pods {
		names[i] = p.Name
	}
	return names
}

// AttachCommand is the argv that opens a terminal on a pod (contract §4.2).
func AttachCommand(name string) []string { return []string{"insomnia", "--pod", name} }
