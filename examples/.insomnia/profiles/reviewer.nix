# Reviews changes without touching them; every tool call asks first.
(import ./common.nix).mkRole "reviewer" {
  description = "Reviews changes read-only and asks before running tools";
  manifest = {
    worker.reasoning = "high";
    model.ref = "anthropic/claude-sonnet-4-20250514";
    permissions = {
      default_action = "ask";
      rule = [
        { tool = "Read"; pattern = "*"; action = "allow"; }
        { tool = "Grep"; pattern = "*"; action = "allow"; }
      ];
    };
  };
}
