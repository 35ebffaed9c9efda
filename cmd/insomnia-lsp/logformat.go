package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// logEncoder picks the log line format of --log-format: "json" (one object per
// line, for --log-file and tools) or "text" (for a person reading the editor's
// output: `15:04:05.000 INFO evaluated profile=project:coder took=12ms`, local
// time, fields in the order they were logged).
func logEncoder(format string) (zapcore.Encoder, error) {
	switch format {
	case "", "json":
		return zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), nil
	case "text":
		return &textEncoder{MapObjectEncoder: zapcore.NewMapObjectEncoder()}, nil
	}
	return nil, fmt.Errorf("unknown --log-format %q (want text or json)", format)
}

var bufPool = buffer.NewPool()

// textEncoder keeps the logger's context fields (logger.With) in the embedded
// map and writes them sorted after the entry's own fields.
type textEncoder struct {
	*zapcore.MapObjectEncoder
}

func (e *textEncoder) Clone() zapcore.Encoder {
	c := zapcore.NewMapObjectEncoder()
	for k, v := range e.Fields {
		c.Fields[k] = v
	}
	return &textEncoder{MapObjectEncoder: c}
}

func (e *textEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	b := bufPool.Get()
	b.AppendString(ent.Time.Local().Format("15:04:05.000"))
	b.AppendByte(' ')
	b.AppendString(ent.Level.CapitalString())
	if ent.LoggerName != "" {
		b.AppendString(" " + ent.LoggerName)
	}
	b.AppendString(" " + ent.Message)
	for _, f := range fields {
		// One field at a time keeps the logged order (a map would not).
		m := zapcore.NewMapObjectEncoder()
		f.AddTo(m)
		appendPairs(b, m.Fields)
	}
	appendPairs(b, e.Fields)
	if ent.Stack != "" {
		b.AppendString("\n" + ent.Stack)
	}
	b.AppendByte('\n')
	return b, nil
}

func appendPairs(b *buffer.Buffer, fields map[string]any) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.AppendString(" " + k + "=" + textValue(fields[k]))
	}
}

// textValue writes a value bare when that is unambiguous, else quoted (strings
// with spaces, quotes or '=') or as compact JSON (lists and objects).
func textValue(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" || strings.ContainsAny(x, " \t\n\"=") {
			return strconv.Quote(x)
		}
		return x
	case time.Duration:
		return x.Round(time.Millisecond / 10).String()
	case time.Time:
		return x.Local().Format("15:04:05.000")
	case json.RawMessage: // lists and objects, as internal/redactlog re-encodes them
		return string(x)
	case []byte:
		return textValue(string(x))
	case fmt.Stringer:
		return textValue(x.String())
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, complex64, complex128:
		return fmt.Sprint(x)
	}
	if j, err := json.Marshal(v); err == nil {
		return string(j)
	}
	return textValue(fmt.Sprint(v))
}
