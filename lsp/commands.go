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
		{name: ide.CmdListProfiles, run: typed((*Server).cmdListProfiles)},         // profiles.go
		{name: ide.CmdSetDefaultProfile, run: typed((*Server).cmdSetDefault)},      // profiles.go
		{name: ide.CmdAddToProject, run: typed((*Server).cmdAddToProject)},         // profiles.go
		{name: ide.CmdShowResolvedManifest, run: typed((*Server).cmdShowResolved)}, // status.go
		{name: ide.CmdProfileStatus, run: typed((*Server).cmdProfileStatus)},       // status.go
		{name: ide.CmdSpawnPod, run: startsPods(typed((*Server).cmdSpawnPod))},     // pods.go
		{name: ide.CmdResumePod, run: startsPods(typed((*Server).cmdResumePod))},   // pods.go
		{name: ide.CmdListPods, run: typed((*Server).cmdListPods)},                 // pods.go
		{name: ide.CmdPodSnapshot, run: typed((*Server).cmdPodSnapshot)},           // compare.go
		{name: ide.CmdShowDrift, run: typed((*Server).cmdShowDrift)},               // pods.go
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

// typed is run with its argument decoded first (absent: the zero value),
// so each command states its argument's type and decodes it in one place.
func typed[A any](run func(*Server, context.Context, A) (any, error)) func(*Server, context.Context, json.RawMessage) (any, error) {
	return func(s *Server, ctx context.Context, raw json.RawMessage) (any, error) {
		var arg A
		if err := decodeArg(raw, &arg); err != nil {
			return nil, err
		}
		return run(s, ctx, arg)
	}
}

// startsPods refuses run, before its argument is read, where pods may not
// start (session.MayStartPods).
func startsPods(run func(*Server, context.Context, json.RawMessage) (any, error)) func(*Server, context.Context, json.RawMessage) (any, error) {
	return func(s *Server, ctx context.Context, raw json.RawMessage) (any, error) {
		if err := s.sess.MayStartPods(""); err != nil {
			return nil, err
		}
		return run(s, ctx, raw)
	}
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
