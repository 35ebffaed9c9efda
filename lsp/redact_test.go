package lsp

import (
	"errors"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/insomnia-lsp/insomnia-lsp/nixsyntax"
)

const testKey = "sk-ant-api03-Zq8RkT2mWv9LpX4nYc7HbJ3sDf6GuAe1Kx0P"

// Whatever a producer forgot, the payload the server writes holds no key;
// edits of the user's own text are left alone.
func TestRedactingCodec(t *testing.T) {
	params := &protocol.LogMessageParams{Message: "saw\n" + testKey}
	b, err := redactingCodec{}.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), testKey[4:]) || !strings.Contains(string(b), "sk-a…") {
		t.Errorf("payload %s", b)
	}
	edit := protocol.TextEdit{NewText: testKey}
	b, _ = redactingCodec{}.Marshal(edit)
	if !strings.Contains(string(b), testKey) {
		t.Errorf("an edit's text was rewritten: %s", b)
	}
}

func TestRedactError(t *testing.T) {
	for _, err := range []error{errors.New("pod said " + testKey), jsonrpc2.NewError(jsonrpc2.InternalError, "x "+testKey)} {
		got := redactError(err)
		if strings.Contains(got.Error(), testKey[4:]) {
			t.Errorf("error %q", got)
		}
		var wire *jsonrpc2.Error
		if errors.As(err, &wire) && (!errors.As(got, &wire) || wire.Code != jsonrpc2.InternalError) {
			t.Errorf("the error code is lost: %#v", got)
		}
	}
	if e := errors.New("plain"); redactError(e) != e {
		t.Error("an error with nothing to mask was replaced")
	}
}

func TestSymbolNamesRedacted(t *testing.T) {
	f := nixsyntax.Parse([]byte("{ " + testKey + " = 1; ok = 2; }"))
	syms := toProtoSymbols(nixsyntax.Symbols(f))
	if len(syms) != 2 {
		t.Fatalf("symbols %+v", syms)
	}
	for _, s := range syms {
		if strings.Contains(s.Name, testKey[4:]) {
			t.Errorf("symbol name %q", s.Name)
		}
	}
}
