# Writes and tests code in the workspace. The API key comes from the secret
# store by reference; the profile never holds the key itself.
let
  common = import ./common.nix;
  inherit (common) lib workspace;
in
common.mkRole "coder" {
  description = "Writes and tests code in the workspace";
  # The preset gives an inline model: scheme, model_id and a secret_ref auth.
  manifest = common.recursiveUpdate
    (lib.semanticPresets.codingAssistant { authRef = "llm.anthropic.default"; })
    {
      # mkRole names the pod too; spelled out, it is the line the editors'
      # end-to-end tests hover.
      pod.name = "coder";
      scope.allow = [
        { target = workspace; permission = "write"; recursive = true; }
      ];
      scope.deny = [
        { target = "${workspace}/.insomnia"; permission = "write"; }
      ];
      compaction = {
        threshold = 200000;
        request_threshold = 240000;
        worker_context_max_tokens = 100000;
      };
      memory = {
        extract_threshold = 50000;
        consolidation_threshold_bytes = 50000;
      };
    };
}
