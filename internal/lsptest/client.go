// Package lsptest is an in-process LSP client for tests: it runs the real
// server over pipes and offers typed calls and await helpers.
package lsptest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap/zaptest"

	"github.com/insomnia-lsp/insomnia-lsp/internal/rpccodec"
	"github.com/insomnia-lsp/insomnia-lsp/lsp"
)

// Wait is how long await helpers wait before failing the test.
var Wait = 30 * time.Second

// Client is the editor side of one server connection.
type Client struct {
	t      testing.TB
	Server protocol.Server
	conn   jsonrpc2.Conn
	done   chan int

	mu           sync.Mutex // guards the fields below up to settings (cond waits on it)
	cond         *sync.Cond
	diags        map[string][]protocol.Diagnostic // by path
	diagSeq      map[string]int                   // publishes seen per path
	messages     []string                         // window/showMessage texts
	messageTypes []protocol.MessageType           // and their types, same index
	notes        []Notification                   // custom notifications
	progress     []json.RawMessage                // $/progress values
	edits        []*protocol.ApplyWorkspaceEditParams
	versions     map[string]int32
	settings     json.RawMessage
	// ApplyEdits, when true, writes applied workspace edits to disk.
	ApplyEdits bool
	// EditorPID is the processId sent in initialize (default: this process).
	EditorPID int
	// Capabilities, when set before Initialize, are the client
	// capabilities sent (default: none).
	Capabilities   map[string]any
	inlayRefreshes int // workspace/inlayHint/refresh requests received
}

// Notification is a non-standard notification from the server.
type Notification struct {
	Method string
	Params json.RawMessage
}

// Start runs a server in-process and returns a client connected to it.
// opts.Logger defaults to the test's logger.
func Start(t testing.TB, opts lsp.Options) *Client {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(t)
	}
	a, b := pipes(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{t: t, done: make(chan int, 1), diags: map[string][]protocol.Diagnostic{},
		diagSeq: map[string]int{}, versions: map[string]int32{}}
	c.cond = sync.NewCond(&c.mu)
	c.EditorPID = os.Getpid()
	go func() { c.done <- lsp.Serve(ctx, a, opts) }()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(b), jsonrpc2.WithCodec(rpccodec.Codec{}))
	c.Server = protocol.ServerDispatcher(c.conn)
	c.conn.Go(ctx, protocol.ClientHandler(&handler{c: c}, c.fallback))
	t.Cleanup(func() {
		c.Close()
		cancel()
	})
	return c
}

// Close sends shutdown and exit and waits for the server to end.
func (c *Client) Close() int {
	select {
	case code := <-c.done:
		c.done <- code
		return code
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.Server.Shutdown(ctx)
	_ = c.Server.Exit(ctx)
	select {
	case code := <-c.done:
		c.done <- code
		_ = c.conn.Close()
		return code
	case <-time.After(10 * time.Second):
		c.t.Errorf("server did not exit within 10 s of exit")
		return -1
	}
}

// InitializeTrusted is Initialize with `trusted: true` added to the
// initializationOptions (only there: the settings answering
// workspace/configuration stay as given), for tests that need
// unrestricted evaluation: without it the server evaluates restricted.
func (c *Client) InitializeTrusted(root string, settings map[string]any) *protocol.InitializeResult {
	c.t.Helper()
	init := map[string]any{"trusted": true}
	for k, v := range settings {
		init[k] = v
	}
	return c.initialize(root, init, settings)
}

// Initialize sends initialize + initialized with one workspace folder
// and the given initializationOptions (may be nil), which also answer
// workspace/configuration. Trust is not implied: see InitializeTrusted.
func (c *Client) Initialize(root string, initOptions any) *protocol.InitializeResult {
	c.t.Helper()
	return c.initialize(root, initOptions, initOptions)
}

// initialize sends init as initializationOptions; settings (when not nil)
// answer workspace/configuration.
func (c *Client) initialize(root string, initOptions, settings any) *protocol.InitializeResult {
	c.t.Helper()
	// Nullable fields have no constructor: build the params from JSON.
	raw := map[string]any{"processId": c.EditorPID, "clientInfo": map[string]string{"name": "lsptest"},
		"capabilities": map[string]any{}}
	if c.Capabilities != nil {
		raw["capabilities"] = c.Capabilities
	}
	if root != "" {
		u := uri.File(root)
		raw["rootUri"] = string(u)
		raw["workspaceFolders"] = []map[string]string{{"uri": string(u), "name": filepath.Base(root)}}
	}
	if initOptions != nil {
		raw["initializationOptions"] = initOptions
	}
	if !isNil(settings) {
		b, err := json.Marshal(settings)
		if err != nil {
			c.t.Fatal(err)
		}
		c.settings = b
	}
	return c.sendInitialize(raw)
}

// sendInitialize sends initialize with raw as its params (as an editor's
// JSON, decoded the way the server decodes it), then initialized.
func (c *Client) sendInitialize(raw map[string]any) *protocol.InitializeResult {
	c.t.Helper()
	body, err := json.Marshal(raw)
	if err != nil {
		c.t.Fatal(err)
	}
	params := &protocol.InitializeParams{}
	if err := protocol.Unmarshal(body, params); err != nil {
		c.t.Fatal(err)
	}
	res, err := c.Server.Initialize(c.ctx(), params)
	if err != nil {
		c.t.Fatalf("initialize: %v", err)
	}
	if err := c.Server.Initialized(c.ctx(), &protocol.InitializedParams{}); err != nil {
		c.t.Fatalf("initialized: %v", err)
	}
	return res
}

// isNil is true for nil and for a nil map (InitializeTrusted(root, nil)).
func isNil(v any) bool {
	m, isMap := v.(map[string]any)
	return v == nil || (isMap && m == nil)
}

func (c *Client) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	_ = cancel // the timeout ends it; requests finish well before
	return ctx
}

