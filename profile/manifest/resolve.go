package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/insomnia-lsp/insomnia-lsp/profile/rustpath"

	"github.com/insomnia-lsp/insomnia-lsp/diagnostics"
)

// ProfileFormat is the only artifact format upstream accepts.
const ProfileFormat = "insomnia.nix-profile.v1"

// Builtin defaults merged under every manifest (contract §2.3) and the
// try_from and serde defaults (contract §2.2).
const (
	DefaultToolOutputMaxBytes = 65536
	DefaultFileUploadMaxBytes = 262144
	DefaultInstruction        = "$insomnia/default"
	DefaultWorkerLanguage     = "match the user's language unless they explicitly request another language"
)

// Resolved is a profile artifact after upstream's resolution pipeline.
type Resolved struct {
	Manifest *PodManifest
	// SnapshotJSON is the manifest as upstream serializes it into
	// metadata.json's resolved_manifest_snapshot (compact, upstream order).
	SnapshotJSON []byte
	// Hash is the lowercase hex sha256 of Canonical(SnapshotJSON).
	Hash string
	// ProfileMeta is the envelope's profile table (nil when absent).
	ProfileMeta *ProfileMetadata
}

// Artifact is an artifact split into its envelope and manifest value.
type Artifact struct {
	// Manifest is the decoded manifest value (json.Number for numbers).
	Manifest any
	// Pointer locates Manifest in the artifact: "/manifest", "/config" or ""
	// for the raw form.
	Pointer string
	RawForm bool
	Profile *ProfileMetadata
	// Root is the whole decoded artifact.
	Root map[string]any
}

// Resolve runs upstream's resolve_profile_artifact (contract §1.3) on the
// JSON a profile evaluated to: base must be absolute; relative paths are
// joined to it. On any error-severity problem it returns nil; warnings
// (unknown and removed keys) come back with a successful result too.
func Resolve(artifact json.RawMessage, base string, source ProfileSource) (*Resolved, []Problem) {
	if !filepath.IsAbs(base) {
		return nil, []Problem{{Code: diagnostics.CodeInvalidPath, Message: fmt.Sprintf("invalid profile path %s: base directory is not absolute", base)}}
	}
	art, problems := SplitArtifact(artifact)
	if art == nil {
		return nil, problems
	}
	problems = append(problems, Check(art.Manifest, art.Pointer, art.RawForm)...)
	if hasError(problems) {
		return nil, problems
	}
	cfg, err := decodeConfig(art.Manifest, art.RawForm)
	if err != nil {
		return nil, append(problems, Problem{Code: diagnostics.CodeTypeMismatch, Pointer: art.Pointer,
			Message: "failed to decode profile manifest/config"})
	}
	resolvePaths(cfg, base)
	m, missing := tryFrom(mergeDefaults(cfg), art.Pointer)
	if len(missing) > 0 {
		return nil, append(problems, missing...)
	}
	m.Profile = &ManifestProfile{Source: source, Profile: art.Profile}
	snap, err := marshalNoEscape(m)
	if err != nil {
		return nil, append(problems, Problem{Code: diagnostics.CodeSnapshotSerialize, Message: "failed to serialize resolved manifest snapshot"})
	}
	hash, err := Hash(snap)
	if err != nil {
		return nil, append(problems, Problem{Code: diagnostics.CodeSnapshotSerialize, Message: "failed to hash resolved manifest snapshot"})
	}
	return &Resolved{Manifest: m, SnapshotJSON: snap, Hash: hash, ProfileMeta: art.Profile}, problems
}

