// Package manifest is the insomnia pod manifest as upstream (insomnia
// dda9910c) defines it: the JSON schema, the Go types, the resolution
// pipeline that turns a profile artifact into the resolved manifest and its
// snapshot, and the field documentation used by hover and completion.
//
// One schema drives everything: resources/schema/manifest.schema.json
// (JSON Schema 2020-12, embedded through resources.FS). It lists every
// table and field with type, enum, default and a one-line description;
// `required` means required after builtin defaults. Extra keywords:
// x-alias-of, x-removed, x-path (joined / not-joined), x-default-by (tool or
// consumer, i.e. not in the snapshot), x-known-values and x-credential
// (source / env: where a credential comes from, see CredentialPosition). Unknown keys are
// not rejected by the schema, since upstream silently drops them; Check
// walks the schema to report them as warnings. TestSchemaMatchesGoTypes
// keeps the schema and the Go types in step.
//
// # Resolution (contract §1.2-1.3, §2.3-2.5)
//
//	res, problems := manifest.Resolve(nixJSON, baseDir, manifest.ProfileSource{
//		Kind: "registry", Source: "project", Name: "coder", Path: "/ws/.insomnia/profiles/coder.nix"})
//
// baseDir is the profile's folder for path selectors and user/project
// registry entries, and the launch directory for builtin entries. Resolve
// checks the envelope (object, profile.format, manifest vs config), decodes
// the manifest (aliases renamed), joins relative paths lexically ("." ->
// "<base>/."), merges the builtin defaults, applies try_from's checks and
// defaults, sets the profile provenance and serializes the snapshot.
// res is nil when any error-severity Problem was found; warnings come back
// with a result too. Problems carry a stable Code and a JSON pointer into
// the artifact; package diagnostics places them in the Nix sources.
//
// res.SnapshotJSON is the manifest as upstream writes it into
// metadata.json's resolved_manifest_snapshot: upstream field order, Option
// fields null, except ModelManifest and ProfileMetadata fields, which are
// omitted when unset. res.Hash is the hex sha256 of Canonical(SnapshotJSON):
// keys sorted by UTF-8 bytes at every depth, no whitespace, numbers as
// written, strings escaped like encoding/json without HTML escaping. Two
// snapshots that differ only in key order or spacing hash the same, so the
// hash can be compared with one computed from a pod's metadata.json.
//
// res.Redacted() (or Redacted(anyJSON)) is the display form: indented, key
// order kept, secret references kept, any plaintext credential masked as
// its first 4 characters and its length. Use it for hover, the
// insomnia.showResolvedManifest command and `insomnia-lsp resolve`; never
// show raw artifact text. res.ValueAt(path) is the display form of one
// resolved value, for hover on an attribute.
//
// # Hover and completion
//
//	doc, ok := manifest.Field([]string{"model", "auth", "kind"}) // Type, Default, Description, Enum, Required...
//	keys := manifest.Children([]string{"web", "search"})        // keys to offer at a set path
//	vals := manifest.Values([]string{"worker", "reasoning"})    // enum values, known labels, true/false
//	libs := manifest.LibFunctions()                             // mkProfile, mkManifest, secrets.ref, ...
//
// Paths are attribute names from the manifest root; array indexes may be
// given ("scope","allow","0","target") or left out. Aliases and removed keys
// are documented by Field but never offered by Children.
package manifest
