package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Limits bound a display form of a manifest. A few hundred bytes of Nix can
// build lists nested thousands deep, and their indented text grows with the
// square of the depth (6,000 levels made a 72 MB hover), so everything shown
// is cut. Zero fields mean no limit.
type Limits struct {
	// Depth is the deepest nesting shown; a deeper list or set is the
	// string "…truncated (depth > Depth)".
	Depth int
	// Bytes is about how much text is written: once it is reached, the
	// open list or set gets a last entry "…truncated (over N KiB)" and is
	// closed, and a long string is cut with a "…truncated" note. The text
	// may pass Bytes by one line and the closing brackets.
	Bytes int
}

// The display manifest the server keeps per result, the showResolvedManifest
// answer and `insomnia-lsp resolve` are cut at DisplayDepth levels and about
// DisplayBytes. A manifest people write is a few KiB and a handful of levels
// deep; none is near these.
const (
	DisplayDepth = 32
	DisplayBytes = 1 << 20
)

// DisplayLimits are DisplayDepth and DisplayBytes as Limits.
func DisplayLimits() Limits { return Limits{Depth: DisplayDepth, Bytes: DisplayBytes} }

// Shorten cuts an existing display form (already redacted: it is not
// redacted again, masking is not idempotent) to lim, as RedactedWithin.
func Shorten(display []byte, lim Limits) (out []byte, cut string, err error) {
	return within(display, lim, false)
}

func within(doc []byte, lim Limits, redact bool) ([]byte, string, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	v, err := readOrdered(d, lim.Depth, 1)
	if err != nil {
		return nil, "", fmt.Errorf("redact: %w", err)
	}
	w := &displayWriter{lim: lim, redact: redact}
	w.value(v, "", 0)
	if w.cut == "" && w.deep {
		w.cut = fmt.Sprintf("deeper than %d levels", lim.Depth)
	}
	return w.b.Bytes(), w.cut, nil
}

// Truncated is the note a front end shows after a cut display, e.g.
// "manifest truncated: deeper than 32 levels".
func Truncated(cut string) string { return "manifest truncated: " + cut }

// displayWriter writes a decoded value as indented, redacted JSON within
// its limits.
type displayWriter struct {
	b      bytes.Buffer
	lim    Limits
	cut    string // why the text was cut by size; "" while whole
	deep   bool   // something was cut by depth
	redact bool   // mask credentials (false: the input is a display form)
}

func (w *displayWriter) full() bool { return w.lim.Bytes > 0 && w.b.Len() >= w.lim.Bytes }

// sizeCut records the size cut and returns its marker text.
func (w *displayWriter) sizeCut() string {
	if w.cut == "" {
		w.cut = fmt.Sprintf("over %d KiB", w.lim.Bytes>>10)
	}
	return "…truncated (" + w.cut + ")"
}

func (w *displayWriter) indent(level int) {
	for i := 0; i < level; i++ {
		w.b.WriteString("  ")
	}
}

func (w *displayWriter) value(v any, key string, level int) {
	switch t := v.(type) {
	case *ordered:
		w.object(t, level)
	case []any:
		w.array(t, key, level)
	case tooDeep:
		w.deep = true
		w.str(fmt.Sprintf("…truncated (depth > %d)", w.lim.Depth))
	case string:
		if w.redact {
			t = RedactString(key, t)
		}
		w.str(t)
	default:
		out, _ := marshalNoEscape(t)
		w.b.Write(out)
	}
}

func (w *displayWriter) object(o *ordered, level int) {
	if len(o.keys) == 0 {
		w.b.WriteString("{}")
		return
	}
	w.b.WriteString("{")
	isRef := o.isSecretRef()
	for i, k := range o.keys {
		w.next(i, level)
		if w.full() {
			w.str("…truncated")
			w.b.WriteString(": ")
			w.str(w.sizeCut())
			break
		}
		if w.redact {
			k = maskIfSecret(k)
		}
		w.str(k)
		w.b.WriteString(": ")
		if isRef && k == "ref" {
			w.value(o.vals[i], "", level+1)
		} else {
			w.value(o.vals[i], k, level+1)
		}
	}
	w.b.WriteByte('\n')
	w.indent(level)
	w.b.WriteString("}")
}

func (w *displayWriter) array(a []any, key string, level int) {
	if len(a) == 0 {
		w.b.WriteString("[]")
		return
	}
	w.b.WriteString("[")
	for i, x := range a {
		w.next(i, level)
		if w.full() {
			w.str(w.sizeCut())
			break
		}
		w.value(x, key, level+1)
	}
	w.b.WriteByte('\n')
	w.indent(level)
	w.b.WriteString("]")
}

// next starts entry i of a container at level: a comma after the previous
// one, a new line, the indentation.
func (w *displayWriter) next(i, level int) {
	if i > 0 {
		w.b.WriteByte(',')
	}
	w.b.WriteByte('\n')
	w.indent(level + 1)
}

// str writes s as a JSON string, cut to the room left under Bytes.
func (w *displayWriter) str(s string) {
	if room := w.lim.Bytes - w.b.Len(); w.lim.Bytes > 0 && len(s) > room && len(s) > 64 {
		keep := max(room, 64)
		for keep > 0 && !utf8.RuneStart(s[keep]) {
			keep--
		}
		s = s[:keep] + fmt.Sprintf("…truncated (%d bytes)", len(s))
		w.sizeCut()
	}
	out, _ := marshalNoEscape(s)
	w.b.Write(out)
}
