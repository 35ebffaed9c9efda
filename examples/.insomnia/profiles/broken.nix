# Deliberately broken: the `;` after `name = "broken"` is missing, so Nix
# stops with a syntax error at line 8.
let
  common = import ./common.nix;
in
common.mkRole {
  name = "broken"
  description = "Shows how a Nix error is reported";
  manifest = {
    pod.name = "broken";
  };
}
