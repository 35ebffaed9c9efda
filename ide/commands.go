package ide

import "go.lsp.dev/uri"

// Command names (docs/server-contract.md). The server's table in
// lsp/commands.go maps each to its handler; a test there checks that the
// editors (editors/vscode, editors/neovim) name exactly these.
const (
	CmdListProfiles         = "insomnia.listProfiles"
	CmdSetDefaultProfile    = "insomnia.setDefaultProfile"
	CmdShowResolvedManifest = "insomnia.showResolvedManifest"
	CmdSpawnPod             = "insomnia.spawnPod"
	CmdResumePod            = "insomnia.resumePod"
	CmdListPods             = "insomnia.listPods"
	CmdProfileStatus        = "insomnia.profileStatus"
	CmdAddToProject         = "insomnia.addToProjectProfiles"
	CmdPodSnapshot          = "insomnia.podSnapshot"
	// CmdShowDrift lists the fields a pod's saved snapshot differs in from
	// its profile today: the details the short drift lens leaves out.
	CmdShowDrift = "insomnia.showDrift"

	// Client-side commands: lenses use them because they need editor UI.
	ClientSpawnPod  = "insomnia.client.spawnPod"
	ClientResumePod = "insomnia.client.resumePod"
	// ClientCompare opens the editor's diff of two resolved manifests, or of
	// a pod's saved snapshot ({pod}) against its profile today.
	ClientCompare = "insomnia.compareProfiles"
)

// CompareArg is insomnia.compareProfiles' argument from a drift lens.
type CompareArg struct {
	Pod string `json:"pod"`
}

// Command is a command a lens or an action runs, with its one argument
// (nil: none). Arg is one of the *Arg types below.
type Command struct {
	Name string
	Arg  any
}

// URIArg is the common {uri} argument.
type URIArg struct {
	URI string `json:"uri"`
}

// SpawnArg is insomnia.client.spawnPod's and insomnia.spawnPod's argument.
type SpawnArg struct {
	Profile string `json:"profile"`
	URI     string `json:"uri,omitempty"`
	Name    string `json:"name,omitempty"`
}

// PodArg names one pod (insomnia.client.resumePod, insomnia.resumePod).
type PodArg struct {
	Name string `json:"name"`
}

func uriOf(path string) string { return string(uri.File(path)) }
