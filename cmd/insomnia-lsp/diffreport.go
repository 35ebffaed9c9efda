package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/internal/textsafe"
)

// diffReport is what a change does to the resolved profiles
// (`insomnia-lsp diff --json`).
type diffReport struct {
	Base      diffBase        `json:"base"`
	Changed   bool            `json:"changed"`
	Default   *valueChange    `json:"default,omitempty"`
	Discovery *valueChange    `json:"discovery_error,omitempty"`
	Profiles  []profileChange `json:"profiles"`
}

type diffBase struct {
	Revision string `json:"revision"`
	Commit   string `json:"commit"`
	How      string `json:"how"`
}

// valueChange is an old and a new value; nil is "unset".
type valueChange struct {
	Old *string `json:"old"`
	New *string `json:"new"`
}

// profileChange is one profile that differs. Status is added, removed,
// changed (fields), or failure (it fails to evaluate on one side at least).
type profileChange struct {
	Profile   string        `json:"profile"`
	Status    string        `json:"status"`
	Fields    []fieldChange `json:"fields,omitempty"`
	BaseError string        `json:"base_error,omitempty"`
	WorkError string        `json:"work_error,omitempty"`
}

// fieldChange is one resolved field: values are JSON text, nil when unset.
type fieldChange struct {
	Field string  `json:"field"`
	Old   *string `json:"old"`
	New   *string `json:"new"`
}

// compare is the pure part of diff: two trees' results in, the changes out.
func compare(base, work treeResult) *diffReport {
	rep := &diffReport{Profiles: []profileChange{}}
	rep.Default = changeOf(base.Default, work.Default)
	rep.Discovery = changeOf(base.Discovery, work.Discovery)
	for _, name := range unionKeys(base.Profiles, work.Profiles) {
		b, inBase := base.Profiles[name]
		w, inWork := work.Profiles[name]
		if c, ok := profileDiff(name, b, inBase, w, inWork); ok {
			rep.Profiles = append(rep.Profiles, c)
		}
	}
	rep.Changed = rep.Default != nil || rep.Discovery != nil || len(rep.Profiles) > 0
	return rep
}

func profileDiff(name string, b outcome, inBase bool, w outcome, inWork bool) (profileChange, bool) {
	c := profileChange{Profile: name, BaseError: b.Failure, WorkError: w.Failure}
	switch {
	case !inBase:
		c.Status = "added"
	case !inWork:
		c.Status = "removed"
	case b.Failure != "" || w.Failure != "":
		c.Status = "failure"
		return c, b.Failure != w.Failure
	default:
		c.Status = "changed"
		c.Fields = fieldDiff(b.Fields, w.Fields)
		return c, len(c.Fields) > 0
	}
	return c, true
}

func fieldDiff(old, cur map[string]string) []fieldChange {
	var out []fieldChange
	for _, k := range unionKeys(old, cur) {
		o, inOld := old[k]
		n, inNew := cur[k]
		if inOld != inNew || o != n {
			out = append(out, fieldChange{Field: k, Old: ptrIf(o, inOld), New: ptrIf(n, inNew)})
		}
	}
	return out
}

func changeOf(old, cur string) *valueChange {
	if old == cur {
		return nil
	}
	return &valueChange{Old: ptrIf(old, old != ""), New: ptrIf(cur, cur != "")}
}

func ptrIf(s string, ok bool) *string {
	if !ok {
		return nil
	}
	return &s
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// writeDiff prints the report: JSON, or text with every field escaped.
func writeDiff(w io.Writer, rep *diffReport, asJSON bool) error {
	if asJSON {
		b, err := marshalNoHTML(rep)
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err = w.Write(out.Bytes())
		return err
	}
	_, err := io.WriteString(w, diffText(rep))
	return err
}

// diffText is the report for a reader (a pull-request comment).
func diffText(rep *diffReport) string {
	esc := textsafe.Escape
	var b strings.Builder
	fmt.Fprintf(&b, "base: %s %s (%s)\n", esc(rep.Base.Revision), shortCommit(rep.Base.Commit), esc(rep.Base.How))
	if rep.Default != nil {
		fmt.Fprintf(&b, "default: %s → %s\n", esc(unset(rep.Default.Old, "none")), esc(unset(rep.Default.New, "none")))
	}
	if rep.Discovery != nil {
		fmt.Fprintf(&b, "! discovery fails: %s → %s\n", esc(unset(rep.Discovery.Old, "ok")), esc(unset(rep.Discovery.New, "ok")))
	}
	for _, c := range rep.Profiles {
		writeProfileText(&b, c)
	}
	if !rep.Changed {
		b.WriteString("no change to any resolved profile\n")
	}
	return b.String()
}

func writeProfileText(b *strings.Builder, c profileChange) {
	esc := textsafe.Escape
	switch c.Status {
	case "added":
		fmt.Fprintf(b, "+ %s\n", esc(c.Profile))
		if c.WorkError != "" {
			fmt.Fprintf(b, "  ! fails to evaluate in the working tree: %s\n", esc(c.WorkError))
		}
	case "removed":
		fmt.Fprintf(b, "- %s\n", esc(c.Profile))
	case "failure":
		fmt.Fprintf(b, "%s\n", esc(c.Profile))
		if c.BaseError != "" {
			fmt.Fprintf(b, "  ! fails to evaluate at base: %s\n", esc(c.BaseError))
		}
		if c.WorkError != "" {
			fmt.Fprintf(b, "  ! fails to evaluate in the working tree: %s\n", esc(c.WorkError))
		}
	default:
		fmt.Fprintf(b, "%s\n", esc(c.Profile))
		for _, f := range c.Fields {
			fmt.Fprintf(b, "  %s: %s → %s\n", esc(f.Field), esc(unset(f.Old, "(unset)")), esc(unset(f.New, "(unset)")))
		}
	}
}

func unset(p *string, none string) string {
	if p == nil {
		return none
	}
	return *p
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// marshalNoHTML is json.Marshal without the <, > and & escapes, which
// would garble values shown to a reader.
func marshalNoHTML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
