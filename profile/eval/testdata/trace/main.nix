let
  mid = import ./mid.nix;
in
{
  manifest.pod.name = mid.name 3;
}
