package eval

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// NixPos is a place as Nix prints it: 1-based line, 1-based byte column.
// File is an absolute path, or a text origin ("«stdin»", "«string»",
// "(string)") that the caller maps to the buffer it fed Nix.
type NixPos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

// ParsedError is what a diagnostic needs from a Nix failure.
type ParsedError struct {
	// Headline is the error message without "error: " (continuation lines
	// kept, joined by "\n"); empty when stderr holds no "error:" line.
	Headline string
	// Pos is the innermost position in a source (see IsSource), if any.
	Pos *NixPos
	// Trace is every position printed, innermost first.
	Trace []NixPos
}

// IsSource says whether a position names text we can show: an absolute file
// or the stdin/-E text. «nix-internal» files and «none» are not.
func (p NixPos) IsSource() bool {
	return p.Line > 0 && (strings.HasPrefix(p.File, "/") || isTextOrigin(p.File))
}

func isTextOrigin(f string) bool {
	return f == "«stdin»" || f == "«string»" || f == "(string)" || f == "(stdin)"
}

var (
	ansiRE   = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")
	errorRE  = regexp.MustCompile(`^\s*error:\s?(.*)$`)
	atRE     = regexp.MustCompile(`^\s*at (.+):(\d+):(\d+):?\s*$`)
	traceRE  = regexp.MustCompile(`^\s*… `)
	codeRE   = regexp.MustCompile(`^\s*(\d+|<number>)?\s*\|`)
	noiseRE  = regexp.MustCompile(`^\s*(\(use '--show-trace'|Try '|\(\d+ duplicate frames omitted\)|GC Warning:)`)
	inlineRE = regexp.MustCompile(`^(.*) at ((?:/|«|\()[^:]*):(\d+):(\d+)$`)
)

// ParseError reads Nix's stderr: the text form of Nix 2.8 and of current
// Nix, or --log-format internal-json ("@nix {...}" lines), whichever it is.
func ParseError(stderr []byte) ParsedError {
	if pe, ok := parseInternalJSON(stderr); ok {
		return pe
	}
	return parseText(stripANSI(string(stderr)))
}

func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// textPart is one line of the text form, classified.
type textPart struct {
	kind byte // 'e' error line, 'a' position, 't' trace item, 'x' other
	text string
	pos  NixPos
}

func classifyLine(line string) textPart {
	if m := errorRE.FindStringSubmatch(line); m != nil {
		return textPart{kind: 'e', text: m[1]}
	}
	if m := atRE.FindStringSubmatch(line); m != nil {
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		return textPart{kind: 'a', pos: NixPos{File: m[1], Line: l, Col: c}}
	}
	if traceRE.MatchString(line) {
		return textPart{kind: 't'}
	}
	return textPart{kind: 'x', text: line}
}

// parseText finds the last non-empty "error:" line (current Nix opens with
// an empty "error:" and prints the trace first, outermost first; Nix 2.8
// prints the message first and the trace after it, innermost first).
func parseText(s string) ParsedError {
	lines := strings.Split(s, "\n")
	parts := make([]textPart, len(lines))
	head := -1
	for i, l := range lines {
		parts[i] = classifyLine(l)
		if parts[i].kind == 'e' && strings.TrimSpace(parts[i].text) != "" {
			head = i
		}
	}
	if head < 0 {
		return ParsedError{Headline: firstLine(s)}
	}
	msg, own, next := headline(lines, parts, head)
	var before, after []NixPos
	for i := 0; i < head; i++ {
		if parts[i].kind == 'a' {
			before = append(before, parts[i].pos)
		}
	}
	for i := next; i < len(parts); i++ {
		if parts[i].kind == 'a' {
			after = append(after, parts[i].pos)
		}
	}
	var trace []NixPos
	trace = append(trace, own...)
	trace = append(trace, after...)
	for i := len(before) - 1; i >= 0; i-- {
		trace = append(trace, before[i])
	}
	return finish(msg, trace)
}

