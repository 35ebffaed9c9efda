package secrets

import (
	"errors"
	"sort"
	"strings"
)

// MaxIDLen is the store's limit on an id, in bytes.
const MaxIDLen = 128

// ValidateID applies the store's id rules (contract §8, upstream
// validate_id): non-empty; at most 128 bytes; not starting with "/" or "~";
// no "//"; no empty, "." or ".." component; only ASCII letters, digits and
// . _ - /.
func ValidateID(id string) error {
	switch {
	case id == "":
		return errors.New("secret id is empty")
	case len(id) > MaxIDLen:
		return errors.New("secret id is longer than 128 bytes")
	case strings.HasPrefix(id, "/") || strings.HasPrefix(id, "~"):
		return errors.New(`secret id must not start with "/" or "~"`)
	case strings.Contains(id, "//"):
		return errors.New(`secret id must not contain "//"`)
	}
	for _, part := range strings.Split(id, "/") {
		if part == "" || part == "." || part == ".." {
			return errors.New(`secret id has an empty, "." or ".." component`)
		}
	}
	for i := 0; i < len(id); i++ {
		if !idByte(id[i]) {
			return errors.New("secret id may contain only ASCII letters, digits, '.', '_', '-' and '/'")
		}
	}
	return nil
}

func idByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '-' || c == '/'
}

// Closest returns up to n candidates nearest to s by edit distance, best
// first (ties by name). Candidates farther than half of s's length (at least
// 2 edits) are dropped, so unrelated names are never suggested.
func Closest(s string, candidates []string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	limit := max(2, len(s)/2)
	var found []scored
	for _, c := range candidates {
		if c == s {
			continue
		}
		if d := distance(strings.ToLower(s), strings.ToLower(c)); d <= limit {
			found = append(found, scored{c, d})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < n; i++ {
		out = append(out, found[i].name)
	}
	return out
}

// distance is the Levenshtein distance over bytes (ids are ASCII).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
