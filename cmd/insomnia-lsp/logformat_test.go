package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func logLine(t *testing.T, format string, log func(*zap.Logger)) string {
	t.Helper()
	enc, err := logEncoder(format)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l := zap.New(zapcore.NewCore(enc, zapcore.AddSync(&out), zapcore.DebugLevel))
	log(l)
	return out.String()
}

func TestTextLogFormat(t *testing.T) {
	got := logLine(t, "text", func(l *zap.Logger) {
		l.With(zap.String("session", "s1")).Info("evaluated", zap.String("profile", "project:coder"),
			zap.Duration("took", 12*time.Millisecond), zap.String("result", "ok"), zap.Error(errors.New("a b")),
			zap.Strings("roots", []string{"/w"}))
	})
	// The server's logger re-encodes lists as raw JSON (internal/redactlog).
	raw := logLine(t, "text", func(l *zap.Logger) {
		l.Info("initialize", zap.Reflect("roots", json.RawMessage(`["/w"]`)), zap.Bool("trusted", true), zap.Int("n", 2))
	})
	if !strings.HasSuffix(raw, ` INFO initialize roots=["/w"] trusted=true n=2`+"\n") {
		t.Errorf("raw JSON field: %q", raw)
	}
	want := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} INFO evaluated profile=project:coder took=12ms result=ok error="a b" roots=\["/w"\] session=s1\n$`)
	if !want.MatchString(got) {
		t.Errorf("text line %q does not match %s", got, want)
	}
}

func TestJSONLogFormatStays(t *testing.T) {
	got := logLine(t, "json", func(l *zap.Logger) { l.Info("evaluated", zap.String("profile", "p")) })
	if !strings.HasPrefix(got, `{"level":"info","ts":`) || !strings.Contains(got, `"profile":"p"`) {
		t.Errorf("json line %q", got)
	}
	if _, err := logEncoder("xml"); err == nil {
		t.Error("an unknown format is accepted")
	}
}
