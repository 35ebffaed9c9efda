package eval

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"sync"

	"github.com/insomnia-lsp/insomnia-lsp/internal/safefile"
)

// Cache holds finished results, least recently used first out, bounded by
// count and by bytes. Safe for concurrent use.
type Cache struct {
	mu       sync.Mutex // guards every field below
	maxCount int
	maxBytes int64
	bytes    int64
	order    *list.List // of *cacheEntry, front = most recent
	byKey    map[string]*list.Element
	hits     int64
}

type cacheEntry struct {
	key    string
	result Result
	deps   map[string]string // file -> digest, as Nix read them
	size   int64
}

// NewCache makes a cache of at most maxCount results and maxBytes bytes.
func NewCache(maxCount int, maxBytes int64) *Cache {
	return &Cache{maxCount: maxCount, maxBytes: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the result stored under key if every file Nix read for it
// still has the same content on disk (Nix reads imports from disk, not
// from editor overlays, so the disk is what a stored result depends on).
func (c *Cache) get(key string) (Result, bool) {
	c.mu.Lock()
	el, ok := c.byKey[key]
	var e *cacheEntry
	if ok {
		e = el.Value.(*cacheEntry)
		c.order.MoveToFront(el)
	}
	c.mu.Unlock()
	if !ok {
		return Result{}, false
	}
	for f, d := range e.deps {
		if fileDigest(f, nil) != d {
			return Result{}, false
		}
	}
	c.mu.Lock()
	c.hits++
	c.mu.Unlock()
	return e.result, true
}

// put stores r; dg holds the disk digests this evaluation already took
// (nil: none), so each file Nix read is hashed once per evaluation.
func (c *Cache) put(key string, r Result, dg digests) {
	if dg == nil {
		dg = digests{}
	}
	e := &cacheEntry{key: key, result: r, deps: map[string]string{}}
	for _, f := range r.Deps {
		e.deps[f] = dg.disk(f)
	}
	e.size = resultSize(r)
	if e.size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.bytes -= el.Value.(*cacheEntry).size
		c.order.Remove(el)
	}
	c.byKey[key] = c.order.PushFront(e)
	c.bytes += e.size
	for c.order.Len() > c.maxCount || c.bytes > c.maxBytes {
		old := c.order.Back()
		oe := old.Value.(*cacheEntry)
		c.order.Remove(old)
		delete(c.byKey, oe.key)
		c.bytes -= oe.size
	}
}

// Len and Bytes report the cache's size; Hits counts served results.
func (c *Cache) Len() int { c.mu.Lock(); defer c.mu.Unlock(); return c.order.Len() }

func (c *Cache) Bytes() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.bytes }

func (c *Cache) Hits() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.hits }

// resultSize estimates the memory a result holds.
func resultSize(r Result) int64 {
	n := int64(len(r.Artifact)) + 256
	for k, l := range r.Positions {
		n += int64(len(k)+len(l.File)) + 64
	}
	for _, d := range r.Deps {
		n += int64(len(d))
	}
	if r.Failure != nil {
		n += int64(len(r.Failure.Message)) + int64(len(r.Failure.Trace))*96
	}
	return n
}

// cacheKey is sha256 over everything a result depends on: the options, the
// Nix version, the profile's path and text, and the content of each file
// of its import closure the caller named (disk digests go into dg).
func cacheKey(fingerprint, version string, req Request, text []byte, dg digests) string {
	h := sha256.New()
	field := func(s []byte) {
		var n [8]byte
		for i, l := 0, len(s); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		h.Write(n[:])
		h.Write(s)
	}
	field([]byte(fingerprint))
	field([]byte(version))
	field([]byte(req.Path))
	field(text)
	deps := append([]string(nil), req.Deps...)
	sort.Strings(deps)
	for _, d := range deps {
		field([]byte(d))
		if _, ok := req.Overlays[d]; ok {
			field([]byte(fileDigest(d, req.Overlays)))
		} else {
			field([]byte(dg.disk(d)))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// digests memoizes disk digests within one evaluation: a dep is read and
// hashed once, for the key before Nix runs, and that same digest goes into
// the cache entry. Taking it before the run is also the safe side: a file
// changed while Nix ran then misses the cache instead of serving a result
// computed from its old text.
type digests map[string]string

func (d digests) disk(path string) string {
	s, ok := d[path]
	if !ok {
		s = fileDigest(path, nil)
		d[path] = s
	}
	return s
}

// fileDigest is the sha256 of a file's overlay text, else its disk content.
func fileDigest(path string, overlays map[string][]byte) string {
	data, ok := overlays[path]
	if !ok {
		var err error
		// Bounded and regular files only: an import of /dev/zero, a FIFO
		// or /dev/stdin must not be read to key the cache.
		if data, err = safefile.Read(path, safefile.MaxSourceBytes); err != nil {
			if safefile.IsRefused(err) {
				return "refused"
			}
			return "missing"
		}
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
