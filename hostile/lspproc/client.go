package lspproc

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"
)

// RequestTimeout bounds every request; a server that does not answer within
// it is hung.
var RequestTimeout = 30 * time.Second

func marshalOrNull(v any) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// Call sends a request with params (marshalled with encoding/json) and
// returns the raw result.
func (p *Proc) Call(method string, params any) (json.RawMessage, error) {
	body, err := marshalOrNull(params)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), RequestTimeout)
	defer cancel()
	var res jsonrpc2.RawMessage
	if _, err := p.conn.Call(ctx, method, jsonrpc2.RawMessage(body), &res); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	return json.RawMessage(res), nil
}

// Notify sends a notification.
func (p *Proc) Notify(method string, params any) error {
	body, err := marshalOrNull(params)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), RequestTimeout)
	defer cancel()
	return p.conn.Notify(ctx, method, jsonrpc2.RawMessage(body))
}

// Initialize sends initialize (one workspace folder, the Options'
// InitOptions, else its Settings, as initializationOptions) and initialized.
func (p *Proc) Initialize(root string) error {
	params := map[string]any{"processId": os.Getpid(), "clientInfo": map[string]string{"name": "lspproc"},
		"capabilities":          map[string]any{"window": map[string]any{"workDoneProgress": true}},
		"initializationOptions": json.RawMessage(p.initOptions)}
	if root != "" {
		u := string(uri.File(root))
		params["rootUri"] = u
		params["workspaceFolders"] = []map[string]string{{"uri": u, "name": filepath.Base(root)}}
	}
	if _, err := p.Call("initialize", params); err != nil {
		return err
	}
	return p.Notify("initialized", map[string]any{})
}

func docID(path string) map[string]any { return map[string]any{"uri": string(uri.File(path))} }

func (p *Proc) nextVersion(path string, reset bool) int32 {
	p.vmu.Lock()
	defer p.vmu.Unlock()
	if reset {
		p.versions[path] = 1
	} else {
		p.versions[path]++
	}
	return p.versions[path]
}

// Open sends didOpen with text (language nix, or toml for profiles.toml).
func (p *Proc) Open(path, text string) error {
	lang := "nix"
	if filepath.Base(path) == "profiles.toml" {
		lang = "toml"
	}
	v := p.nextVersion(path, true)
	return p.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": string(uri.File(path)), "languageId": lang, "version": v, "text": text}})
}

// Change replaces the whole text and returns the new version.
func (p *Proc) Change(path, text string) (int32, error) {
	return p.changes(path, []map[string]any{{"text": text}})
}

// Edit replaces the range [start, end) with text (an incremental change)
// and returns the new version.
func (p *Proc) Edit(path string, start, end Position, text string) (int32, error) {
	return p.changes(path, []map[string]any{{"range": Range{Start: start, End: end}, "text": text}})
}

func (p *Proc) changes(path string, cs []map[string]any) (int32, error) {
	v := p.nextVersion(path, false)
	id := docID(path)
	id["version"] = v
	return v, p.Notify("textDocument/didChange", map[string]any{"textDocument": id, "contentChanges": cs})
}

// Save sends didSave with text (the caller writes the file first).
func (p *Proc) Save(path, text string) error {
	return p.Notify("textDocument/didSave", map[string]any{"textDocument": docID(path), "text": text})
}

// CloseDoc sends didClose.
func (p *Proc) CloseDoc(path string) error {
	return p.Notify("textDocument/didClose", map[string]any{"textDocument": docID(path)})
}

func posParams(path string, line, col int) map[string]any {
	return map[string]any{"textDocument": docID(path), "position": Position{Line: line, Character: col}}
}

// Hover returns the hover's markdown ("" for a null result).
func (p *Proc) Hover(path string, line, col int) (string, error) {
	raw, err := p.Call("textDocument/hover", posParams(path, line, col))
	if err != nil {
		return "", err
	}
	var h struct {
		Contents json.RawMessage `json:"contents"`
	}
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", fmt.Errorf("hover result %s: %w", raw, err)
	}
	var mc struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(h.Contents, &mc) == nil && mc.Value != "" {
		return mc.Value, nil
	}
	return string(h.Contents), nil
}

// Completion returns the number of items offered.
func (p *Proc) Completion(path string, line, col int) (int, error) {
	raw, err := p.Call("textDocument/completion", posParams(path, line, col))
	if err != nil {
		return 0, err
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) == nil {
		return len(items), nil
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return 0, fmt.Errorf("completion result: %w", err)
	}
	return len(list.Items), nil
}

// DocumentSymbols returns the number of top-level symbols.
func (p *Proc) DocumentSymbols(path string) (int, error) {
	raw, err := p.Call("textDocument/documentSymbol", map[string]any{"textDocument": docID(path)})
	if err != nil {
		return 0, err
	}
	var syms []json.RawMessage
	if err := json.Unmarshal(raw, &syms); err != nil && string(raw) != "null" {
		return 0, fmt.Errorf("documentSymbol result: %w", err)
	}
	return len(syms), nil
}

// Command runs workspace/executeCommand with one argument and returns the
// raw result.
func (p *Proc) Command(name string, arg any) (json.RawMessage, error) {
	return p.Call("workspace/executeCommand", map[string]any{"command": name, "arguments": []any{arg}})
}
