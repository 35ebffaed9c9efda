package gitrev

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultLimit caps the bytes a revision's tree may hold.
const DefaultLimit = 256 << 20

// TooLargeError is a tree over the size limit.
type TooLargeError struct {
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the revision's files hold %d bytes, over the limit of %d", e.Size, e.Limit)
}

// entry is one blob of the tree.
type entry struct {
	mode, oid, path string
	size            int64
}

// Extract writes the files of commit's tree into dest (an existing empty
// folder): regular files with their executable bit, symbolic links only
// when they point inside dest, no submodules. Nothing is checked out and
// no filter or attribute is applied: the files are the committed bytes.
func (r *Repo) Extract(ctx context.Context, commit, dest string, limit int64) error {
	entries, err := r.listTree(ctx, commit)
	if err != nil {
		return err
	}
	var total int64
	for _, e := range entries {
		total += e.size
	}
	if total > limit {
		return &TooLargeError{Size: total, Limit: limit}
	}
	return r.writeBlobs(ctx, entries, dest)
}

// listTree lists the blobs of the tree, recursively, with their sizes.
func (r *Repo) listTree(ctx context.Context, commit string) ([]entry, error) {
	out, err := r.raw(ctx, nil, "ls-tree", "-r", "-z", "-l", "--full-tree", commit)
	if err != nil {
		return nil, err
	}
	var entries []entry
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, path, ok := strings.Cut(string(rec), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 4 {
			return nil, fmt.Errorf("git ls-tree: unexpected record %q", rec)
		}
		if f[1] != "blob" {
			continue // a submodule's commit: not part of this repository
		}
		size, _ := strconv.ParseInt(f[3], 10, 64)
		entries = append(entries, entry{mode: f[0], oid: f[2], path: path, size: size})
	}
	return entries, nil
}

// link is a symbolic link of the tree.
type link struct{ rel, target string }

// writeBlobs streams the blobs through one `git cat-file --batch` (no
// filters: the stored bytes) and writes them; links come last, so no file
// is ever written through a link.
func (r *Repo) writeBlobs(ctx context.Context, entries []entry, dest string) error {
	var in bytes.Buffer
	for _, e := range entries {
		in.WriteString(e.oid + "\n")
	}
	cmd := command(ctx, r.top, "cat-file", "--batch")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var links []link
	werr := func() error {
		br := bufio.NewReader(stdout)
		for i := range entries {
			data, err := readBlob(br, entries[i].oid)
			if err != nil {
				return err
			}
			if entries[i].mode == "120000" { // a link's blob is its target
				links = append(links, link{rel: entries[i].path, target: string(data)})
				continue
			}
			if err := writeFile(dest, entries[i], data); err != nil {
				return err
			}
		}
		return nil
	}()
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil && werr == nil {
		werr = &GitError{Args: []string{"cat-file", "--batch"}, Stderr: stderr.String(), Err: err}
	}
	if werr != nil {
		return werr
	}
	for _, l := range links {
		writeLink(dest, l.rel, l.target)
	}
	return nil
}

// readBlob reads one `<oid> blob <size>\n<bytes>\n` record.
func readBlob(br *bufio.Reader, oid string) ([]byte, error) {
	header, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	f := strings.Fields(header)
	if len(f) != 3 || f[1] != "blob" {
		return nil, fmt.Errorf("git cat-file: object %s: %s (missing from a shallow or partial clone?)", oid, strings.TrimSpace(header))
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("git cat-file: bad header %q", header)
	}
	data := make([]byte, size+1) // and the newline after it
	if _, err := io.ReadFull(br, data); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return data[:size], nil
}

// safePath is rel's place under dest, or false when rel could leave dest
// or touch a .git folder (git refuses such trees, but a crafted object
// store need not).
func safePath(dest, rel string) (string, bool) {
	if rel == "" || filepath.IsAbs(rel) {
		return "", false
	}
	for _, part := range strings.Split(rel, "/") {
		if part == "" || part == "." || part == ".." || strings.EqualFold(part, ".git") {
			return "", false
		}
	}
	return filepath.Join(dest, filepath.FromSlash(rel)), true
}

func writeFile(dest string, e entry, data []byte) error {
	path, ok := safePath(dest, e.path)
	if !ok {
		return nil // skipped: cannot be a file of this tree
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if e.mode == "100755" {
		perm = 0o755
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeLink makes a symbolic link when its target, read as written,
// stays inside dest; any other link is left out (evaluation then fails
// on it at the base, as restricted mode would refuse it anyway).
func writeLink(dest, rel, target string) {
	path, ok := safePath(dest, rel)
	if !ok || filepath.IsAbs(target) {
		return
	}
	resolved := filepath.Join(filepath.Dir(path), target)
	if r, err := filepath.Rel(dest, resolved); err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o755) == nil {
		_ = os.Symlink(target, path)
	}
}

// raw runs git and returns its stdout bytes.
func (r *Repo) raw(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := command(ctx, r.top, args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, &GitError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}
