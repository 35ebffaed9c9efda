package lsp

// INTERIM: a minimal evaluator so the server works end to end while
// profile/eval (the real engine: limits, cache, positions, scheduler) lands.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

var (
	interimMu      sync.Mutex
	interimCancels = map[string]context.CancelFunc{}
)

func (w *workspace) schedule(path string, immediate bool) {
	interimMu.Lock()
	if c := interimCancels[path]; c != nil {
		c()
	}
	ctx, cancel := context.WithCancel(w.s.ctx)
	interimCancels[path] = cancel
	interimMu.Unlock()
	delay := w.s.currentSettings().debounce()
	if immediate {
		delay = 0
	}
	go func() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		w.evaluate(ctx, path)
	}()
}

var nixAt = regexp.MustCompile(`at (/[^:\n]+|«stdin»):(\d+):(\d+)`)

func (w *workspace) evaluate(ctx context.Context, path string) {
	set := w.s.currentSettings()
	ctx, cancel := context.WithTimeout(ctx, set.timeout())
	defer cancel()
	text := w.text(path)
	cmd := exec.CommandContext(ctx, set.NixPath, "--eval", "--strict", "--json", "-")
	cmd.Dir = filepath.Dir(path)
	cmd.Stdin = bytes.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return // superseded
	}
	out := &evalOutcome{Finished: time.Now(), Duration: time.Since(start)}
	lines := diagnostics.NewLines(text)
	var diags []diagnostics.Diagnostic
	switch {
	case errors.Is(err, exec.ErrNotFound):
		out.Failed, out.Message = true, "evaluation needs Nix: install it (apt-get install nix-bin) or set insomnia.nixPath"
		diags = append(diags, diagnostics.Diagnostic{File: path, Severity: diagnostics.Error, Code: "nix-missing", Message: out.Message})
	case err != nil:
		out.Failed = true
		msg := stderr.String()
		d := diagnostics.Diagnostic{File: path, Severity: diagnostics.Error, Code: "nix-error", Message: msg}
		if m := nixAt.FindStringSubmatch(msg); m != nil {
			l, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			p := lines.NixPos(l, c)
			d.Range = diagnostics.Range{Start: p, End: p}
		}
		out.Message = msg
		diags = append(diags, d)
	default:
		out.Artifact = json.RawMessage(bytes.TrimSpace(stdout.Bytes()))
		out.Display = out.Artifact
		sum := sha256.Sum256(out.Artifact)
		out.Hash = hex.EncodeToString(sum[:])
		out.Message = "evaluated"
	}
	st := w.state(path)
	w.mu.Lock()
	st.latest = out
	if !out.Failed {
		st.lastGood = out
	}
	w.mu.Unlock()
	w.s.pub.set(path, layerEval, diags)
}
