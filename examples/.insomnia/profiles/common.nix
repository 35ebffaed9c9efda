# What every role profile in this folder shares. Not a profile itself:
# roles import it and merge their own settings over `base`.
let
  # The profile library, vendored (a copy of resources/nix/profile-lib.nix)
  # so restricted evaluation, which reads only this project, can import it.
  lib = import ../lib/profile-lib.nix { };

  # Deep merge, right side wins (like nixpkgs' lib.recursiveUpdate, written
  # out because profiles evaluate with builtins only). Lists are replaced.
  recursiveUpdate = a: b:
    a // builtins.mapAttrs
      (n: v:
        if builtins.isAttrs v && a ? ${n} && builtins.isAttrs a.${n}
        then recursiveUpdate a.${n} v
        else v)
      b;

  # Registry profiles resolve relative paths against their own folder
  # (.insomnia/profiles/), not the launch directory, so "." here would be
  # this folder and a pod started in examples/ would be out of scope.
  # "../.." is the examples/ workspace.
  workspace = "../..";

  base = {
    scope.allow = [
      { target = workspace; permission = "read"; recursive = true; }
    ];
    session.record_event_trace = true;
    worker.reasoning = "medium";
    compaction = {
      threshold = 150000;
      request_threshold = 180000;
    };
  };
in
{
  inherit lib workspace recursiveUpdate base;

  # mkRole name { description, manifest }: the profile `name`, its pod
  # named after it, its manifest `base` with the role's settings merged over
  # it.
  mkRole = name: { description, manifest }:
    lib.mkProfile {
      inherit name description;
      manifest = recursiveUpdate (recursiveUpdate base { pod.name = name; }) manifest;
    };
}