func hasError(ps []Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// SplitArtifact checks the envelope (contract §1.2): an object; profile
// metadata of strings; format absent or v1; not both manifest and config.
// It returns nil and the problems when the artifact cannot be used.
func SplitArtifact(artifact json.RawMessage) (*Artifact, []Problem) {
	root, err := decodeValue(artifact)
	if err != nil {
		return nil, []Problem{{Code: diagnostics.CodeInvalidArtifact, Message: "invalid profile artifact: not valid JSON"}}
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, []Problem{{Code: diagnostics.CodeInvalidArtifact,
			Message: fmt.Sprintf("invalid profile artifact: expected an attribute set (JSON object), got %s", article(jsonType(root)))}}
	}
	meta, problems := profileMeta(obj["profile"])
	if len(problems) > 0 {
		return nil, problems
	}
	art := &Artifact{Profile: meta, Root: obj}
	// Key presence decides, as upstream's map.get (profile.rs:664-681): a
	// null manifest is chosen (and fails to decode), a null config beside a
	// manifest still counts as both.
	manifest, hasManifest := obj["manifest"]
	config, hasConfig := obj["config"]
	switch {
	case hasManifest && hasConfig:
		return nil, []Problem{{Code: diagnostics.CodeManifestAndConfig, Pointer: "/config",
			Message: "invalid profile artifact: both manifest and config are set; keep only manifest"}}
	case hasManifest:
		art.Manifest, art.Pointer = manifest, "/manifest"
	case hasConfig:
		art.Manifest, art.Pointer = config, "/config"
	default:
		art.Manifest, art.RawForm = obj, true
	}
	if _, ok := art.Manifest.(map[string]any); !ok {
		return nil, []Problem{{Code: diagnostics.CodeTypeMismatch, Pointer: art.Pointer,
			Message: fmt.Sprintf("failed to decode profile manifest/config: %s must be an attribute set, not %s",
				strings.TrimPrefix(art.Pointer, "/"), article(jsonType(art.Manifest)))}}
	}
	return art, nil
}

func profileMeta(v any) (*ProfileMetadata, []Problem) {
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, []Problem{{Code: diagnostics.CodeInvalidArtifact, Pointer: "/profile",
			Message: "failed to decode profile artifact envelope: profile must be an attribute set"}}
	}
	meta := &ProfileMetadata{}
	for key, dst := range map[string]**string{"name": &meta.Name, "description": &meta.Description, "format": &meta.Format} {
		switch s := obj[key].(type) {
		case nil:
		case string:
			*dst = &s
		default:
			return nil, []Problem{{Code: diagnostics.CodeInvalidArtifact, Pointer: "/profile/" + key,
				Message: fmt.Sprintf("failed to decode profile artifact envelope: profile.%s must be a string", key)}}
		}
	}
	if meta.Format != nil && *meta.Format != ProfileFormat {
		return nil, []Problem{{Code: diagnostics.CodeUnsupportedFormat, Pointer: "/profile/format",
			Message: fmt.Sprintf("unsupported profile artifact format: %s (expected %s)", QuoteValue(*meta.Format), ProfileFormat)}}
	}
	return meta, nil
}

func decodeValue(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// decodeConfig renames aliases to their canonical keys, then decodes.
func decodeConfig(v any, rawForm bool) (*PodManifestConfig, error) {
	obj, _ := v.(map[string]any)
	if rawForm {
		obj = without(obj, "profile")
	}
	if c, ok := obj["compaction"].(map[string]any); ok {
		obj = with(obj, "compaction", normalizeAliases(c))
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var cfg PodManifestConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// compactionAliases maps each serde alias to its canonical key.
var compactionAliases = map[string]string{
	"compact_threshold":               "threshold",
	"compact_request_threshold":       "request_threshold",
	"compact_retained_tokens":         "retained_tokens",
	"compact_worker_max_input_tokens": "worker_context_max_tokens",
	"compact_worker_max_turns":        "worker_max_turns",
	"compact_auto_read_budget":        "auto_read_budget_tokens",
}

func normalizeAliases(c map[string]any) map[string]any {
	out := make(map[string]any, len(c))
	for k, v := range c {
		if canon, ok := compactionAliases[k]; ok {
			out[canon] = v
			continue
		}
		if _, set := out[k]; !set {
			out[k] = v
		}
	}
	return out
}

func without(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func with(m map[string]any, key string, v any) map[string]any {
	out := without(m, key)
	out[key] = v
	return out
}

// JoinPath joins a relative path to base the way Rust's Path::join does:
// lexically, without cleaning, so "." becomes "<base>/.". Absolute paths are
// returned unchanged.
func JoinPath(base, p string) string { return rustpath.Join(base, p) }

// resolvePaths joins the path fields of contract §2.4. The extract and
// consolidation models' auth.file are deliberately not joined (upstream).
func resolvePaths(cfg *PodManifestConfig, base string) {
	join := func(p *string) {
		if p != nil {
			*p = JoinPath(base, *p)
		}
	}
	if cfg.Pod != nil {
		join(cfg.Pod.PromptPack)
	}
	joinAuthFile(cfg.Model, join)
	if cfg.Scope != nil {
		for i := range cfg.Scope.Allow {
			join(&cfg.Scope.Allow[i].Target)
		}
		for i := range cfg.Scope.Deny {
			join(&cfg.Scope.Deny[i].Target)
		}
	}
	if cfg.Memory != nil {
		join(cfg.Memory.WorkspaceRoot)
	}
	if cfg.Compaction != nil {
		joinAuthFile(cfg.Compaction.Model, join)
	}
	if cfg.Skills != nil {
		for i := range cfg.Skills.Directories {
			join(&cfg.Skills.Directories[i])
		}
	}
}

func joinAuthFile(m *ModelManifest, join func(*string)) {
	if m != nil && m.Auth != nil && m.Auth.Kind == "api_key" {
		join(m.Auth.File)
	}
}
