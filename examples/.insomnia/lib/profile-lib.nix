# insomnia profile library (contract §1.4), written for insomnia-lsp.
# Import it with `import <path>/profile-lib.nix {}`.
{ }:
let
  profileFormat = "insomnia.nix-profile.v1";

  secrets = {
    # A reference to an entry of the secret store; never a value.
    ref = id: { kind = "secret_ref"; ref = id; };
  };

  # Identity: no validation and no defaults, as upstream.
  mkManifest = manifest: manifest;

  dropNulls = attrs: builtins.removeAttrs attrs
    (builtins.filter (n: attrs.${n} == null) (builtins.attrNames attrs));

  mkProfile = args@{ name ? null, description ? null, manifest ? null, config ? null, ... }:
    let
      rest = builtins.removeAttrs args [ "name" "description" "manifest" "config" ];
      chosen =
        if manifest != null then manifest
        else if config != null then config
        else rest;
    in {
      profile = { format = profileFormat; } // dropNulls { inherit name description; };
      manifest = chosen;
    };

  semanticPresets = {
    codingAssistant = { modelId ? "claude-sonnet-4-20250514", authRef ? null }:
      {
        model = { scheme = "anthropic"; model_id = modelId; }
          // (if authRef != null then { auth = secrets.ref authRef; } else { });
      };
  };
in
{
  inherit profileFormat mkManifest mkProfile secrets semanticPresets;
}
