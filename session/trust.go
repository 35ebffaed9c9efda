package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/internal/pathkey"

	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/profile/eval"
)

// Trust is what the client granted in initializationOptions, and only
// there: workspace/configuration can be fed by files of the repository
// (.vscode/settings.json, an exrc), so a repository could trust itself.
// The zero value trusts nothing: evaluation is restricted.
type Trust struct {
	all   bool     // `trusted: true`: the whole server
	roots []string // `trustedRoots`, absolute, symlinks resolved
}

// trustKeys are the initializationOptions keys that grant trust.
type trustKeys struct {
	Trusted      json.RawMessage `json:"trusted"`
	TrustedRoots json.RawMessage `json:"trustedRoots"`
}

// ParseTrust reads trust from initializationOptions (the settings object,
// or {"insomnia": {...}}). Anything but JSON `true` for `trusted`, and
// anything but absolute paths or file URIs in `trustedRoots`, grants
// nothing: trust fails closed.
func ParseTrust(raw []byte) Trust {
	var k trustKeys
	if json.Unmarshal(unwrapSection(raw), &k) != nil {
		return Trust{}
	}
	t := Trust{all: bytes.Equal(bytes.TrimSpace(k.Trusted), []byte("true"))}
	var roots []any
	if json.Unmarshal(k.TrustedRoots, &roots) != nil {
		return t
	}
	for _, r := range roots {
		if p, ok := rootPath(r); ok {
			t.roots = append(t.roots, resolvePath(p))
		}
	}
	return t
}

// unwrapSection returns the `insomnia` object when raw wraps the section
// in {"insomnia": {...}}, else raw.
func unwrapSection(raw []byte) []byte {
	var wrapped struct {
		Insomnia json.RawMessage `json:"insomnia"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.Insomnia) > 0 && wrapped.Insomnia[0] == '{' {
		return wrapped.Insomnia
	}
	return raw
}

// mentionsTrust says whether a settings object carries a trust key (to
// tell the user, once, that it is ignored outside initializationOptions).
func mentionsTrust(raw []byte) bool {
	var k trustKeys
	return json.Unmarshal(unwrapSection(raw), &k) == nil && (k.Trusted != nil || k.TrustedRoots != nil)
}

// rootPath accepts an absolute path or a file:// URI; a relative path
// would depend on the server's cwd, so it is no root.
func rootPath(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", false
	}
	if strings.HasPrefix(s, "file:") {
		u, err := uri.Parse(s)
		if err != nil || !u.IsFile() {
			return "", false
		}
		s = u.FsPath()
	}
	if !filepath.IsAbs(s) {
		return "", false
	}
	return filepath.Clean(s), true
}

// resolvePath resolves the symlinks of the longest existing prefix of an
// absolute path, so a file not yet written is judged by its folder.
func resolvePath(p string) string {
	p = filepath.Clean(p)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(resolvePath(parent), filepath.Base(p))
}

// covers says whether path (a file or a folder) is trusted: the whole
// server is, or its resolved path is at or under a resolved root. A
// symlink inside a trusted root pointing outside it is therefore not
// trusted.
func (t Trust) covers(path string) bool {
	if t.all {
		return true
	}
	if len(t.roots) == 0 || path == "" {
		return false
	}
	p := resolvePath(path)
	for _, r := range t.roots {
		if pathkey.Within(p, r) {
			return true
		}
	}
	return false
}

// any says whether anything at all is trusted.
func (t Trust) any() bool { return t.all || len(t.roots) > 0 }

// within says whether p is dir or below it (both clean and absolute).

// SetTrust records what the client granted (initializationOptions).
func (w *Session) SetTrust(t Trust) {
	w.cfgMu.Lock()
	w.trust = t
	w.cfgMu.Unlock()
}

// TrustAll trusts everything (the CLI's --trusted).
func TrustAll() Trust { return Trust{all: true} }

// TrustedPath says whether a profile (or any file) may be evaluated
// unrestricted.
func (w *Session) TrustedPath(path string) bool {
	w.cfgMu.Lock()
	t := w.trust
	w.cfgMu.Unlock()
	return t.covers(path)
}

// trustAny says whether the client granted any trust at all.
func (w *Session) trustAny() bool {
	w.cfgMu.Lock()
	defer w.cfgMu.Unlock()
	return w.trust.any()
}

// WorkspaceTrusted says whether every workspace folder (the launch
// directory when there is none) is trusted: only then are the settings
// that name a program (nixPath, pod.command) honoured and pods started,
// since those settings may come from any folder's files.
func (w *Session) WorkspaceTrusted() bool {
	w.cfgMu.Lock()
	t, roots := w.trust, append([]string(nil), w.roots...)
	w.cfgMu.Unlock()
	if len(roots) == 0 {
		roots = []string{w.opts.Cwd}
	}
	for _, r := range roots {
		if !t.covers(r) {
			return false
		}
	}
	return true
}

// errPodsUntrusted is the answer to spawnPod and resumePod without trust:
// a pod runs a program (pod.command) and evaluates the profile itself,
// unrestricted, so only a trusted workspace may start one.
var errPodsUntrusted = errors.New(eval.RestrictedHint + "spawning pods")

// MayStartPods refuses pods unless the workspace is trusted and, when a
// profile is named, the profile file too.
func (w *Session) MayStartPods(profilePath string) error {
	if !w.WorkspaceTrusted() || (profilePath != "" && !w.TrustedPath(profilePath)) {
		return errPodsUntrusted
	}
	return nil
}

// All says whether the whole server is trusted; Roots are the trusted
// roots (for the log).
func (t Trust) All() bool       { return t.all }
func (t Trust) Roots() []string { return append([]string(nil), t.roots...) }
