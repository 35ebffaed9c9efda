package lsp

import (
	"context"
	"path/filepath"
	"slices"

	"go.lsp.dev/protocol"
)

// Workspace folders and projects (session/projects.go): folders come and go
// (multi-root editors), and a project appears when a
// .insomnia/profiles.toml is created. Either change rescans the folders.

// DidChangeWorkspaceFolders applies added and removed folders: a rescan for
// projects, and a new scheduler (restricted evaluation reads the folders).
func (s *Server) DidChangeWorkspaceFolders(ctx context.Context, p *protocol.DidChangeWorkspaceFoldersParams) error {
	removed := map[string]bool{}
	for _, f := range p.Event.Removed {
		removed[uriPath(f.URI)] = true
	}
	var roots []string
	for _, r := range s.sess.Roots() {
		if !removed[r] {
			roots = append(roots, r)
		}
	}
	for _, f := range p.Event.Added {
		if path := uriPath(f.URI); !slices.Contains(roots, path) {
			roots = append(roots, path)
		}
	}
	s.sess.SetRoots(roots)
	go s.sess.FoldersChanged() // discovery reads the disk: off the read loop
	return nil
}

// DidChangeWatchedFiles: a client watching `**/.insomnia/profiles.toml`
// (the VS Code extension's file events) reports new and deleted projects.
func (s *Server) DidChangeWatchedFiles(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	for _, ch := range p.Changes {
		if filepath.Base(uriPath(ch.URI)) == "profiles.toml" {
			go s.sess.FoldersChanged()
			return nil
		}
	}
	return nil
}

// workspaceCapabilities: folders are supported and their changes wanted.
func workspaceCapabilities() *protocol.WorkspaceOptions {
	yes := true
	return &protocol.WorkspaceOptions{WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
		Supported: &yes, ChangeNotifications: protocol.Boolean(true)}}
}
