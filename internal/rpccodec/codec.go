// Package rpccodec is go.lsp.dev/protocol's union-aware JSON-RPC codec, which
// that package keeps unexported. Both ends of our connections (the server and
// the test client) build their jsonrpc2 connections themselves to control
// message ordering, so they need it.
package rpccodec

import (
	"slices"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// Codec marshals LSP payloads with protocol.Marshal/Unmarshal.
type Codec struct{}

func (Codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

func (Codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	// data is borrowed from the transport frame, which jsonrpc2 reuses once
	// Unmarshal returns, while protocol.Unmarshal leaves decoded strings
	// aliasing its input (e.g. CodeAction.Kind inside []CommandOrCodeAction):
	// decode from a copy the values may keep.
	return protocol.Unmarshal(slices.Clone(data), v)
}
