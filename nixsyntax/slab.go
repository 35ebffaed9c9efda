package nixsyntax

// slab hands out small slices carved from shared chunks: a parse has one
// attribute entry, trie and binding path per binding, and one allocation
// each was most of a keystroke's allocations. A slice taken has its cap
// set to its length, so an append past it copies and never runs into a
// neighbour.
type slab[T any] struct{ buf []T }

// slabChunk is the elements of a chunk (a request for more gets its own).
const slabChunk = 256

// take is a zero-length slice with room for n elements.
func (s *slab[T]) take(n int) []T {
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(slabChunk, n))
	}
	l := len(s.buf)
	s.buf = s.buf[:l+n]
	return s.buf[l : l : l+n]
}

// new is a pointer to a fresh zero T.
func (s *slab[T]) new() *T { return &s.take(1)[:1][0] }
