// Package rustpath reproduces the Unix semantics of Rust's std::path (Path::join,
// Path::parent, Path::components) that upstream insomnia applies to every path
// it writes into a manifest or a provenance record. Go's path/filepath cleans
// paths ("/w/./x" -> "/w/x"); Rust keeps them as written except where
// Components drops a "." or an empty component. A snapshot the editor
// previews must match the runtime's byte for byte, so every such path goes
// through this package, never through filepath.Join or filepath.Dir.
package rustpath

import "strings"

// IsAbs is Path::is_absolute on Unix: a leading "/".
func IsAbs(p string) bool { return strings.HasPrefix(p, "/") }

// Join is Path::join (PathBuf::push): an absolute p replaces base; otherwise
// p is appended after a "/" unless base is empty or already ends in one.
// Nothing is cleaned: Join("/w", ".") is "/w/.", Join("/w", "") is "/w/".
func Join(base, p string) string {
	if IsAbs(p) {
		return p
	}
	if base == "" || strings.HasSuffix(base, "/") {
		return base + p
	}
	return base + "/" + p
}

// Parent is Path::parent: the path without its last component, with the
// "." and empty components right before that component trimmed (Rust's
// Components::as_path). ok is false where Rust returns None: for "", and for
// a path that is only a root ("/", "//."). Parent("/w/./x.nix") is "/w";
// Parent("/w/sub/") is "/w"; Parent("x.nix") and Parent(".") are "".
func Parent(p string) (parent string, ok bool) {
	head, body := split(p)
	if body, ok = dropLast(body); !ok {
		// Only the start is left: a root has no parent, a leading "." has "".
		if strings.HasPrefix(head, "/") || head == "" {
			return "", false
		}
		return "", true
	}
	return head + trimRight(body), true
}

// Components is Path::components rendered as strings: "/" for the root,
// "." only for a leading current-dir component, ".." and names as written;
// other "." and empty components are dropped.
func Components(p string) []string {
	head, body := split(p)
	var out []string
	if head != "" {
		out = append(out, head[:1])
	}
	for _, c := range strings.Split(body, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// split separates what Rust calls the part before the body: the root ("/",
// however many slashes are read as one) or a leading "." followed by "/" or
// the end (include_cur_dir).
func split(p string) (head, body string) {
	switch {
	case IsAbs(p):
		return p[:1], p[1:]
	case p == ".", strings.HasPrefix(p, "./"):
		return p[:1], p[1:]
	}
	return "", p
}

// dropLast removes the last real component (not "" or ".") from body, with
// the separator before it; false when body has none.
func dropLast(body string) (string, bool) {
	for body != "" {
		rest, comp := cutLast(body)
		body = rest
		if comp != "" && comp != "." {
			return body, true
		}
	}
	return "", false
}

// trimRight drops trailing "" and "." components (Components::trim_right).
func trimRight(body string) string {
	for body != "" {
		rest, comp := cutLast(body)
		if comp != "" && comp != "." {
			return body
		}
		body = rest
	}
	return body
}

// cutLast splits body at its last "/": what comes before it, and the last
// component.
func cutLast(body string) (rest, comp string) {
	i := strings.LastIndexByte(body, '/')
	if i < 0 {
		return "", body
	}
	return body[:i], body[i+1:]
}
