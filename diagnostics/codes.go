package diagnostics

// The code table: every diagnostic code any part of insomnia-lsp publishes.
// Packages name their codes through these constants (never a literal), so
// this one list, checked against CODES.md by a test, is the whole
// vocabulary editors and CI see.

// Syntax and scope, from our parser (nixsyntax).
const (
	CodeSyntax        = "syntax-error"
	CodeDuplicateAttr = "duplicate-attribute"
	CodeDuplicateArg  = "duplicate-formal"
	CodeUndefined     = "undefined-variable"
	CodeUnusedBinding = "unused-binding"
	CodeUnusedFormal  = "unused-formal"
)

// The artifact and its manifest (profile/manifest).
const (
	CodeInvalidPath       = "invalid-path"
	CodeInvalidArtifact   = "invalid-artifact"
	CodeUnsupportedFormat = "unsupported-format"
	CodeManifestAndConfig = "manifest-and-config"
	CodeMissingRequired   = "missing-required"
	CodeTypeMismatch      = "type-mismatch"
	CodeUnknownEnum       = "unknown-enum"
	CodeUnknownField      = "unknown-field"
	CodeRemovedField      = "removed-field"
	CodeAliasConflict     = "alias-conflict"
	CodeSnapshotSerialize = "snapshot-serialize"
	CodeSchemaUnavailable = "schema-unavailable"
)

// Rules on the resolved manifest and on string literals (profile/rules).
const (
	CodeModelIncomplete    = "model-incomplete"
	CodeUnknownProvider    = "unknown-provider"
	CodeScopeOutsideLaunch = "scope-outside-launch-dir"
	CodeStorePath          = "store-path"
	CodeSecretUnknown      = "secret-unknown"
	CodeSecretInvalidID    = "secret-invalid-id"
	CodePlaintextSecret    = "plaintext-secret"
	CodeEnvNameInvalid     = "env-name-invalid"
)

// Evaluation failures (profile/eval failure kinds).
const (
	CodeNixMissing        = "nix-missing"
	CodeNixError          = "nix-error"
	CodeTimeout           = "timeout"
	CodeOutputCap         = "output-cap"
	CodeMemoryLimit       = "memory-limit"
	CodeKilled            = "killed-from-outside"
	CodeCancelled         = "cancelled"
	CodeInvalidJSON       = "invalid-json"
	CodeFunctionProfile   = "function-profile"
	CodeBadRequest        = "bad-request"
	CodeImportError       = "import-error"
	CodeUntrustedOutside  = "untrusted-outside"
	CodeFileNotRead       = "file-not-read"
	CodeFileTooLarge      = "file-too-large"
	CodeTooManyProblems   = "too-many-problems"
	CodeTooDeep           = "too-deep"
	CodeProfileLibMissing = "profile-lib-missing"
)

// profiles.toml and discovery (profile/registry).
const (
	CodeTOMLSyntax             = "toml-syntax"
	CodeRegistryUnknownKey     = "registry-unknown-key"
	CodeRegistryInvalidTable   = "registry-invalid-table"
	CodeRegistryDuplicateTable = "registry-duplicate-table"
	CodeRegistryInvalidEntry   = "registry-invalid-entry"
	CodeRegistryInvalidDefault = "registry-invalid-default"
	CodeRegistryMissingFile    = "registry-missing-file"
	CodeRegistryDuplicateName  = "registry-duplicate-name"
	CodeDefaultOverridden      = "default-overridden"
	CodeResourcesUnavailable   = "resources-unavailable"
	CodeDiscoveryBlocked       = "registry-blocks-discovery"
	CodeDefaultUnresolved      = "default-unresolved"
	CodeDefaultAmbiguous       = "default-ambiguous"
	CodeHomeProjectRegistry    = "home-project-registry"
	CodeTargetInProfileDir     = "relative-target-profile-dir"
)

// AllCodes lists every code above, in CODES.md's order. It returns a new
// slice each call so no caller can change the table.
func AllCodes() []string {
	return []string{
		CodeSyntax, CodeDuplicateAttr, CodeDuplicateArg, CodeUndefined, CodeUnusedBinding, CodeUnusedFormal,
		CodeInvalidPath, CodeInvalidArtifact, CodeUnsupportedFormat, CodeManifestAndConfig, CodeMissingRequired,
		CodeTypeMismatch, CodeUnknownEnum, CodeUnknownField, CodeRemovedField, CodeAliasConflict,
		CodeSnapshotSerialize, CodeSchemaUnavailable,
		CodeModelIncomplete, CodeUnknownProvider, CodeScopeOutsideLaunch, CodeStorePath, CodeSecretUnknown,
		CodeSecretInvalidID, CodePlaintextSecret, CodeEnvNameInvalid,
		CodeNixMissing, CodeNixError, CodeTimeout, CodeOutputCap, CodeMemoryLimit, CodeKilled, CodeCancelled,
		CodeInvalidJSON, CodeFunctionProfile, CodeBadRequest, CodeImportError, CodeUntrustedOutside, CodeFileNotRead,
		CodeFileTooLarge, CodeTooManyProblems, CodeTooDeep, CodeProfileLibMissing,
		CodeTOMLSyntax, CodeRegistryUnknownKey, CodeRegistryInvalidTable, CodeRegistryDuplicateTable,
		CodeRegistryInvalidEntry, CodeRegistryInvalidDefault, CodeRegistryMissingFile, CodeRegistryDuplicateName,
		CodeDefaultOverridden, CodeResourcesUnavailable, CodeDiscoveryBlocked, CodeDefaultUnresolved,
		CodeDefaultAmbiguous, CodeHomeProjectRegistry, CodeTargetInProfileDir,
	}
}