// headline collects the message lines from head on, and the positions that
// belong to it (before the next trace item). It returns where it stopped.
func headline(lines []string, parts []textPart, head int) (string, []NixPos, int) {
	msg := []string{strings.TrimSpace(parts[head].text)}
	var own []NixPos
	i := head + 1
	for ; i < len(parts) && parts[i].kind == 'x'; i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || codeRE.MatchString(lines[i]) || noiseRE.MatchString(lines[i]) {
			break
		}
		msg = append(msg, t)
	}
	for ; i < len(parts) && parts[i].kind != 't' && parts[i].kind != 'e'; i++ {
		if parts[i].kind == 'a' {
			own = append(own, parts[i].pos)
		}
	}
	text := strings.Join(msg, "\n")
	// Nix 2.8 parse errors may end the message with "at FILE:L:C".
	if m := inlineRE.FindStringSubmatch(msg[0]); m != nil && len(own) == 0 && len(msg) == 1 {
		l, _ := strconv.Atoi(m[3])
		c, _ := strconv.Atoi(m[4])
		own = append(own, NixPos{File: m[2], Line: l, Col: c})
	}
	return text, own, i
}

func finish(msg string, trace []NixPos) ParsedError {
	pe := ParsedError{Headline: msg, Trace: trace}
	for i := range trace {
		if trace[i].IsSource() {
			p := trace[i]
			pe.Pos = &p
			break
		}
	}
	return pe
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && !noiseRE.MatchString(l) {
			return t
		}
	}
	return ""
}

// jsonMsg is one "@nix" line of --log-format internal-json (Nix 2.8 gives
// file/line/column of the error and a trace, innermost first).
type jsonMsg struct {
	Action string    `json:"action"`
	Level  *int      `json:"level"`
	Msg    string    `json:"msg"`
	RawMsg string    `json:"raw_msg"`
	File   *string   `json:"file"`
	Line   *int      `json:"line"`
	Column *int      `json:"column"`
	Trace  []jsonPos `json:"trace"`
}

type jsonPos struct {
	File   *string `json:"file"`
	Line   *int    `json:"line"`
	Column *int    `json:"column"`
}

// parseInternalJSON takes the last error-level "@nix" message. It reports
// false when there is none, so the caller reads the text form.
func parseInternalJSON(stderr []byte) (ParsedError, bool) {
	var last *jsonMsg
	for _, line := range bytes.Split(stderr, []byte("\n")) {
		rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("@nix "))
		if !ok {
			continue
		}
		var m jsonMsg
		if json.Unmarshal(rest, &m) != nil || m.Action != "msg" || m.Level == nil || *m.Level != 0 {
			continue
		}
		// builtins.trace prints at error level too: only errors count.
		if !strings.HasPrefix(strings.TrimSpace(stripANSI(m.Msg)), "error:") {
			continue
		}
		last = &m
	}
	if last == nil {
		return ParsedError{}, false
	}
	// The text in "msg" carries the inline positions of parse errors and the
	// continuation lines; read it, then trust the structured positions.
	pe := parseText(stripANSI(last.Msg))
	var trace []NixPos
	if p, ok := posOf(last.File, last.Line, last.Column); ok {
		trace = append(trace, p)
	}
	for _, t := range last.Trace {
		if p, ok := posOf(t.File, t.Line, t.Column); ok {
			trace = append(trace, p)
		}
	}
	if len(trace) == 0 {
		return pe, true
	}
	return finish(pe.Headline, trace), true
}

// posOf reads a JSON position. Nix 2.8 names a stdin or -E position by the
// whole text instead of «stdin»; anything not a path is a text origin.
func posOf(file *string, line, col *int) (NixPos, bool) {
	if file == nil || line == nil {
		return NixPos{}, false
	}
	p := NixPos{File: *file, Line: *line}
	if col != nil {
		p.Col = *col
	}
	if !strings.HasPrefix(p.File, "/") && !strings.HasPrefix(p.File, "«") {
		p.File = "«stdin»"
	}
	return p, true
}
