# insomnia-lsp evaluation wrapper:
#   (import ./eval-wrapper.nix) (VALUE) "insomnia-lsp:end"
# Returns the profile's value untouched as `artifact`, beside `positions`: a
# list of [ path file line column ] for every attribute that has a source
# position (path is a list of names and list indices). It only walks what
# --strict --json forces anyway, so it adds no evaluation of its own.
value: end:
let
  inherit (builtins) isAttrs isList isFunction attrNames unsafeGetAttrPos
    concatMap genList length elemAt substring;

  # Nix 2.8 names a position in stdin or -E text by the whole text: keep only
  # real paths, so a buffer is not copied once per attribute.
  fileOf = f: if substring 0 1 f == "/" then f else "";

  # An attrset with outPath prints as that path in JSON: do not look inside.
  # Below 64 levels (the server's MaxArtifactDepth) the server keeps no
  # value, so no positions either: a path per value that deep would grow
  # with the square of the depth.
  walk = path: v:
    if length path >= 64 then [ ]
    else if isAttrs v then
      if v ? outPath then [ ]
      else concatMap (n: entry (path ++ [ n ]) (unsafeGetAttrPos n v) v.${n}) (attrNames v)
    else if isList v then
      concatMap (i: walk (path ++ [ i ]) (elemAt v i)) (genList (i: i) (length v))
    else [ ];

  entry = path: pos: v:
    (if pos == null then [ ] else [ [ path (fileOf pos.file) pos.line pos.column ] ])
    ++ walk path v;
in
# The text is pasted between "(" and ")": a stray ")" in it would make the
# rest a second argument instead of a syntax error. The end marker catches that.
if end != "insomnia-lsp:end" then throw "the profile has an unbalanced `)`"
# Upstream runs `nix eval --json --file`, which never calls a top-level
# function; nix-instantiate would, so say so instead of calling it.
else if isFunction value then { function = true; }
else { artifact = value; positions = walk [ ] value; }
