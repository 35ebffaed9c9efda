# Plans work and hands it to the other roles; reads the workspace only.
(import ./common.nix).mkRole "orchestrator" {
  description = "Plans work and delegates it to coder, researcher and reviewer";
  manifest = {
    worker.reasoning = "high";
    model.ref = "codex-oauth/gpt-5.5";
    memory = {
      extract_threshold = 50000;
      consolidation_threshold_files = 5;
    };
  };
}
