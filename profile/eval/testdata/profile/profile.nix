# A raw-form profile: envelope metadata beside the manifest.
let
  model = import ./model.nix;
in
{
  profile.name = "fixture";
  manifest = {
    pod.name = "fixture-pod";
    model = model;
    scope.allow = [
      { target = "."; permission = "write"; }
    ];
    compaction.threshold = 1000 * 2;
  };
}
