package lsptest

import (
	"encoding/json"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// InitializeFolders is InitializeTrusted with several workspace folders (a
// multi-root workspace); settings also answer workspace/configuration.
func (c *Client) InitializeFolders(folders []string, settings map[string]any) *protocol.InitializeResult {
	c.t.Helper()
	return c.InitializeFoldersCaps(folders, settings, map[string]any{})
}

// InitializeFoldersCaps is InitializeFolders with the given client
// capabilities (e.g. workspace.workspaceEdit.resourceOperations).
func (c *Client) InitializeFoldersCaps(folders []string, settings, caps map[string]any) *protocol.InitializeResult {
	c.t.Helper()
	init := map[string]any{"trusted": true}
	for k, v := range settings {
		init[k] = v
	}
	raw := map[string]any{"processId": c.EditorPID, "clientInfo": map[string]string{"name": "lsptest"},
		"capabilities": caps, "initializationOptions": init, "workspaceFolders": folderList(folders)}
	if len(folders) > 0 {
		raw["rootUri"] = string(uri.File(folders[0]))
	}
	if settings != nil {
		b, err := json.Marshal(settings)
		if err != nil {
			c.t.Fatal(err)
		}
		c.settings = b
	}
	return c.sendInitialize(raw)
}

// ChangeFolders sends workspace/didChangeWorkspaceFolders.
func (c *Client) ChangeFolders(added, removed []string) {
	c.t.Helper()
	ev := protocol.WorkspaceFoldersChangeEvent{}
	for _, f := range added {
		ev.Added = append(ev.Added, protocol.WorkspaceFolder{URI: uri.File(f), Name: filepath.Base(f)})
	}
	for _, f := range removed {
		ev.Removed = append(ev.Removed, protocol.WorkspaceFolder{URI: uri.File(f), Name: filepath.Base(f)})
	}
	if err := c.Server.DidChangeWorkspaceFolders(c.ctx(), &protocol.DidChangeWorkspaceFoldersParams{Event: ev}); err != nil {
		c.t.Fatalf("didChangeWorkspaceFolders: %v", err)
	}
}

func folderList(folders []string) []map[string]string {
	out := []map[string]string{}
	for _, f := range folders {
		out = append(out, map[string]string{"uri": string(uri.File(f)), "name": filepath.Base(f)})
	}
	return out
}

// ApplyEdit applies a workspace edit to the files on disk, as an editor
// would, then saving (CreateFile and text edits).
func ApplyEdit(e protocol.WorkspaceEdit) error { return applyToDisk(e) }

// ChangeSettings makes settings the editor's `insomnia` section and sends
// workspace/didChangeConfiguration (the server pulls the new section).
func (c *Client) ChangeSettings(settings map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(settings)
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.settings = b
	c.mu.Unlock()
	if err := c.Server.DidChangeConfiguration(c.ctx(), &protocol.DidChangeConfigurationParams{}); err != nil {
		c.t.Fatalf("didChangeConfiguration: %v", err)
	}
}
