// Package redactlog is the log's output boundary: a zap core that masks
// secret-looking text (secrets.Redact) in every message and field before
// the wrapped core encodes it, so a log call that forgets to redact (an
// error quoting Nix stderr, a pod's output) still writes no key.
package redactlog

import (
	"encoding/json"
	"fmt"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// Wrap returns l writing through a redacting core.
func Wrap(l *zap.Logger) *zap.Logger {
	return l.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return core{c} }))
}

type core struct{ zapcore.Core }

func (c core) With(fields []zapcore.Field) zapcore.Core {
	return core{c.Core.With(Fields(fields))}
}

// Check adds this core, not the wrapped one, so Write below runs.
func (c core) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c core) Write(e zapcore.Entry, fields []zapcore.Field) error {
	e.Message = secrets.Redact(e.Message)
	return c.Core.Write(e, Fields(fields))
}

// Fields returns fields with their text redacted. Text kinds are redacted
// in place; errors and stringers become strings; structured values are
// encoded to JSON and redacted with secrets.RedactJSON.
func Fields(fields []zapcore.Field) []zapcore.Field {
	out := make([]zapcore.Field, 0, len(fields))
	for _, f := range fields {
		out = append(out, field(f)...)
	}
	return out
}

func field(f zapcore.Field) []zapcore.Field {
	switch f.Type {
	case zapcore.StringType:
		f.String = secrets.Redact(f.String)
		return []zapcore.Field{f}
	case zapcore.ByteStringType, zapcore.BinaryType:
		b, _ := f.Interface.([]byte)
		return []zapcore.Field{zap.String(f.Key, secrets.Redact(string(b)))}
	case zapcore.ErrorType:
		err, _ := f.Interface.(error)
		if err == nil {
			return []zapcore.Field{f}
		}
		return []zapcore.Field{zap.String(f.Key, secrets.Redact(err.Error()))}
	case zapcore.StringerType:
		return []zapcore.Field{zap.String(f.Key, secrets.Redact(fmt.Sprint(f.Interface)))}
	case zapcore.ReflectType, zapcore.ArrayMarshalerType, zapcore.ObjectMarshalerType, zapcore.InlineMarshalerType:
		return structured(f)
	}
	return []zapcore.Field{f}
}

// structured encodes f as the JSON encoder would and redacts the result.
func structured(f zapcore.Field) []zapcore.Field {
	enc := zapcore.NewMapObjectEncoder()
	f.AddTo(enc)
	var out []zapcore.Field
	for k, v := range enc.Fields {
		b, err := json.Marshal(v)
		if err != nil {
			out = append(out, zap.String(k, "(unloggable value)"))
			continue
		}
		out = append(out, zap.Reflect(k, json.RawMessage(secrets.RedactJSON(b))))
	}
	return out
}
