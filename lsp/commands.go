package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/insomnia-lsp/insomnia-lsp/ide"
)

// command is one row of the command table (docs/server-contract.md): the
// server executes it, or the editor does (client-side commands need
// editor UI; lenses name them). The capability list, ExecuteCommand and
// the editors' own tables (checked by TestEditorsNameTheCommands) all
// come from this one table.
type command struct {
	name   string
	client bool
	run    func(s *Server, ctx context.Context, arg json.RawMessage) (any, error)
}

func commands() []command {
	return []command{
		{name: ide.CmdListProfiles, run: (*Server).cmdListProfiles},         // profiles.go
		{name: ide.CmdSetDefaultProfile, run: (*Server).cmdSetDefault},      // profiles.go
		{name: ide.CmdAddToProject, run: (*Server).cmdAddToProject},         // profiles.go
		{name: ide.CmdShowResolvedManifest, run: (*Server).cmdShowResolved}, // status.go
		{name: ide.CmdProfileStatus, run: (*Server).cmdProfileStatus},       // status.go
		{name: ide.CmdSpawnPod, run: (*Server).cmdSpawnPod},                 // pods.go
		{name: ide.CmdResumePod, run: (*Server).cmdResumePod},               // pods.go
		{name: ide.CmdListPods, run: (*Server).cmdListPods},                 // pods.go
		{name: ide.CmdPodSnapshot, run: (*Server).cmdPodSnapshot},           // compare.go
		{name: ide.CmdShowDrift, run: (*Server).cmdShowDrift},               // pods.go
		{name: ide.ClientSpawnPod, client: true},
		{name: ide.ClientResumePod, client: true},
		{name: ide.ClientCompare, client: true},
	}
}

// serverCommands are the commands the server announces and executes.
func serverCommands() []string {
	var out []string
	for _, c := range commands() {
		if !c.client {
			out = append(out, c.name)
		}
	}
	return out
}

func (s *Server) ExecuteCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	var run func(*Server, context.Context, json.RawMessage) (any, error)
	for _, c := range commands() {
		if c.name == p.Command && !c.client {
			run = c.run
		}
	}
	if run == nil {
		return nil, fmt.Errorf("unknown command %q", p.Command)
	}
	var arg json.RawMessage
	if len(p.Arguments) > 0 {
		arg = json.RawMessage(p.Arguments[0])
	}
	res, err := run(s, ctx, arg)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// uriArg is the common {uri} argument.
type uriArg = ide.URIArg

func decodeArg(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("bad command argument: %w", err)
	}
	return nil
}

// argPath turns a file URI (or a plain path) from a command argument into a path.
func argPath(s string) string {
	if u, err := uri.Parse(s); err == nil && u.IsFile() {
		return uriPath(u)
	}
	return filepath.Clean(s)
}
