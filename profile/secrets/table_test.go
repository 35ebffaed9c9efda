package secrets

import (
	"fmt"
	"strings"
	"testing"
)

// A judge decides whether value, written in a field named field (a
// credential position of the manifest schema when cred), is a plaintext
// credential.
type judge func(value, field string, cred bool) bool

// fieldOf is the last non-index key of a literal's attribute path.
func fieldOf(path []string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if strings.Trim(path[i], "0123456789") != "" {
			return path[i]
		}
	}
	return ""
}

// score counts a judge's findings on the corpus literals (in a
// non-credential field, named as in the corpus) and its hits on the
// recall set in the three positions.
type score struct {
	set           string
	size, finding int
}

func measure(t *testing.T, j judge) []score {
	var out []score
	for _, set := range precisionSets {
		lits := literalSet(t, set.dir)
		s := score{set: set.name, size: len(lits)}
		for _, l := range lits {
			if j(l.value, fieldOf(l.path), false) {
				s.finding++
			}
		}
		out = append(out, s)
	}
	keys := recallSet(20)
	for _, pos := range []string{"credential field", "other field", "inside a string"} {
		s := score{set: "recall: " + pos, size: len(keys)}
		for _, k := range keys {
			switch pos {
			case "credential field":
				s.finding += b2i(j(k.value, "api_key", true))
			case "other field":
				s.finding += b2i(j(k.value, "description", false))
			default:
				s.finding += b2i(j(k.embedded(), "description", false))
			}
		}
		out = append(out, s)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func table(name string, scores []score) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n| set | size | findings | precision | recall |\n|---|---|---|---|---|\n", name)
	for _, s := range scores {
		if strings.HasPrefix(s.set, "recall") {
			fmt.Fprintf(&b, "| %s | %d | %d | - | %.1f%% |\n", s.set, s.size, s.finding, 100*float64(s.finding)/float64(s.size))
		} else {
			fmt.Fprintf(&b, "| %s | %d | %d (false) | - | - |\n", s.set, s.size, s.finding)
		}
	}
	return b.String()
}

// handJudge is the detector under test.
func handJudge(v, field string, cred bool) bool { return Plaintext(v, field, cred) }

// overall is precision and recall over all sets: corpus findings are
// false positives, recall-set hits true positives.
func overall(scores []score) string {
	tp, fp, n := 0, 0, 0
	for _, s := range scores {
		if strings.HasPrefix(s.set, "recall") {
			tp, n = tp+s.finding, n+s.size
		} else {
			fp += s.finding
		}
	}
	return fmt.Sprintf("overall: precision %.2f%% (%d true, %d false), recall %.1f%%",
		100*float64(tp)/float64(tp+fp), tp, fp, 100*float64(tp)/float64(n))
}

// TestHandWrittenAtLeastGitleaks: the hand-written detector finds every
// generated key gitleaks' rules find, in every position, and has no more
// false findings on the corpus. A failure names the format to adopt a rule
// for.
func TestHandWrittenAtLeastGitleaks(t *testing.T) {
	gl := loadGitleaks(t)
	for _, k := range recallSet(3) {
		for _, c := range []struct{ where, text, v, field string }{
			{"other field", k.value, k.value, "description"},
			{"inside a string", k.embedded(), k.embedded(), "description"},
		} {
			if id := gl.detect(c.text); id != "" && !Plaintext(c.v, c.field, false) {
				t.Errorf("%s %s: gitleaks rule %s finds it, we do not", k.provider, c.where, id)
			}
		}
	}
	if testing.Short() {
		return
	}
	for _, set := range precisionSets[:1] {
		ours, theirs := 0, 0
		for _, l := range literalSet(t, set.dir) {
			ours += b2i(Plaintext(l.value, fieldOf(l.path), false))
			theirs += b2i(gl.detect(l.value) != "")
		}
		if ours > theirs {
			t.Errorf("%s: %d false findings, gitleaks %d", set.name, ours, theirs)
		}
	}
}

func TestMeasureTable(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement over the corpus: not in -short")
	}
	gl := loadGitleaks(t)
	for _, j := range []struct {
		name string
		fn   judge
	}{
		{"hand-written", handJudge},
		{"gitleaks (value alone)", func(v, _ string, _ bool) bool { return gl.detect(v) != "" }},
		{"gitleaks (field = \"value\" line)", func(v, f string, _ bool) bool {
			return gl.detect(fmt.Sprintf("%s = %q", f, v)) != ""
		}},
	} {
		scores := measure(t, j.fn)
		t.Log("\n" + table(j.name, scores) + overall(scores))
	}
}
