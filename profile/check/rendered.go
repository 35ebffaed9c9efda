package check

import "sync"

// renderedMax bounds what an outcome keeps: a hover per distinct field.
const renderedMax = 256

// rendered is an outcome's memo of texts derived from it alone.
type rendered struct {
	mu    sync.Mutex // guards texts
	texts map[string]renderedText
}

type renderedText struct {
	text string
	ok   bool
}

// Rendered is render's result for key, computed once per outcome (up to
// renderedMax keys): a text derived from the outcome alone, such as a
// hover's view of one Display value. Editors hover on every mouse move,
// and each view decoded the manifest anew.
func (o *Outcome) Rendered(key string, render func() (string, bool)) (string, bool) {
	o.memo.mu.Lock()
	t, hit := o.memo.texts[key]
	o.memo.mu.Unlock()
	if hit {
		return t.text, t.ok
	}
	t.text, t.ok = render()
	o.memo.mu.Lock()
	if o.memo.texts == nil {
		o.memo.texts = map[string]renderedText{}
	}
	if len(o.memo.texts) < renderedMax {
		o.memo.texts[key] = t
	}
	o.memo.mu.Unlock()
	return t.text, t.ok
}
