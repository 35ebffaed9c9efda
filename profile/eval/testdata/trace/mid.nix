{
  name = n: (import ./leaf.nix).label n;
}
