// Package safefile reads files the server did not choose: profiles,
// imported files, registries, named by a workspace that may be hostile.
// Only regular files are read, and only up to a size cap: a device
// (/dev/zero), a FIFO or a pipe (/dev/stdin, which is the server's own
// protocol stream) would otherwise grow memory without bound or block the
// reader forever.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/insomnia-lsp/insomnia-lsp/internal/limits"
)

// Caps of what the server reads itself (the README lists them).
const (
	// MaxSourceBytes caps a profile or an imported Nix file read from disk:
	// the same cap as an open buffer's (limits.MaxProfileBytes).
	MaxSourceBytes = limits.MaxProfileBytes
	// MaxRegistryBytes caps a profiles.toml.
	MaxRegistryBytes = 1 << 20
	// MaxSecretStoreBytes caps the secret store (its ids are its keys).
	MaxSecretStoreBytes = 16 << 20
)

// Reason says why a file was refused.
type Reason int

const (
	// NotRegular: a device, FIFO, socket or directory.
	NotRegular Reason = iota + 1
	// TooLarge: over the caller's cap.
	TooLarge
)

// RefusedError is a file that exists but is not read.
type RefusedError struct {
	Path   string
	Reason Reason
	Kind   string // for NotRegular: "FIFO", "device", "socket", "directory", ...
	Size   int64  // for TooLarge: the size seen (at least Limit+1)
	Limit  int64
}

func (e *RefusedError) Error() string {
	if e.Reason == TooLarge {
		return fmt.Sprintf("not read: %s is %s, over the %s limit", e.Path, Size(e.Size), Size(e.Limit))
	}
	return fmt.Sprintf("not read: %s is not a regular file (%s)", e.Path, e.Kind)
}

// IsRefused reports whether err is a RefusedError.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// Check says, from the file's metadata alone (symlinks followed), whether
// Read would refuse path. Errors of os.Stat (a missing file) are returned
// as they are.
func Check(path string, limit int64) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return judge(path, fi, limit)
}

// Read returns the content of path when it is a regular file (symlinks to
// one are fine) of at most limit bytes. It never blocks on a FIFO and never
// reads more than limit+1 bytes.
func Read(path string, limit int64) ([]byte, error) {
	// Stat first: a device is then never even opened (opening some has
	// side effects); the fstat below closes the race with a swap.
	if err := Check(path, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := judge(path, fi, limit); err != nil {
		return nil, err
	}
	data, err := readSized(f, min(fi.Size(), limit), limit)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit { // grew since the stat
		return nil, &RefusedError{Path: path, Reason: TooLarge, Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// Reader is Read with a fixed cap, for APIs that take a read function.
func Reader(limit int64) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) { return Read(path, limit) }
}

func judge(path string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return &RefusedError{Path: path, Reason: NotRegular, Kind: kind(fi.Mode())}
	}
	if fi.Size() > limit {
		return &RefusedError{Path: path, Reason: TooLarge, Size: fi.Size(), Limit: limit}
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO or pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return m.Type().String()
}

// Size formats a byte count for messages: "64 MiB", "512 KiB", "17 B".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// Resolve is path with every symlink resolved (absolute, cleaned); a path
// that does not exist yet keeps its resolved parent. Inside-the-workspace
// checks compare resolved paths, so a link inside pointing outside is
// outside.
func Resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	if dir, base := filepath.Split(abs); dir != abs && base != "" {
		parent := filepath.Clean(dir)
		if parent != abs {
			return filepath.Join(Resolve(parent), base)
		}
	}
	return abs
}

// Within reports whether path is root or below it, both resolved.
func Within(path, root string) bool {
	rel, err := filepath.Rel(Resolve(root), Resolve(path))
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && !startsWithDotDot(rel)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

// readSized reads f, expected to hold size bytes, up to limit+1 bytes: one
// allocation of the stat's size (io.ReadAll's doubling allocated and
// cleared about three times a big file's size); a file that grew since the
// stat is read on.
func readSized(f io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, size+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return buf[:n], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(io.LimitReader(f, limit+1-int64(n)))
	return append(buf, rest...), err
}
