package redactlog

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Every kind of field a caller may log a key through comes out masked.
func TestRedactingLogger(t *testing.T) {
	const key = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"
	var buf bytes.Buffer
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	l := Wrap(zap.New(zapcore.NewCore(enc, zapcore.AddSync(&buf), zapcore.DebugLevel)))
	l = l.With(zap.String("with", key))
	l.Info("message "+key,
		zap.String("s", "a\n"+key),
		zap.ByteString("b", []byte(key)),
		zap.Error(errors.New("stderr: "+key)),
		zap.Stringer("st", stringer(key)),
		zap.Any("any", map[string]any{"nested": []string{key}}),
		zap.Strings("list", []string{key}),
		zap.Int("n", 7))
	out := buf.String()
	t.Log(out)
	if strings.Contains(out, key[4:]) {
		t.Errorf("the log holds the key: %s", out)
	}
	for _, want := range []string{`"n":7`, `"with":`, `"nested":`, "sk-a…(49 chars)"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
}

type stringer string

func (s stringer) String() string { return string(s) }
