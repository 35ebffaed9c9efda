package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Command names (docs/server-contract.md).
const (
	cmdListProfiles         = "insomnia.listProfiles"
	cmdSetDefaultProfile    = "insomnia.setDefaultProfile"
	cmdShowResolvedManifest = "insomnia.showResolvedManifest"
	cmdSpawnPod             = "insomnia.spawnPod"
	cmdResumePod            = "insomnia.resumePod"
	cmdListPods             = "insomnia.listPods"
	cmdProfileStatus        = "insomnia.profileStatus"
	cmdAddToProject         = "insomnia.addToProjectProfiles"

	// Client-side commands: lenses use them because they need editor UI.
	clientSpawnPod  = "insomnia.client.spawnPod"
	clientResumePod = "insomnia.client.resumePod"
)

type commandFunc func(ctx context.Context, arg json.RawMessage) (any, error)

func (s *Server) commandTable() map[string]commandFunc {
	return map[string]commandFunc{
		cmdShowResolvedManifest: s.cmdShowResolved,  // hover.go
		cmdProfileStatus:        s.cmdProfileStatus, // hover.go
		cmdListProfiles:         s.cmdListProfiles,  // profiles.go
		cmdSetDefaultProfile:    s.cmdSetDefault,    // profiles.go
		cmdAddToProject:         s.cmdAddToProject,  // profiles.go
		cmdSpawnPod:             s.cmdSpawnPod,      // pods.go
		cmdResumePod:            s.cmdResumePod,     // pods.go
		cmdListPods:             s.cmdListPods,      // pods.go
		cmdPodSnapshot:          s.cmdPodSnapshot,   // compare.go
	}
}

func (s *Server) ExecuteCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	fn := s.commandTable()[p.Command]
	if fn == nil {
		return nil, fmt.Errorf("unknown command %q", p.Command)
	}
	var arg json.RawMessage
	if len(p.Arguments) > 0 {
		arg = json.RawMessage(p.Arguments[0])
	}
	res, err := fn(ctx, arg)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// uriArg is the common {uri} argument.
type uriArg struct {
	URI string `json:"uri"`
}

func decodeArg(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("bad command argument: %v", err)
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
