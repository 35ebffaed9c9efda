#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server 4.100.3, see
# docs in ../shared/vscode-e2e.md), driven by playwright-core with Debian's Chromium.
# Unattended (CI=true, no stdin, root); offline except the npm registry and Debian.
# Prints "N passed, N failed" last and exits non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CS_VERSION=4.100.3
CS_DIR=${INSOMNIA_E2E_CACHE:-$HOME/.cache/insomnia-e2e}/code-server
ART=$ROOT/artifacts/vscode
export CI=${CI:-true}

log() { printf '[e2e-vscode] %s\n' "$*" >&2; }

# step NAME CMD... runs CMD once per cache dir: a marker file records success so a
# second run (or a later CI run on the same machine) skips the slow installs.
step() {
  local name=$1; shift
  if [[ -f $CS_DIR/.done-$name ]]; then log "skip $name (done)"; return; fi
  log "run $name"
  "$@"
  touch "$CS_DIR/.done-$name"
}

install_apt() {
  local missing=()
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  command -v rg >/dev/null || missing+=(ripgrep)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  ((${#missing[@]} == 0)) && return
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

cs_npm() { (cd "$CS_DIR" && npm install --no-audit --no-fund --ignore-scripts "code-server@$CS_VERSION"); }
cs_vscode_deps() {
  (cd "$CS_DIR/node_modules/code-server/lib/vscode" && npm install --no-audit --no-fund --omit=dev --ignore-scripts)
}
# @vscode/ripgrep's install step downloads rg from GitHub: use Debian's binary instead.
cs_ripgrep() {
  local d=$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin
  mkdir -p "$d" && cp "$(command -v rg)" "$d/rg"
}
cs_rebuild() {
  (cd "$CS_DIR/node_modules/code-server/lib/vscode" && npm_config_yes=true npm rebuild)
}
cs_extensions() {
  (cd "$CS_DIR/node_modules/code-server/lib/vscode/extensions" && npm install --no-audit --no-fund --omit=dev)
}
cs_argon2() { (cd "$CS_DIR" && npm rebuild argon2); }

install_code_server() {
  mkdir -p "$CS_DIR"
  step npm cs_npm
  step vscode-deps cs_vscode_deps
  step ripgrep cs_ripgrep
  step rebuild cs_rebuild
  step extensions cs_extensions
  step argon2 cs_argon2
}

# ---- build: server, pod double, extension (.vsix with the server inside) ----
build_all() {
  local plat
  plat=$(node -p 'process.platform + "-" + process.arch')
  mkdir -p "$EXT_DIR/bin/$plat" "$WORK/bin"
  if [[ -n ${E2E_SERVER_BIN:-} ]]; then
    # For trying the extension against another build of the server.
    log "using $E2E_SERVER_BIN as the packaged server"
    install -m 755 "$E2E_SERVER_BIN" "$EXT_DIR/bin/$plat/insomnia-lsp"
  else
    log "go build insomnia-lsp -> bin/$plat"
    (cd "$ROOT" && go build -o "$EXT_DIR/bin/$plat/insomnia-lsp" ./cmd/insomnia-lsp)
  fi
  (cd "$ROOT" && go build -o "$WORK/bin/insomnia-pod" ./cmd/insomnia-pod-double)
  # attach runs `insomnia --pod NAME`, the pod's TUI client, which is not part of
  # this project: a shim checks the pod's socket and says what it attached to.
  install -m 755 "$EXT_DIR/test/e2e/insomnia-attach-shim.sh" "$WORK/bin/insomnia"
  # E2E_REUSE_VSIX=1 (for iterating on the test only) keeps an existing .vsix.
  if [[ -n ${E2E_REUSE_VSIX:-} && -f $EXT_DIR/insomnia-lsp.vsix ]]; then log "reusing the .vsix"; return; fi
  log "npm ci, unit tests, package"
  (cd "$EXT_DIR" && npm ci --no-audit --no-fund --loglevel=error && npm test --silent && npm run --silent package) >"$ART/build.log" 2>&1 ||
    { tail -40 "$ART/build.log" >&2; return 1; }
}

# A server that dies a few seconds after each start, to see how a crash is
# reported (the test points insomnia.server.path at it at the end). fd 3:
# sh gives a background job /dev/null as its input, so pass stdin on by hand.
make_crashing_server() {
  cat >"$WORK/bin/crashing-insomnia-lsp" <<SH
#!/bin/sh
echo "e2e: this server will be killed in 3 s" >&2
exec 3<&0
"$WORK/ext/insomnia-lsp.insomnia-lsp-0.1.0/bin/$(node -p 'process.platform + "-" + process.arch')/insomnia-lsp" "\$@" <&3 3<&- &
sleep 3
kill -9 \$!
exit 1
SH
  chmod +x "$WORK/bin/crashing-insomnia-lsp"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# files.autoSave off (the desktop default; code-server's is afterDelay, which
# would hide an edited profiles.toml left unsaved).
# The workspace is a copy (the test changes the default profile), with the
# resources the examples import by relative path.
make_workspace() {
  mkdir -p "$WORK/repo" "$WORK/home" "$WORK/ud/User"
  cp -r "$ROOT/examples" "$ROOT/resources" "$WORK/repo/"
  # coder.nix refers to the secret llm.anthropic.default: a user who runs it has
  # that id in the store. The entry is dummy bytes; only its id is ever read.
  mkdir -p "$WORK/home/secrets"
  printf '{"version": 1, "entries": {"llm.anthropic.default": {"nonce": "00", "ciphertext": "00", "tag": "00"}}}\n' \
    >"$WORK/home/secrets/store.json"
  # VS Code gives terminals the login shell's PATH: the attach shim's folder is
  # added the way a user adds a tool folder for terminals.
  cat >"$WORK/ud/User/settings.json" <<JSON
{
  "terminal.integrated.env.linux": { "PATH": "$WORK/bin:\${env:PATH}" },
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "extensions.ignoreRecommendations": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "terminal.integrated.gpuAcceleration": "off",
  "editor.hover.delay": 300,
  "files.autoSave": "off",
  "insomnia.trace.server": "messages",
  "security.workspace.trust.startupPrompt": "always"
}
JSON
}

# start_code_server [UD]: code-server on a free port with user-data dir UD ($WORK/ud);
# the extension is installed once.
start_code_server() {
  local ud=${1:-$WORK/ud}
  PORT=$(free_port)
  local entry=$CS_DIR/node_modules/code-server/out/node/entry.js
  [[ -d $WORK/ext/insomnia-lsp.insomnia-lsp-0.1.0 ]] ||
    node "$entry" --extensions-dir "$WORK/ext" --user-data-dir "$ud" \
      --install-extension "$EXT_DIR/insomnia-lsp.vsix" >"$ART/install-extension.log" 2>&1
  log "code-server on 127.0.0.1:$PORT"
  # setsid: the server and everything it starts (extension host, language
  # server, terminals) share one process group, ended as one at exit.
  PATH="$WORK/bin:$PATH" INSOMNIA_HOME="$WORK/home" INSOMNIA_POD_COMMAND="$WORK/bin/insomnia-pod" \
    setsid node "$entry" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
    --disable-update-check --extensions-dir "$WORK/ext" \
    --user-data-dir "$ud" "$WORK/repo" >>"$ART/code-server.log" 2>&1 </dev/null &
  CS_PID=$!
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$CS_PID" 2>/dev/null || break
    sleep 0.5
  done
  log "code-server did not start"; tail -20 "$ART/code-server.log" >&2; return 1
}

stop_code_server() {
  [[ -n ${CS_PID:-} ]] || return 0
  kill -TERM -- "-$CS_PID" 2>/dev/null || true
  sleep 2
  kill -KILL -- "-$CS_PID" 2>/dev/null || true
  wait "$CS_PID" 2>/dev/null || true
  CS_PID=
}

# The second session (issue 17 point 5): insomnia.nixPath names no program;
# Workspace Trust off, so the workspace is trusted and the setting honoured at start.
make_nix_missing_ud() {
  mkdir -p "$WORK/ud-nonix/User"
  node -e '
    const fs = require("fs");
    const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    s["insomnia.nixPath"] = process.argv[3];
    s["security.workspace.trust.enabled"] = false;
    delete s["security.workspace.trust.startupPrompt"];
    fs.writeFileSync(process.argv[2], JSON.stringify(s, null, 2));
  ' "$WORK/ud/User/settings.json" "$WORK/ud-nonix/User/settings.json" "$WORK/no-such-dir/nix-instantiate"
}

cleanup() {
  local rc=$?
  # VS Code's logs (the Insomnia output channel among them) are test artefacts.
  [[ -d ${WORK:-}/ud/logs ]] && cp -r "$WORK/ud/logs" "$ART/vscode-logs" 2>/dev/null
  [[ -d ${WORK:-}/ud-nonix/logs ]] && cp -r "$WORK/ud-nonix/logs" "$ART/vscode-logs-nix-missing" 2>/dev/null
  # Any early exit still ends with the closing line CI reads.
  if [[ -z ${SUMMARY_PRINTED:-} && ${INSTALL_ONLY:-} != 1 ]]; then echo "0 passed, 1 failed"; fi
  if [[ -n ${CS_PID:-} ]]; then kill -TERM -- "-$CS_PID" 2>/dev/null || true; fi
  # Pods the double started run in their own session: end each by its pid file.
  local pidfile
  for pidfile in "${WORK:-/nonexistent}"/home/run/*/pid; do
    [[ -f $pidfile ]] && kill -TERM "$(cat "$pidfile")" 2>/dev/null
  done
  [[ -n ${WORK:-} && -z ${E2E_KEEP:-} ]] && rm -rf "$WORK"
  return $rc
}

# broken_position asks real Nix where broken.nix fails: the test compares the
# Problems panel with this, not with a number written into the test.
broken_position() {
  nix-instantiate --parse "$WORK/repo/examples/.insomnia/profiles/broken.nix" 2>&1 >/dev/null |
    grep -oE 'broken\.nix:[0-9]+:[0-9]+' | head -1 | cut -d: -f2,3 || true
}

install_apt
install_code_server
if [[ ${1:-} == --install-only ]]; then INSTALL_ONLY=1; log "installed"; exit 0; fi

EXT_DIR=$ROOT/editors/vscode
WORK=$(mktemp -d /tmp/insomnia-e2e.XXXXXX)
trap cleanup EXIT
rm -rf "$ART" && mkdir -p "$ART"
fail_setup() { log "setup failed: $*"; exit 1; }
build_all || fail_setup build
make_workspace
start_code_server || fail_setup code-server
make_crashing_server
POS=$(broken_position)
[[ -n $POS ]] || fail_setup "nix-instantiate found no error in broken.nix"
log "nix reports broken.nix at $POS"
set +e
# The repository root is the workspace folder (as users open it); the
# examples project lives in its examples/ folder (E2E_WS: where its files are).
# Each session prints "N passed, N failed"; the total is printed last.
run_session() { # PHASE UD
  E2E_PHASE=$1 E2E_URL="http://127.0.0.1:$PORT/?folder=$WORK/repo" E2E_WS="$WORK/repo/examples" \
    E2E_HOME="$WORK/home" E2E_UD="$2" E2E_ART="$ART" E2E_CRASH_SERVER="$WORK/bin/crashing-insomnia-lsp" E2E_BROKEN_POS="$POS" \
    node "$EXT_DIR/test/e2e/e2e.mjs" | tee "$WORK/session-$1.out"
}
total_p=0 total_f=0
add_counts() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$WORK/session-$1.out" | tail -1)
  [[ -n $line ]] || line="0 passed, 1 failed"
  total_p=$((total_p + ${line%% passed*}))
  line=${line#*, }
  total_f=$((total_f + ${line%% failed}))
}
run_session main "$WORK/ud"
add_counts main
stop_code_server
make_nix_missing_ud
if start_code_server "$WORK/ud-nonix"; then
  log "session 2: insomnia.nixPath = $WORK/no-such-dir/nix-instantiate"
  run_session nix-missing "$WORK/ud-nonix"
  add_counts nix-missing
else
  log "code-server did not start for the nix-missing session"
  total_f=$((total_f + 1))
fi
echo "$total_p passed, $total_f failed"
SUMMARY_PRINTED=1
set -e
((total_f == 0))
