#!/usr/bin/env bash
# End-to-end test of the Neovim plugin (editors/neovim) in real headless Neovim
# (Debian's 0.7.2) against the real insomnia-lsp, on a temp copy of examples/.
# The expectations come from real Nix (nix-instantiate), not from hard-coded text.
# Unattended (CI=true, no stdin); every wait has a timeout; prints "N passed, N failed"
# last and exits non-zero on any failure.
# Env: E2E_EXAMPLES (default examples/), E2E_KEEP=1 keeps the temp dir,
# E2E_TIMEOUT_MS (one wait), E2E_NVIM_TIMEOUT (seconds for the whole Neovim run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NVIM_TIMEOUT=${E2E_NVIM_TIMEOUT:-420} # seconds for the whole Neovim run
export CI=${CI:-true}
export E2E_TIMEOUT_MS=${E2E_TIMEOUT_MS:-60000}

log() { printf '[e2e-neovim] %s\n' "$*"; }
die() { log "error: $*"; echo "0 passed, 1 failed"; exit 1; }

# Neovim, and tmux for the screenshots (the TUI runs in a detached pane).
install_neovim() {
  local need=()
  command -v nvim >/dev/null || need+=(neovim)
  [[ ${E2E_NVIM_SCREEN:-1} != 0 ]] && ! command -v tmux >/dev/null && need+=(tmux)
  ((${#need[@]})) || return 0
  log "apt-get install ${need[*]}"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" </dev/null >/dev/null
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/e2e-neovim.XXXXXX")
NVIM_PGID=
cleanup() {
  # nvim runs in its own process group (setsid): this ends it, the server and any Nix child.
  [[ -n $NVIM_PGID ]] && kill -KILL -- "-$NVIM_PGID" 2>/dev/null || true
  stop_pods
  [[ -n ${E2E_KEEP:-} ]] && log "kept $TMP" || rm -rf "$TMP"
}
# Pods outlive the editor by design: stop the ones the test started (SIGTERM lets the
# double remove its runtime state), by the pids they wrote.
stop_pods() {
  local f pid
  for f in "$TMP"/insomnia-home/run/*/pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    [[ $pid =~ ^[0-9]+$ ]] && kill -TERM "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

install_neovim
command -v nix-instantiate >/dev/null || die "nix-instantiate not found (apt-get install nix-bin)"
log "$(nvim --version | head -1), $(nix-instantiate --version)"

log "go build ./cmd/insomnia-lsp ./cmd/insomnia-pod-double"
(cd "$ROOT" && go build -o "$TMP/bin/insomnia-lsp" ./cmd/insomnia-lsp) || die "server build failed"
# Pods: the test double plays insomnia-pod; a shim plays the `insomnia` client that
# the plugin's terminal runs (neither runtime is part of this project).
(cd "$ROOT" && go build -o "$TMP/bin/insomnia-pod" ./cmd/insomnia-pod-double) || die "double build failed"
# The shim is the VS Code e2e's: one stand-in for both editors.
install -m 755 "$ROOT/editors/vscode/test/e2e/insomnia-attach-shim.sh" "$TMP/bin/insomnia"

# A copy of examples/ beside a link to resources/, so imports like ../resources/nix/... hold.
EXAMPLES=${E2E_EXAMPLES:-$ROOT/examples}
WS=$TMP/repo/examples
mkdir -p "$TMP/repo" && cp -a "$EXAMPLES" "$WS" && ln -s "$ROOT/resources" "$TMP/repo/resources"
TOML=$WS/.insomnia/profiles.toml
[[ -f $TOML ]] || die "examples/.insomnia/profiles.toml is missing"

# evaljson FILE: nix-instantiate's JSON of FILE on stdout, its stderr in $TMP/nix.err.
evaljson() { nix-instantiate --eval --strict --json "$1" 2>"$TMP/nix.err" </dev/null; }

# The broken profile: where and what Nix says the error is.
BROKEN=$(find "$WS" -name broken.nix -not -path '*/.git/*' | head -1)
[[ -n $BROKEN ]] || die "no broken.nix in examples/"
if evaljson "$BROKEN" >/dev/null; then die "nix-instantiate evaluates $BROKEN without error"; fi
ERR_MSG=$(sed -n 's/^error: //p' "$TMP/nix.err" | head -1)
AT=$(sed -nE 's/^ +at (\/[^:]+):([0-9]+):([0-9]+):$/\1 \2 \3/p' "$TMP/nix.err" | head -1)
[[ -n $ERR_MSG && -n $AT ]] || die "cannot read the Nix error of $BROKEN:
$(cat "$TMP/nix.err")"
read -r E2E_ERR_FILE E2E_ERR_LINE E2E_ERR_COL <<<"$AT"
export E2E_BROKEN=$BROKEN E2E_ERR_MSG=$ERR_MSG E2E_ERR_FILE E2E_ERR_LINE E2E_ERR_COL
log "nix-instantiate: $E2E_ERR_FILE:$E2E_ERR_LINE:$E2E_ERR_COL: $E2E_ERR_MSG"

# podname FILE: the pod.name Nix evaluates FILE's manifest to ("null" when none; fails on an error).
podname() {
  nix-instantiate --eval --strict --json -E \
    "let a = import $1; m = a.manifest or a.config or a; in m.pod.name or null" 2>"$TMP/nix.err" </dev/null
}

# The registry, read by Nix's own TOML parser: the default entry is hovered, the first
# other entry that evaluates with a pod.name is made the default. Relative paths are
# joined to .insomnia/.
REG="let t = builtins.fromTOML (builtins.readFile $TOML); es = t.profile or t.entries or {};
  path = e: let p = if builtins.isString e then e else e.path; in
    if builtins.substring 0 1 p == \"/\" then p else \"$WS/.insomnia/\" + p; in"
nixreg() { nix-instantiate --eval --strict --json -E "$REG $1" </dev/null | tr -d '"'; }
DEFAULT=$(nixreg 't.default or ""')
DEFAULT=${DEFAULT#project:}
export E2E_DEFAULT=$DEFAULT
ENTRIES=$(nixreg 'builtins.concatStringsSep " " (map (n: n + "=" + path es.${n}) (builtins.attrNames es))')
log "profiles.toml: default = \"$DEFAULT\", entries: $ENTRIES"
[[ -n $DEFAULT ]] || die "profiles.toml sets no default"
export E2E_TOML=$TOML E2E_HOVER_FILE= E2E_HOVER_JSON=$TMP/hover.json E2E_SETDEF_FILE= E2E_SETDEF_NAME=
for e in $ENTRIES; do
  n=${e%%=*} f=$(realpath -m "${e#*=}")
  if [[ $n == "$DEFAULT" ]]; then
    E2E_HOVER_FILE=$f
    evaljson "$f" >"$E2E_HOVER_JSON" || die "the default profile $f does not evaluate: $(cat "$TMP/nix.err")"
  elif [[ -z $E2E_SETDEF_NAME ]] && pod=$(podname "$f") && [[ $pod != null ]]; then
    E2E_SETDEF_FILE=$f E2E_SETDEF_NAME=$n
  fi
done
[[ -n $E2E_HOVER_FILE ]] || die "the default \"$DEFAULT\" is not an entry of profiles.toml"
[[ -n $E2E_SETDEF_NAME ]] || die "no other profile in profiles.toml evaluates with a pod.name"
log "hover: $E2E_HOVER_FILE; set default: $E2E_SETDEF_NAME ($E2E_SETDEF_FILE)"

# Everything the server and Neovim write goes to temp dirs.
export INSOMNIA_HOME=$TMP/insomnia-home XDG_CONFIG_HOME=$TMP/xdg/config XDG_DATA_HOME=$TMP/xdg/data \
  XDG_STATE_HOME=$TMP/xdg/state XDG_CACHE_HOME=$TMP/xdg/cache XDG_RUNTIME_DIR=$TMP/xdg/run
unset INSOMNIA_CONFIG_DIR INSOMNIA_DATA_DIR INSOMNIA_RUNTIME_DIR
mkdir -p "$INSOMNIA_HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
# coder.nix refers to the secret llm.anthropic.default: a user who runs it has that id in
# the store (as in the VS Code e2e). The entry is dummy bytes; only its id is ever read.
mkdir -p "$INSOMNIA_HOME/secrets"
printf '{"version": 1, "entries": {"llm.anthropic.default": {"nonce": "00", "ciphertext": "00", "tag": "00"}}}\n' \
  >"$INSOMNIA_HOME/secrets/store.json"
# Trust (editors/neovim/lua/insomnia/trust.lua): the list starts corrupt, which must
# count as empty without breaking startup. A second root, reached through a symlink,
# is trusted from the prompt; the list must name its real path.
export E2E_TRUST_FILE=$XDG_DATA_HOME/nvim/insomnia/trusted-roots.json
mkdir -p "$(dirname "$E2E_TRUST_FILE")" && printf '{"trusted": ["/not-closed' >"$E2E_TRUST_FILE"
mkdir -p "$TMP/other/.git" && ln -s "$TMP/other" "$TMP/other-link"
printf '{ pod.name = "other"; }\n' >"$TMP/other/profile.nix"
export E2E_ROOT_REAL=$(realpath "$WS") E2E_OTHER_FILE=$TMP/other-link/profile.nix \
  E2E_OTHER_REAL=$(realpath "$TMP/other") E2E_NVIM_DB=$TMP/nvim-trust-db

# Text snapshots of what the user sees (headless Neovim has no screen).
export E2E_ART=$ROOT/artifacts/neovim
rm -rf "$E2E_ART" && mkdir -p "$E2E_ART"
export INSOMNIA_LSP=$TMP/bin/insomnia-lsp INSOMNIA_NVIM_PLUGIN=$ROOT/editors/neovim \
  INSOMNIA_POD_COMMAND=$TMP/bin/insomnia-pod PATH=$TMP/bin:$PATH

# run_nvim NAME INIT LUA SECONDS: one headless Neovim; its PASS/FAIL lines are added to
# the totals (a timeout, a bad exit or a script that did not finish counts as a failure).
passed=0 failed=0
run_nvim() {
  local name=$1 init=$2 lua=$3 secs=$4 out=$TMP/nvim-$1.out err=$TMP/nvim-$1.err
  local deadline=$((SECONDS + secs)) timed_out= nvim_rc=0 p f
  if [[ -n $USE_TMUX ]]; then
    # A real screen: Neovim's TUI in a detached tmux pane; the Lua test writes its
    # lines to $out and asks for a screenshot by creating SHOTS/NAME.req, which
    # becomes SHOTS/NAME.ansi (capture-pane with colours) here.
    log "nvim in tmux (200x50): $name (timeout ${secs}s)"
    local sock=e2e-nvim-$$-$name shots=$E2E_ART/screens req
    mkdir -p "$shots" && : >"$out"
    cat >"$TMP/run-$name.sh" <<SH
#!/bin/sh
export TERM=tmux-256color E2E_OUT='$out' E2E_SHOTS='$shots'
${E2E_NVIM_PATH:+export PATH='$E2E_NVIM_PATH'}
'$NVIM' -n -i NONE -u '$init' -c 'luafile $lua' 2>'$err'
echo \$? >'$TMP/rc-$name'
SH
    rm -f "$TMP/rc-$name"
    tmux -L "$sock" -f /dev/null new-session -d -s nvim -x 200 -y 50 "sh $TMP/run-$name.sh"
    while tmux -L "$sock" has-session -t nvim 2>/dev/null && ((SECONDS < deadline)); do
      for req in "$shots"/*.req; do
        [[ -e $req ]] || continue
        sleep 0.3
        tmux -L "$sock" capture-pane -e -p -t nvim >"${req%.req}.ansi" 2>/dev/null || true
        rm -f "$req"
      done
      sleep 0.2
    done
    if tmux -L "$sock" has-session -t nvim 2>/dev/null; then timed_out=1; fi
    tmux -L "$sock" kill-server 2>/dev/null || true
    [[ -f $TMP/rc-$name ]] && nvim_rc=$(cat "$TMP/rc-$name")
  else
    log "nvim --headless: $name (timeout ${secs}s)"
    setsid env ${E2E_NVIM_PATH:+PATH="$E2E_NVIM_PATH"} "$NVIM" --headless -n -i NONE -u "$init" -c "luafile $lua" </dev/null >"$out" 2>"$err" &
    NVIM_PGID=$!
    while kill -0 "$NVIM_PGID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$NVIM_PGID" 2>/dev/null; then
      timed_out=1
      kill -KILL -- "-$NVIM_PGID" 2>/dev/null || true
    fi
    wait "$NVIM_PGID" || nvim_rc=$?
    kill -KILL -- "-$NVIM_PGID" 2>/dev/null || true # a server or Nix left behind
    NVIM_PGID=
  fi
  cat "$out"
  p=$(grep -c '^PASS: ' "$out" || true)
  f=$(grep -c '^FAIL: ' "$out" || true)
  if [[ -n $timed_out ]]; then
    log "FAIL: nvim ($name) did not finish within ${secs}s and was killed"
    f=$((f + 1))
  elif ((nvim_rc != 0 && f == 0)); then
    log "FAIL: nvim ($name) exited with status $nvim_rc"
    f=$((f + 1))
  fi
  if ! grep -q '^PASS: test script ran to the end' "$out" && [[ -z $timed_out ]] && ((f == 0)); then
    log "FAIL: the Lua test ($name) did not run (see stderr below)"
    f=$((f + 1))
  fi
  if ((f > 0)); then
    log "nvim stderr ($name):"
    sed 's/^/  /' "$err" | tail -40
    echo
    log "LSP log ($XDG_CACHE_HOME/nvim/lsp.log, last 60 lines):"
    tail -60 "$XDG_CACHE_HOME/nvim/lsp.log" 2>/dev/null | sed 's/^/  /' || true
  fi
  passed=$((passed + p)) failed=$((failed + f))
}

NVIM=$(command -v nvim)
# Screenshots: with tmux, each run drives Neovim's real TUI and the text snapshots
# get a picture of the screen (E2E_NVIM_SCREEN=0: headless, text snapshots only).
USE_TMUX=
if [[ ${E2E_NVIM_SCREEN:-1} != 0 ]] && command -v tmux >/dev/null; then USE_TMUX=1; fi
export E2E_NVIM_TEST=$ROOT/editors/neovim/test
cd "$WS"
run_nvim plugin "$E2E_NVIM_TEST/minimal_init.lua" "$E2E_NVIM_TEST/e2e.lua" "$NVIM_TIMEOUT"

# Independent of Neovim: the rewritten profiles.toml still parses and names the new default.
if now=$(nix-instantiate --eval --json -E "(builtins.fromTOML (builtins.readFile $TOML)).default or \"\"" 2>&1); then
  now=${now//\"/}
  if [[ ${now#project:} == "$E2E_SETDEF_NAME" ]]; then
    echo "PASS: profiles.toml parses with Nix's TOML reader, default = \"$now\""
    passed=$((passed + 1))
  else
    echo "FAIL: profiles.toml default is \"$now\", want \"$E2E_SETDEF_NAME\""
    failed=$((failed + 1))
  fi
else
  echo "FAIL: profiles.toml no longer parses: $now"
  failed=$((failed + 1))
fi

# Issue 15: the repository root as the client's root and only workspace folder (a plain
# client rooted at the nearest .git, as a user's lspconfig with that pattern starts it).
# The registry starts as examples/ has it (default = "coder").
git init -q "$TMP/repo"
cp "$EXAMPLES/.insomnia/profiles.toml" "$TOML"
export E2E_REPO=$TMP/repo
cd "$TMP/repo"
run_nvim repo-root "$E2E_NVIM_TEST/repo_root_init.lua" "$E2E_NVIM_TEST/e2e_repo_root.lua" 120

# Issue 17 point 5: the plugin started with a PATH without Nix (the tools the test
# needs, no nix-instantiate), the root trusted so nixPath is sent.
mkdir -p "$TMP/nonix-bin"
ln -sf "$TMP/bin/insomnia-lsp" "$TMP/bin/insomnia-pod" "$TMP/nonix-bin/"
printf '{"trusted": ["%s"]}\n' "$E2E_ROOT_REAL" >"$E2E_TRUST_FILE"
cd "$WS"
E2E_NVIM_PATH=$TMP/nonix-bin run_nvim nix-missing "$E2E_NVIM_TEST/minimal_init.lua" "$E2E_NVIM_TEST/e2e_nix_missing.lua" 120

# The screens as PNG (headless Chromium via the VS Code e2e's playwright-core; HTML
# only when that is not installed).
if [[ -n $USE_TMUX ]] && compgen -G "$E2E_ART/screens/*.ansi" >/dev/null; then
  node "$E2E_NVIM_TEST/screen2png.mjs" "$E2E_ART/screens" 2>&1 | tail -3 || log "screen2png failed"
fi
echo "$passed passed, $failed failed"
((failed == 0))