// Open sends didOpen for path with its current text on disk, or text if given.
func (c *Client) Open(path string, text ...string) {
	c.t.Helper()
	body := ""
	if len(text) > 0 {
		body = text[0]
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			c.t.Fatal(err)
		}
		body = string(b)
	}
	lang := "nix"
	if filepath.Base(path) == "profiles.toml" {
		lang = "toml"
	}
	c.mu.Lock()
	c.versions[path] = 1
	c.mu.Unlock()
	err := c.Server.DidOpen(c.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri.File(path), LanguageID: protocol.LanguageKind(lang), Version: 1, Text: body}})
	if err != nil {
		c.t.Fatal(err)
	}
}

// Change replaces the whole text of an open document.
func (c *Client) Change(path, text string) {
	c.t.Helper()
	c.mu.Lock()
	c.versions[path]++
	v := c.versions[path]
	c.mu.Unlock()
	err := c.Server.DidChange(c.ctx(), &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(path)}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}},
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// Save writes text to disk and sends didSave with it.
func (c *Client) Save(path, text string) {
	c.t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		c.t.Fatal(err)
	}
	err := c.Server.DidSave(c.ctx(), &protocol.DidSaveTextDocumentParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)}, Text: &text})
	if err != nil {
		c.t.Fatal(err)
	}
}

// Hover asks for a hover at a 0-based line and UTF-16 column.
func (c *Client) Hover(path string, line, col int) string {
	c.t.Helper()
	h, err := c.Server.Hover(c.ctx(), &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)},
		Position:     protocol.Position{Line: uint32(line), Character: uint32(col)}}})
	if err != nil {
		c.t.Fatalf("hover: %v", err)
	}
	if h == nil {
		return ""
	}
	switch v := h.Contents.(type) {
	case *protocol.MarkupContent:
		return v.Value
	case protocol.String:
		return string(v)
	}
	return fmt.Sprint(h.Contents)
}

// Command runs workspace/executeCommand and decodes its result into out (may be nil).
func (c *Client) Command(name string, arg any, out any) error {
	raw, err := json.Marshal(arg)
	if err != nil {
		return err
	}
	res, err := c.Server.ExecuteCommand(c.ctx(), &protocol.ExecuteCommandParams{Command: name, Arguments: []protocol.LSPAny{raw}})
	if err != nil {
		return err
	}
	if out != nil && len(res) > 0 {
		return json.Unmarshal(res, out)
	}
	return nil
}

// Diagnostics returns the latest published diagnostics of path.
func (c *Client) Diagnostics(path string) []protocol.Diagnostic {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]protocol.Diagnostic(nil), c.diags[path]...)
}

