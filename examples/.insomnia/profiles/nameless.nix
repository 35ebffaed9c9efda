# Deliberately incomplete: evaluates fine, but the manifest has no pod.name,
# which insomnia requires ("missing required field: pod.name").
let
  common = import ./common.nix;
in
common.mkRole {
  name = "nameless";
  description = "A role that forgot to name its pod";
  manifest = {
    model.ref = "ollama-local/qwen3:8b";
    worker.reasoning = "low";
  };
}
