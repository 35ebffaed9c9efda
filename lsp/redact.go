package lsp

import (
	"context"
	"errors"

	"go.lsp.dev/jsonrpc2"

	"github.com/insomnia-lsp/insomnia-lsp/internal/rpccodec"
	"github.com/insomnia-lsp/insomnia-lsp/profile/secrets"
)

// The protocol's output boundary. Producers redact where source text enters
// a message (parser messages, Nix stderr, pod output); these are the last
// line of defence, so a channel added later cannot leak a key: every
// payload the server sends (results, notifications, its own requests) goes
// through redactingCodec, and every error reply through redactErrors.

// keepKey is the payload key whose strings are not for display: edits of
// the user's own files, which must not be rewritten with masks.
const keepKey = "newText"

// redactingCodec is rpccodec.Codec whose output passes secrets.RedactJSON.
type redactingCodec struct{ rpccodec.Codec }

func (c redactingCodec) Marshal(v any) ([]byte, error) {
	b, err := c.Codec.Marshal(v)
	if err != nil {
		return nil, err
	}
	return secrets.RedactJSON(b, keepKey), nil
}

// redactErrors masks secret-looking text in the error a request answers
// with: the connection writes error messages itself, not through the codec.
func redactErrors(h jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		res, err := h(ctx, req)
		return res, redactError(err)
	}
}

func redactError(err error) error {
	if err == nil {
		return nil
	}
	msg := secrets.Redact(err.Error())
	var wire *jsonrpc2.Error
	if errors.As(err, &wire) {
		return &jsonrpc2.Error{Code: wire.Code, Message: msg, Data: secrets.RedactJSON(wire.Data)}
	}
	if msg == err.Error() {
		return err
	}
	return &RedactedError{Msg: msg, Err: err}
}

// RedactedError is an error whose message was redacted for the editor; Err
// is the original, for errors.Is and errors.As in this process.
type RedactedError struct {
	Msg string
	Err error
}

func (e *RedactedError) Error() string { return e.Msg }
func (e *RedactedError) Unwrap() error { return e.Err }