// AwaitDiagnostics waits until path's latest diagnostics satisfy ok and returns them.
func (c *Client) AwaitDiagnostics(path string, ok func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	c.t.Helper()
	var got []protocol.Diagnostic
	if !c.await(func() bool { got = c.diags[path]; return c.diagSeq[path] > 0 && ok(got) }) {
		c.t.Fatalf("timed out waiting for diagnostics on %s; last: %s", path, Describe(c.diags[path]))
	}
	return got
}

// AwaitCode waits for a diagnostic with the given code on path and returns it.
func (c *Client) AwaitCode(path, code string) protocol.Diagnostic {
	c.t.Helper()
	var found protocol.Diagnostic
	c.AwaitDiagnostics(path, func(ds []protocol.Diagnostic) bool {
		for _, d := range ds {
			if Code(d) == code {
				found = d
				return true
			}
		}
		return false
	})
	return found
}

// await waits (with the client lock held while checking) until cond holds.
// It re-checks on every message and at least every 50 ms, because some
// conditions (a hover result, a file on disk) change without a message.
func (c *Client) await(cond func() bool) bool {
	deadline := time.Now().Add(Wait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				c.cond.Broadcast()
			}
		}
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		c.cond.Wait()
	}
	return true
}

// Await waits until cond (called without locks) holds, polling on every message.
func (c *Client) Await(what string, cond func() bool) {
	c.t.Helper()
	if !c.await(func() bool {
		c.mu.Unlock()
		defer c.mu.Lock()
		return cond()
	}) {
		c.t.Fatalf("timed out waiting for %s", what)
	}
}

// Messages returns window/showMessage texts received so far.
func (c *Client) Messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.messages...)
}

// MessagesOf returns the window/showMessage texts of one type received so far.
func (c *Client) MessagesOf(t protocol.MessageType) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for i, m := range c.messages {
		if c.messageTypes[i] == t {
			out = append(out, m)
		}
	}
	return out
}

// Notifications returns custom notifications received so far.
func (c *Client) Notifications() []Notification {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Notification(nil), c.notes...)
}

// Progress returns the $/progress values received so far.
func (c *Client) Progress() []json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]json.RawMessage(nil), c.progress...)
}

// InlayRefreshes counts the workspace/inlayHint/refresh requests received.
func (c *Client) InlayRefreshes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inlayRefreshes
}

// InlayHints asks for the inlay hints of a whole document.
func (c *Client) InlayHints(path string) []protocol.InlayHint {
	c.t.Helper()
	hs, err := c.Server.InlayHint(c.ctx(), &protocol.InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(path)},
		Range: protocol.Range{End: protocol.Position{Line: 1 << 20}}})
	if err != nil {
		c.t.Fatalf("inlayHint: %v", err)
	}
	return hs
}

// Edits returns the workspace/applyEdit requests received so far.
func (c *Client) Edits() []*protocol.ApplyWorkspaceEditParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*protocol.ApplyWorkspaceEditParams(nil), c.edits...)
}

func (c *Client) record(f func()) {
	c.mu.Lock()
	f()
	c.mu.Unlock()
	c.cond.Broadcast()
}

// fallback receives non-standard notifications (insomnia/...).
func (c *Client) fallback(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	n := Notification{Method: strings.Clone(req.Method()), Params: append(json.RawMessage(nil), req.Params()...)}
	c.record(func() { c.notes = append(c.notes, n) })
	return nil, nil
}

// duplex joins a read end and a write end into one stream.
type duplex struct {
	*os.File // read end
	w        *os.File
}

func (d duplex) Write(p []byte) (int, error) { return d.w.Write(p) }

func (d duplex) Close() error {
	_ = d.w.Close()
	return d.File.Close()
}

// pipes returns two connected streams over OS pipes. Kernel buffers (unlike
// net.Pipe) let each side write while the other is busy, as real stdio does.
func pipes(t testing.TB) (server, client duplex) {
	r1, w1, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	return duplex{r1, w2}, duplex{r2, w1}
}

// WaitExit waits up to d for the server to end on its own and returns its
// exit code.
func (c *Client) WaitExit(d time.Duration) (int, bool) {
	select {
	case code := <-c.done:
		c.done <- code
		return code, true
	case <-time.After(d):
		return 0, false
	}
}
