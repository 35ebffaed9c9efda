# Deliberately incomplete: evaluates fine, but the manifest has no pod.name,
# which insomnia requires ("missing required field: pod.name"). It is built
# from `base` with lib.mkProfile, as mkRole would name the pod.
let
  common = import ./common.nix;
in
common.lib.mkProfile {
  name = "nameless";
  description = "A role that forgot to name its pod";
  manifest = common.recursiveUpdate common.base {
    model.ref = "ollama-local/qwen3:8b";
    worker.reasoning = "low";
  };
}
