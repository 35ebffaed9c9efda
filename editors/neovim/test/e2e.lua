-- Headless end-to-end checks of the plugin against the real insomnia-lsp.
-- Run by scripts/e2e-neovim.sh, which computes the expectations with real Nix and
-- passes them in E2E_* variables. Prints "PASS: ..." / "FAIL: ..." lines and the
-- Neovim state it checks; every wait has a timeout.
local env = vim.env
-- The output, screenshots, PASS/FAIL counting, vim.notify capture and waits are
-- util.lua's, shared with the other two runs.
local u = dofile(env.E2E_NVIM_TEST .. '/util.lua')
local TIMEOUT, notes, out, capture, wait, find, read = u.TIMEOUT, u.notes, u.out, u.capture, u.wait, u.find, u.read
local now_ms, settled_diagnostics, run_lens = u.now_ms, u.settled_diagnostics, u.run_lens

local last_check = 'the start'
local function check(ok, what, detail)
  last_check = what
  return u.check(ok, what, detail)
end

-- The top-level `default = "..."` of profiles.toml as it is on disk now.
local function toml_default()
  return ('\n' .. (read(env.E2E_TOML) or '')):match('\n%s*default%s*=%s*"([^"]*)"')
end

local function insomnia_client(buf)
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if c.name == 'insomnia' and vim.lsp.buf_is_attached(buf, c.id) then
      return c
    end
  end
end

-- Client methods take self from 0.11 on, not before.
local function call_client(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local attached = wait(function()
    local c = insomnia_client(buf)
    return c and c.initialized
  end, 20000)
  check(attached, 'client attached to ' .. vim.fn.fnamemodify(path, ':t'),
    'no initialized insomnia client (see the LSP log below)')
  return buf, attached
end

local function show_diagnostics(buf)
  local ds = vim.diagnostic.get(buf)
  for _, d in ipairs(ds) do
    out('  nvim diagnostic %s:%d:%d [%s/%s] %s', vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':t'),
      d.lnum + 1, d.col + 1, tostring(d.source), tostring(d.code), (d.message:gsub('\n', '\n    | ')))
  end
  if #ds == 0 then
    out('  nvim diagnostic: none')
  end
end

-- What a user sees, as text and (with a screen) as a picture: util.snapshot,
-- written to $E2E_ART/NN-name.txt.
local function snapshot(name, extra)
  u.snapshot(nil, name, extra)
end

-- Waits for an evaluation that ends after `since` (a status table the plugin kept:
-- each insomnia/evaluationStatus is a new table), false when none came.
local function await_eval(buf, since, ms)
  return wait(function()
    local s = require('insomnia').status_info(buf)
    return s ~= nil and s ~= since and s.state ~= 'evaluating'
  end, ms or 30000)
end

-- The namespace names the client that published it (vim.lsp:<client id> and its
-- name): a stopped client's diagnostics would show its id.
local function diag_line(d)
  local ns = ''
  for name, id in pairs(vim.api.nvim_get_namespaces()) do
    if id == d.namespace then
      ns = ' (' .. name .. ')'
    end
  end
  return string.format('%d:%d [%s] %s%s', d.lnum + 1, d.col + 1, tostring(d.code), d.message, ns)
end

local function diag_lines(ds)
  return table.concat(vim.tbl_map(diag_line, ds), ' | ')
end

-- Where the missing ';' is, from where Nix stops: Nix reports the token after the
-- binding that lacks it (`=` of the next `name = ...`); the ';' belongs right after the
-- last token before that binding's name. 0-based line and column.
local function missing_semicolon_at(file, line, col)
  local lines = vim.fn.readfile(file)
  local l = line
  local text = lines[l]:sub(1, col - 1):gsub('%s+$', ''):gsub("[%w_'%-]+$", ''):gsub('%s+$', '')
  while text == '' and l > 1 do
    l = l - 1
    text = lines[l]:gsub('%s+$', '')
  end
  return l - 1, #text
end

local MISSING_SEMI = "syntax error, missing ';' before identifier"

-- 1. The broken profile (issue 17 point 1): one diagnostic for its one mistake, our
-- parser's "missing ';'" where the ';' belongs, derived from where real Nix stops;
-- Nix's own headline for the same mistake is not published beside it.
local function test_broken()
  local line, col, msg = tonumber(env.E2E_ERR_LINE), tonumber(env.E2E_ERR_COL), env.E2E_ERR_MSG
  local wl, wc = missing_semicolon_at(env.E2E_ERR_FILE, line, col)
  out('expect: %s:%d:%d "%s" (nix-instantiate stops at %d:%d: "%s")', env.E2E_ERR_FILE, wl + 1, wc + 1, MISSING_SEMI,
    line, col, msg)
  local known = vim.fn.bufnr(env.E2E_BROKEN) -- -1 until a buffer (or its diagnostics) exists
  local since = known ~= -1 and require('insomnia').status_info(known) or nil
  local buf, attached = open(env.E2E_BROKEN)
  if not attached then
    return
  end
  -- The error may sit in an imported file: its diagnostics land on that file's buffer.
  local target = vim.uri_to_bufnr(vim.uri_from_fname(env.E2E_ERR_FILE))
  wait(function()
    return #vim.diagnostic.get(target) > 0
  end)
  await_eval(buf, since)
  local ds = settled_diagnostics(target)
  show_diagnostics(target)
  out('  live insomnia clients: %s', table.concat(vim.tbl_map(function(c)
    return tostring(c.id)
  end, vim.lsp.get_active_clients()), ', '))
  local d = ds[1]
  check(#ds == 1 and d.message == MISSING_SEMI and d.code == 'syntax-error' and d.lnum == wl and d.col == wc,
    string.format('broken.nix: exactly one diagnostic, %d:%d [syntax-error] "%s"', wl + 1, wc + 1, MISSING_SEMI),
    #ds .. ': ' .. diag_lines(ds))
  check(not find(ds, function(x)
    return x.message:find(msg, 1, true) ~= nil
  end), 'broken.nix: Nix\'s "' .. msg .. '" is not published', diag_lines(ds))
  if d then
    check(d.source == 'insomnia', 'diagnostic source is "insomnia"', 'source=' .. tostring(d.source))
    check(d.severity == vim.diagnostic.severity.ERROR, 'diagnostic severity is Error', 'severity=' .. tostring(d.severity))
  end
  snapshot('broken-one-diagnostic')
end

local function hover_text(buf)
  local params = vim.lsp.util.make_position_params()
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000) or {}
  for _, r in pairs(res) do
    if r.result and r.result.contents then
      return table.concat(vim.lsp.util.convert_input_to_markdown_lines(r.result.contents), '\n')
    end
  end
  return ''
end

-- The manifest inside Nix's JSON (the artifact shapes of the insomnia contract §1.2).
local function nix_manifest()
  local artifact = vim.json.decode(read(env.E2E_HOVER_JSON))
  return artifact.manifest or artifact.config or artifact
end

-- 2. Hover on a valid profile shows its resolved manifest.
local function test_hover()
  local buf, attached = open(env.E2E_HOVER_FILE)
  if not attached then
    return
  end
  local ok = wait(function()
    local s = require('insomnia').status_info(buf)
    return s and s.state == 'ok'
  end)
  out('  require("insomnia").status() = "%s"', require('insomnia').status(buf))
  check(ok, 'insomnia/evaluationStatus "ok" for ' .. vim.fn.fnamemodify(env.E2E_HOVER_FILE, ':t'))
  show_diagnostics(buf)

  -- Hover on the first line: the profile as a whole. The manifest is the JSON
  -- block of the hover; it must hold every top-level key and the pod.name Nix gives.
  local manifest = nix_manifest()
  local want = vim.tbl_keys(manifest)
  table.sort(want)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local text, shown, missing = '', nil, want
  wait(function()
    text = hover_text(buf)
    local ok_json, decoded = pcall(vim.json.decode, text:match('```json\n(.-)\n```') or '')
    shown = ok_json and type(decoded) == 'table' and decoded or {}
    missing = vim.tbl_filter(function(k)
      return shown[k] == nil
    end, want)
    return #missing == 0
  end, 20000)
  out('  hover (%d lines):', #vim.split(text, '\n'))
  for _, l in ipairs(vim.split(text, '\n')) do
    out('  | %s', l)
  end
  check(#missing == 0, 'hover JSON has the manifest keys Nix gives: ' .. table.concat(want, ', '),
    'missing: ' .. table.concat(missing, ', '))
  local pod_name = manifest.pod.name
  local got = type(shown.pod) == 'table' and shown.pod.name or nil
  check(got == pod_name, 'hover JSON has pod.name "' .. tostring(pod_name) .. '"', 'got ' .. tostring(got))

  -- Hover on the attribute: the cursor on `name` of the `pod.name = ...` line.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row
  for i, l in ipairs(lines) do
    row = row or (l:find('pod.name', 1, true) and i)
  end
  if not check(row ~= nil, 'the profile has a pod.name line to hover') then
    return
  end
  vim.api.nvim_win_set_cursor(0, { row, lines[row]:find('pod.name', 1, true) + 4 })
  local attr = hover_text(buf)
  for _, l in ipairs(vim.split(attr, '\n')) do
    out('  | %s', l)
  end
  check(attr:find(pod_name, 1, true) and not attr:find('```json\n{', 1, true),
    'hover on pod.name (line ' .. row .. ') shows its value "' .. pod_name .. '", not the whole manifest')
end

-- 3. :InsomniaResolved opens a scratch JSON buffer with the resolved manifest.
local function test_resolved()
  local src = vim.api.nvim_get_current_buf()
  vim.cmd('InsomniaResolved')
  local function scratch()
    local buf = vim.api.nvim_get_current_buf()
    if buf ~= src and vim.bo[buf].filetype == 'json' and vim.api.nvim_buf_line_count(buf) > 1 then
      return buf
    end
  end
  wait(function()
    return scratch() ~= nil
  end, 20000)
  local buf = scratch()
  local want = nix_manifest().pod.name
  if not check(buf ~= nil, ':InsomniaResolved opens a JSON buffer') then
    return
  end
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  out('  :InsomniaResolved buffer "%s", %d lines', vim.api.nvim_buf_get_name(buf), vim.api.nvim_buf_line_count(buf))
  local ok, decoded = pcall(vim.json.decode, text)
  local got = ok and type(decoded) == 'table' and (decoded.manifest or decoded)
  check(got and type(got.pod) == 'table' and got.pod.name == want,
    ':InsomniaResolved shows JSON with pod.name "' .. tostring(want) .. '"', 'buffer:\n' .. text)
  vim.cmd('close')
end

-- 3a. Inlay hints as end-of-line virtual text (setup's inlay_hints option): the
-- `scope.allow = [ ... ];` list holds a computed target, so its line ends with the
-- resolved list, whose first permission is Nix's.
local function test_inlay()
  local buf = vim.fn.bufnr(env.E2E_HOVER_FILE)
  vim.cmd('buffer ' .. buf)
  local inlay = require('insomnia.inlay')
  local want = nix_manifest().scope.allow[1].permission
  local mark
  wait(function()
    vim.cmd('doautocmd BufEnter')
    mark = find(inlay.marks(buf), function(m)
      return m.text:find('= [{', 1, true) == 1
    end)
    return mark ~= nil
  end, 20000)
  for _, m in ipairs(inlay.marks(buf)) do
    out('  inlay line %d: %s', m.line + 1, m.text)
  end
  if not check(mark ~= nil, 'an inlay hint is drawn as virtual text (a resolved list)') then
    return
  end
  local line = vim.api.nvim_buf_get_lines(buf, mark.line, mark.line + 1, false)[1]
  check(line:find('];', 1, true) and mark.text:find('"permission":"' .. want .. '"', 1, true),
    'the hint ends the list line "' .. vim.trim(line) .. '" with the permission Nix gives (' .. want .. ')', mark.text)
end

-- 3b. :InsomniaDiff {a} {b} opens a tab with both resolved manifests, 'diff' on in both.
-- open_diff runs :InsomniaDiff and returns the two buffers' texts (nil when
-- no tab with two windows came).
local function open_diff()
  local tabs = #vim.api.nvim_list_tabpages()
  vim.cmd('InsomniaDiff ' .. env.E2E_DEFAULT .. ' ' .. env.E2E_SETDEF_NAME)
  return wait(function()
    return #vim.api.nvim_list_tabpages() > tabs and #vim.api.nvim_tabpage_list_wins(0) == 2
  end, 20000)
end

local function test_diff()
  -- Both profiles must have a result to show (a restart just re-evaluated
  -- them): a side without one says so ("// …"); try again a few times.
  for _ = 1, 5 do
    if not open_diff() then
      break
    end
    local wins = vim.api.nvim_tabpage_list_wins(0)
    local right = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(wins[2]), 0, -1, false), '\n')
    if not right:match('^//') then
      vim.cmd('tabclose')
      break
    end
    vim.cmd('tabclose')
    vim.wait(2000)
  end
  local tabs = #vim.api.nvim_list_tabpages()
  vim.cmd('InsomniaDiff ' .. env.E2E_DEFAULT .. ' ' .. env.E2E_SETDEF_NAME)
  local ok = wait(function()
    return #vim.api.nvim_list_tabpages() > tabs and #vim.api.nvim_tabpage_list_wins(0) == 2
  end, 20000)
  if not check(ok, ':InsomniaDiff opens a tab with two windows') then
    return
  end
  local wins = vim.api.nvim_tabpage_list_wins(0)
  local texts = {}
  for i, w in ipairs(wins) do
    local b = vim.api.nvim_win_get_buf(w)
    texts[i] = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    out('  diff window %d: diff=%s, buffer "%s", %d lines', i, tostring(vim.wo[w].diff),
      vim.api.nvim_buf_get_name(b), vim.api.nvim_buf_line_count(b))
    check(vim.wo[w].diff, 'diff window ' .. i .. " has 'diff' set")
  end
  local okl, left = pcall(vim.json.decode, texts[1])
  local okr, right = pcall(vim.json.decode, texts[2])
  local want = nix_manifest().pod.name
  check(okl and type(left.pod) == 'table' and left.pod.name == want,
    'the left buffer holds ' .. env.E2E_DEFAULT .. "'s resolved manifest (pod.name " .. want .. ')', texts[1])
  check(okr and type(right.pod) == 'table' and right.pod.name ~= want,
    'the right buffer holds ' .. env.E2E_SETDEF_NAME .. "'s", texts[2])
  vim.cmd('tabclose')
end

-- 4. Code lenses (refreshed by the plugin's autocmds), then a pod spawned from the
-- "Spawn pod" lens (client command: asks a name, opens a terminal) and resumed with
-- :InsomniaResume. The pod is the test double; `insomnia` is a shim saying it attached
-- (editors/vscode/test/e2e/insomnia-attach-shim.sh).
-- Every lens title shown in this run (point 7: none may show an absolute path).
local seen_titles = {}
local function lens_titles(buf)
  local titles = {}
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command then
      table.insert(titles, l.command.title)
      seen_titles[l.command.title] = seen_titles[l.command.title] or last_check
    end
  end
  return titles
end

-- Waits until pred(titles) holds, firing CursorHold now and then as an idle user would.
local function wait_lenses(buf, pred)
  local n = 0
  local ok = wait(function()
    n = n + 1
    if n % 10 == 0 then
      vim.cmd('doautocmd <nomodeline> CursorHold')
    end
    return pred(lens_titles(buf))
  end, 20000)
  out('  code lenses: %s', table.concat(lens_titles(buf), ' | '))
  return ok
end

-- A terminal buffer whose text contains needle (nil if none within the timeout).
local function wait_terminal(needle, except)
  local found
  wait(function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if b ~= except and vim.bo[b].buftype == 'terminal' then
        local text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
        if text:find(needle, 1, true) then
          found = b
          out('  terminal %s: %s', vim.api.nvim_buf_get_name(b), vim.trim(text))
          return true
        end
      end
    end
  end, 30000)
  return found
end

local function test_lenses_and_pods()
  local buf = open(env.E2E_HOVER_FILE)
  local label = 'project:' .. env.E2E_DEFAULT
  check(wait_lenses(buf, function(t)
    return find(t, function(x)
      return x:find(label, 1, true) and x:find('default', 1, true)
    end) and vim.tbl_contains(t, 'Spawn pod')
  end), 'code lenses name ' .. label .. ' as the default and offer "Spawn pod"')

  local pod = 'e2e-pod'
  local input = vim.ui.input
  vim.ui.input = function(o, on_confirm)
    out('  vim.ui.input "%s" -> %s', o.prompt, pod)
    on_confirm(pod)
  end
  run_lens(buf, 'Spawn pod')
  vim.ui.input = input
  local term = wait_terminal('attached to pod ' .. pod)
  check(term ~= nil, '"Spawn pod" lens: pod ' .. pod .. ' started and a terminal attached to it')

  vim.cmd('buffer ' .. buf)
  check(wait_lenses(buf, function(t)
    return find(t, function(x)
      return x:find(pod, 1, true)
    end)
  end), 'code lenses list pod ' .. pod)

  vim.cmd('InsomniaResume')
  check(wait_terminal('attached to pod ' .. pod, term) ~= nil, ':InsomniaResume opened a terminal on ' .. pod)
  vim.cmd('buffer ' .. buf)

  vim.cmd('InsomniaSpawn ' .. pod .. '-2')
  check(wait_terminal('attached to pod ' .. pod .. '-2') ~= nil, ':InsomniaSpawn ' .. pod .. '-2 started it and attached')
  vim.cmd('buffer ' .. buf)
end

-- 5. :InsomniaProfiles offers every registry entry, the default marked; choosing
-- builtin:default makes it the default in profiles.toml.
local function test_profiles()
  local items, labels
  local select = vim.ui.select
  vim.ui.select = function(list, o, on_choice)
    items = list
    labels = vim.tbl_map(o.format_item, list)
    on_choice(find(list, function(p)
      return p.qualifiedName == 'builtin:default'
    end))
  end
  vim.cmd('InsomniaProfiles')
  wait(function()
    return items ~= nil
  end, 20000)
  vim.ui.select = select
  for _, l in ipairs(labels or {}) do
    out('  vim.ui.select item: %s', l)
  end
  local default = find(items or {}, function(p)
    return p.isDefault == true
  end)
  local want = 'project:' .. env.E2E_DEFAULT
  check(default and default.qualifiedName == want, ':InsomniaProfiles marks ' .. want .. ' as the default',
    'default: ' .. tostring(default and default.qualifiedName))
  wait(function()
    return toml_default() == 'builtin:default'
  end, 20000)
  check(toml_default() == 'builtin:default', 'choosing builtin:default wrote it to profiles.toml',
    'default on disk: ' .. tostring(toml_default()))
end

-- 6. :InsomniaSetDefault rewrites profiles.toml on disk (applyEdit, then the plugin saves).
local function test_set_default()
  local before = toml_default()
  local _, attached = open(env.E2E_SETDEF_FILE)
  if not attached then
    return
  end
  vim.cmd('InsomniaSetDefault')
  local name = env.E2E_SETDEF_NAME
  local function is_new(v)
    return v == name or v == 'project:' .. name
  end
  wait(function()
    return is_new(toml_default())
  end, 20000)
  out('  profiles.toml default on disk: "%s" (was "%s")', tostring(toml_default()), tostring(before))
  check(is_new(toml_default()), ':InsomniaSetDefault wrote default = "' .. name .. '" to profiles.toml',
    'profiles.toml on disk:\n' .. tostring(read(env.E2E_TOML)))
  -- The plugin shows the server's answer once the command returns.
  wait(function()
    return #vim.tbl_filter(function(n)
      return n:find(name, 1, true) ~= nil
    end, notes) > 0
  end, 10000)
  local tbuf = vim.fn.bufnr(env.E2E_TOML)
  check(tbuf == -1 or not vim.bo[tbuf].modified, 'profiles.toml buffer has no unsaved changes')
end

-- 7. One verb per pod state: a stopped pod is resumed, a live one attached to, in
-- the picker and the lens alike; the pods lens asks which pod when there are several.
local function pod_pid(name)
  return tonumber(read(env.INSOMNIA_HOME .. '/run/' .. name .. '/pid') or '')
end

-- Terminals showing the shim's line for exactly this pod.
local function attached_terminals(name)
  local n = 0
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.bo[b].buftype == 'terminal' then
      for _, l in ipairs(vim.api.nvim_buf_get_lines(b, 0, -1, false)) do
        if l == 'insomnia-e2e-shim: attached to pod ' .. name then
          n = n + 1
          break
        end
      end
    end
  end
  return n
end

local function note_since(n, needle)
  for i = n + 1, #notes do
    if notes[i]:find(needle, 1, true) then
      return notes[i]
    end
  end
end

local function test_pod_verbs()
  local buf = open(env.E2E_HOVER_FILE)
  local pod, other = 'e2e-pod', 'e2e-pod-2'
  local pid = pod_pid(pod)
  if not check(pid ~= nil, 'pod ' .. pod .. ' has a pid file') then
    return
  end
  vim.loop.kill(pid, 15) -- SIGTERM: the double removes its runtime state
  check(wait(function()
    return pod_pid(pod) == nil
  end, 15000), 'pod ' .. pod .. ' stopped')

  local asked, labels
  local select = vim.ui.select
  vim.ui.select = function(items, o, on_choice)
    if o.prompt ~= 'Attach or resume pod' then
      out('  unexpected vim.ui.select "%s"', tostring(o.prompt))
      return on_choice(nil)
    end
    asked, labels = true, vim.tbl_map(o.format_item, items)
    out('  vim.ui.select "%s": %s', o.prompt, table.concat(labels, ' | '))
    on_choice(find(items, function(p)
      return p.name == pod
    end))
  end
  local before = attached_terminals(pod)
  vim.cmd('InsomniaResume')
  wait(function()
    return asked
  end, 20000)
  local want_stopped, want_live = pod .. ' (stopped) — Resume', '^' .. vim.pesc(other) .. ' %((%a+)%) — Attach$'
  check(labels and vim.tbl_contains(labels, want_stopped), ':InsomniaResume lists "' .. want_stopped .. '"',
    table.concat(labels or {}, ' | '))
  local live = labels and find(labels, function(l)
    return l:match(want_live) ~= nil
  end)
  check(live ~= nil and ({ running = true, idle = true, paused = true })[live:match(want_live)],
    ':InsomniaResume lists ' .. other .. ' (running|idle|paused) — Attach', live)
  check(wait(function()
    return attached_terminals(pod) > before
  end, 30000), 'choosing ' .. pod .. ' resumed it and a new terminal attached')
  snapshot('resume-picker', vim.tbl_map(function(l)
    return 'vim.ui.select "Attach or resume pod": ' .. l
  end, labels or {}))

  -- The pods lens: "2 pods: … — Resume" asks which pod, as :InsomniaResume does.
  vim.cmd('buffer ' .. buf)
  asked, labels = false, nil
  local title
  wait_lenses(buf, function(t)
    title = find(t, function(x)
      return x:match('^2 pods: ') ~= nil
    end)
    return title ~= nil
  end)
  check(title ~= nil, 'the pods lens names both pods', title)
  if title then
    out('  pods lens: %s', title)
    run_lens(vim.api.nvim_get_current_buf(), title)
    wait(function()
      return asked
    end, 20000)
    check(asked and labels and #labels == 2, 'the pods lens asks which pod (' .. #(labels or {}) .. ' offered)',
      table.concat(labels or {}, ' | '))
    snapshot('pods-lens-asks', vim.tbl_map(function(l)
      return 'vim.ui.select "Attach or resume pod": ' .. l
    end, labels or {}))
  end
  vim.ui.select = select
  vim.cmd('buffer ' .. buf)
end

-- Lenses drawn by clients that were stopped (trust restarts) are gone from the screen.
local function test_no_stale_lenses()
  local buf = vim.api.nvim_get_current_buf()
  local live = {}
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    live[c.id] = true
  end
  local stale = {}
  for name, ns in pairs(vim.api.nvim_get_namespaces()) do
    local id = tonumber(name:match('^vim_lsp_codelens:(%d+)$'))
    if id and not live[id] and #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) > 0 then
      table.insert(stale, name)
    end
  end
  check(#stale == 0, 'no code lens of a stopped client is still shown', table.concat(stale, ', '))
end

-- 3 and 6. :InsomniaNewProfile writes a profile from the template (never over a
-- file), and its "Add to project profiles" lens lists it in profiles.toml on disk.
local function test_new_profile()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.E2E_HOVER_FILE))
  local file = vim.fn.fnamemodify(env.E2E_TOML, ':h') .. '/profiles/qa.nix'
  vim.cmd('InsomniaNewProfile qa')
  local text = read(file) or ''
  check(text:find('pod.name = "qa";', 1, true) ~= nil, ':InsomniaNewProfile qa wrote ' .. file, text)
  check(vim.api.nvim_buf_get_name(0) == file or vim.loop.fs_realpath(vim.api.nvim_buf_get_name(0)) == vim.loop.fs_realpath(file),
    ':InsomniaNewProfile opened qa.nix', vim.api.nvim_buf_get_name(0))
  local buf = vim.api.nvim_get_current_buf()
  local f = assert(io.open(file, 'a'))
  f:write('# mine\n')
  f:close()
  local n = #notes
  vim.cmd('InsomniaNewProfile qa')
  local refused = note_since(n, 'already exists')
  check(refused and (read(file) or ''):find('# mine\n$'), ':InsomniaNewProfile qa again refuses to overwrite: ' .. tostring(refused))
  vim.cmd('InsomniaNewProfile ../x')
  local bad = note_since(n, 'letters')
  check(bad ~= nil, ':InsomniaNewProfile ../x is refused: ' .. tostring(bad))
  vim.cmd('buffer ' .. buf)
  vim.cmd('edit!') -- the appended comment

  local wait_client_buf = wait(function()
    local c = insomnia_client(buf)
    return c and c.initialized
  end, 20000)
  check(wait_client_buf, 'client attached to qa.nix')
  check(wait_lenses(buf, function(t)
    return vim.tbl_contains(t, 'Add to project profiles')
  end), 'qa.nix has the lens "Add to project profiles"')
  snapshot('new-profile-lens')
  run_lens(buf, 'Add to project profiles')
  local listed = wait(function()
    return (read(env.E2E_TOML) or ''):find('\nqa = "profiles/qa.nix"', 1, true) ~= nil
  end, 20000)
  check(listed, '"Add to project profiles" wrote qa = "profiles/qa.nix" to profiles.toml on disk', read(env.E2E_TOML))
  local tbuf = vim.fn.bufnr(env.E2E_TOML)
  check(tbuf == -1 or not vim.bo[tbuf].modified, 'profiles.toml buffer has no unsaved changes after adding')
  check(wait_lenses(buf, function(t)
    return find(t, function(x)
      return x:find('profile: project:qa', 1, true)
    end)
  end), 'the lens now names project:qa')
  snapshot('added-to-project-profiles', { '-- profiles.toml on disk:', read(env.E2E_TOML) })
end

-- Point 3: the "Set as default" lens writes profiles.toml to disk (applyEdit, then
-- the plugin saves the buffer it edited), and the head lens follows.
local function lens_set_default(file, name)
  local buf = open(file)
  local ok = wait_lenses(buf, function(t)
    return vim.tbl_contains(t, 'Set as default')
  end)
  if not check(ok, vim.fn.fnamemodify(file, ':t') .. ' has the lens "Set as default"') then
    return
  end
  run_lens(buf, 'Set as default')
  check(wait(function()
    return toml_default() == name
  end, 20000), 'point 3: the "Set as default" lens on ' .. vim.fn.fnamemodify(file, ':t') .. ' wrote default = "'
    .. name .. '" to profiles.toml on disk', 'profiles.toml on disk:\n' .. tostring(read(env.E2E_TOML)))
  local tbuf = vim.fn.bufnr(env.E2E_TOML)
  check(tbuf == -1 or not vim.bo[tbuf].modified, 'profiles.toml buffer has no unsaved changes after the lens')
  local head = 'profile: project:' .. name .. ' (default)'
  check(wait_lenses(buf, function(t)
    return t[1] == head
  end), 'point 7: the head lens now reads exactly "' .. head .. '"', table.concat(lens_titles(buf), ' | '))
  snapshot('set-default-lens-' .. name, { '-- profiles.toml on disk:', read(env.E2E_TOML) })
end

-- Edits buf (unsaved) with fn, then returns the diagnostics once an evaluation of the
-- edited text ended and they stopped changing.
local function edit_and_settle(buf, fn)
  local since = require('insomnia').status_info(buf)
  fn()
  await_eval(buf, since)
  return settled_diagnostics(buf)
end

-- Asks for code actions where the cursor is (vim.lsp.buf.code_action(), as a user
-- does) and picks `choose`; returns every title offered (nil: none came).
local function code_actions(choose)
  local labels
  local real = vim.ui.select
  vim.ui.select = function(items, o, on_choice)
    if o.prompt ~= 'Code actions:' then
      return real(items, o, on_choice)
    end
    labels = vim.tbl_map(o.format_item, items)
    out('  vim.ui.select "%s": %s -> %s', o.prompt, table.concat(labels, ' | '), tostring(choose))
    on_choice(find(items, function(it)
      return o.format_item(it) == choose
    end))
  end
  local n = #notes
  vim.lsp.buf.code_action()
  wait(function()
    return labels ~= nil or note_since(n, 'No code actions') ~= nil
  end, 20000)
  vim.ui.select = real
  return labels
end

local function restore(buf, lines)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.cmd('buffer ' .. buf)
  vim.cmd('silent write')
end

local function spawn_lens(t)
  return find(t, function(x)
    return x:find('^Spawn pod') ~= nil
  end)
end

-- Points 1, 2, 7 on the missing ';': deleting the ';' after `pod.name = "coder"`
-- gives one diagnostic; its quick fix "Insert ';'" is offered and, applied, leaves the
-- file without diagnostics; saved, the Spawn lens is back.
local function test_missing_semicolon()
  -- One window from here on (the pod terminals stay, hidden), so a screenshot shows
  -- the whole profile.
  vim.o.hidden = true
  pcall(vim.cmd, 'silent! only')
  vim.cmd('stopinsert') -- left by a pod terminal's startinsert
  local buf = open(env.E2E_HOVER_FILE)
  local orig = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row, e
  for i, l in ipairs(orig) do
    local _, stop = l:find('pod.name = "coder";', 1, true)
    if stop and not row then
      row, e = i - 1, stop
    end
  end
  if not check(row ~= nil, 'coder.nix has `pod.name = "coder";`') then
    return
  end
  wait_lenses(buf, function(t)
    return spawn_lens(t) == 'Spawn pod'
  end)
  local ds = edit_and_settle(buf, function()
    vim.api.nvim_buf_set_text(buf, row, e - 1, row, e, { '' })
  end)
  show_diagnostics(buf)
  local d = ds[1]
  check(#ds == 1 and d.message == MISSING_SEMI and d.code == 'syntax-error' and d.lnum == row and d.col == e - 1,
    string.format('point 1: without the ";" after pod.name = "coder": exactly one diagnostic, %d:%d [syntax-error] "%s"',
      row + 1, e, MISSING_SEMI), #ds .. ': ' .. diag_lines(ds))
  check(not find(ds, function(x)
    return x.message:find("unexpected '='", 1, true) ~= nil
  end), "point 1: Nix's \"syntax error, unexpected '=', expecting ';'\" is not published", diag_lines(ds))
  -- Point 7 (current, consistent): the Spawn lens says why a spawn is refused, in
  -- the words of the one diagnostic.
  local refused = 'Spawn pod (fix 1 error first)'
  check(wait_lenses(buf, function(t)
    return spawn_lens(t) == refused
  end), 'point 7: while the ";" is missing the lens reads exactly "' .. refused .. '"', table.concat(lens_titles(buf), ' | '))
  snapshot('missing-semicolon-one-diagnostic')

  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  local labels = code_actions("Insert ';'")
  check(labels ~= nil and vim.tbl_contains(labels, "Insert ';'"),
    "point 2: the code actions on that line offer \"Insert ';'\"", table.concat(labels or { 'none' }, ' | '))
  snapshot('missing-semicolon-code-actions', vim.tbl_map(function(l)
    return 'vim.ui.select "Code actions:": ' .. l
  end, labels or {}))
  local fixed = wait(function()
    return vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1] == orig[row + 1]
  end, 10000)
  check(fixed, "point 2: applying \"Insert ';'\" puts the ';' back", vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1])
  local since = require('insomnia').status_info(buf)
  await_eval(buf, since)
  ds = settled_diagnostics(buf)
  show_diagnostics(buf)
  check(#ds == 0, "point 2: after \"Insert ';'\" coder.nix has no diagnostics", diag_lines(ds))
  snapshot('missing-semicolon-fixed')
  local t0 = now_ms()
  vim.cmd('silent write')
  local back = wait_lenses(buf, function(t)
    return spawn_lens(t) == 'Spawn pod'
  end)
  check(back, string.format('point 7: saved, the lens reads "Spawn pod" again (%.1f s)', (now_ms() - t0) / 1000),
    table.concat(lens_titles(buf), ' | '))
  if not fixed then
    restore(buf, orig)
  end
end

-- A key shaped like Anthropic's, made now (never a committed literal), as the
-- hostile harness makes its canary.
local function pasted_key()
  math.randomseed(vim.loop.hrtime() % 2147483647)
  local hex = {}
  for i = 1, 32 do
    hex[i] = string.format('%x', math.random(0, 15))
  end
  return 'sk-ant-CANARY' .. table.concat(hex) .. 'AAAA'
end

-- The plaintext-secret message for a key at model.auth (the id it suggests captured).
local function plaintext_pattern(key)
  return '^' .. vim.pesc(string.format('plaintext credential in model.auth (%s…(%d chars)): store it in the secret store and write secrets.ref "',
    key:sub(1, 4), #key)) .. '([%w%.%-_]+)"$'
end

-- Points 1, 2, 7 on a pasted key: one plaintext-secret diagnostic, the lens says
-- "Spawn pod (fix 1 error first)"; the quick fix applied removes the diagnostic and,
-- saved, the Spawn lens is back.
local function test_plaintext()
  local buf = open(env.E2E_HOVER_FILE)
  local orig = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row
  for i, l in ipairs(orig) do
    row = row or (l:find('pod.name = "coder";', 1, true) and i)
  end
  local key = pasted_key()
  local ds = edit_and_settle(buf, function()
    vim.api.nvim_buf_set_lines(buf, row, row, false, { '      model.auth = "' .. key .. '";' })
  end)
  show_diagnostics(buf)
  local pt = vim.tbl_filter(function(x)
    return x.code == 'plaintext-secret'
  end, ds)
  -- The id the store has (llm.anthropic.default): the fix then leaves no error.
  local id = 'llm.anthropic.default'
  local got = pt[1] and pt[1].message:match(plaintext_pattern(key))
  check(#pt == 1 and got == id, string.format('point 1: a pasted key at model.auth: exactly one plaintext-secret diagnostic "%s"',
    string.format('plaintext credential in model.auth (%s…(%d chars)): store it in the secret store and write secrets.ref "%s"',
      key:sub(1, 4), #key, id)), #pt .. ': ' .. diag_lines(ds))
  check(#ds == 1, 'point 1: and no other diagnostic for that one mistake', diag_lines(ds))
  check(not find(ds, function(x)
    return x.message:find(key, 1, true) ~= nil
  end), 'point 1: no diagnostic shows the key itself')
  local broken_lens = 'Spawn pod (fix 1 error first)'
  check(wait_lenses(buf, function(t)
    return spawn_lens(t) == broken_lens
  end), 'point 7: the lens reads exactly "' .. broken_lens .. '"', table.concat(lens_titles(buf), ' | '))
  snapshot('plaintext-one-diagnostic')
  if not pt[1] then
    return restore(buf, orig)
  end
  local title_ok = function(l)
    return l:match('^Replace with [%w%.]*secrets%.ref "' .. vim.pesc(id) .. '"$') ~= nil
  end
  -- The fix's title as the server words it (it names the store id again).
  vim.api.nvim_win_set_cursor(0, { pt[1].lnum + 1, pt[1].col })
  local labels = code_actions(nil)
  local title = labels and find(labels, title_ok)
  check(title ~= nil, 'point 2: the code actions offer "Replace with …secrets.ref \"' .. id .. '\"": ' .. tostring(title),
    table.concat(labels or { 'none' }, ' | '))
  -- Without that one, the fix offered is applied all the same (what a user would
  -- pick), so the checks below say what it leads to.
  title = title or (labels and find(labels, function(l)
    return l:match('^Replace with [%w%.]*secrets%.ref "') ~= nil
  end))
  if title then
    code_actions(title)
  end
  local since = require('insomnia').status_info(buf)
  local gone = wait(function()
    return not table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'):find(key, 1, true)
  end, 10000)
  check(gone, 'point 2: the fix replaced the key in the buffer: ' .. tostring(vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]))
  await_eval(buf, since)
  ds = settled_diagnostics(buf)
  show_diagnostics(buf)
  check(not find(ds, function(x)
    return x.code == 'plaintext-secret'
  end), 'point 2: after the fix no plaintext-secret diagnostic is left', diag_lines(ds))
  check(#ds == 0, 'point 2: after the fix coder.nix has no diagnostics', diag_lines(ds))
  snapshot('plaintext-fixed')
  local t0 = now_ms()
  vim.cmd('silent write')
  check(wait_lenses(buf, function(t)
    return spawn_lens(t) == 'Spawn pod'
  end), string.format('point 7: saved, "%s" turned into "Spawn pod" (%.1f s)', broken_lens, (now_ms() - t0) / 1000),
    table.concat(lens_titles(buf), ' | '))
  restore(buf, orig)
  await_eval(buf, since)
end

-- Point 1 on an unknown secret id: one secret-unknown diagnostic, naming the id the
-- store has.
local function test_unknown_secret()
  local buf = open(env.E2E_HOVER_FILE)
  local orig = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local row, s, e
  for i, l in ipairs(orig) do
    local a, b = l:find('"llm.anthropic.default"', 1, true)
    if a and not row then
      row, s, e = i - 1, a, b
    end
  end
  if not check(row ~= nil, 'coder.nix names the secret "llm.anthropic.default"') then
    return
  end
  local ds = edit_and_settle(buf, function()
    vim.api.nvim_buf_set_text(buf, row, s - 1, row, e, { '"llm.anthropic.team"' })
  end)
  show_diagnostics(buf)
  local want = 'secret "llm.anthropic.team" is not in the secret store; did you mean "llm.anthropic.default"?'
  check(#ds == 1 and ds[1].code == 'secret-unknown' and ds[1].message == want,
    'point 1: an unknown secret id: exactly one diagnostic [secret-unknown] "' .. want .. '"', #ds .. ': ' .. diag_lines(ds))
  snapshot('unknown-secret-one-diagnostic')
  local since = require('insomnia').status_info(buf)
  restore(buf, orig)
  await_eval(buf, since)
  ds = settled_diagnostics(buf)
  check(#ds == 0, 'coder.nix restored: no diagnostics', diag_lines(ds))
end

-- Point 7: the lens texts of the default profile, exactly, and no lens of the run
-- showed an absolute path.
local function test_lens_texts()
  local buf = open(env.E2E_HOVER_FILE)
  wait_lenses(buf, function(t)
    return t[1] == 'profile: project:coder (default)' and spawn_lens(t) == 'Spawn pod'
  end)
  local t = lens_titles(buf)
  check(t[1] == 'profile: project:coder (default)' and t[2] == 'Spawn pod',
    'point 7: coder.nix\'s lenses begin exactly "profile: project:coder (default) | Spawn pod"', table.concat(t, ' | '))
  snapshot('lenses-coder')
  local abs = {}
  for title, after in pairs(seen_titles) do
    if title:find('^/') or title:find('[%s:(]/') or title:find(env.INSOMNIA_HOME, 1, true) then
      table.insert(abs, '"' .. title .. '" (first seen after the check "' .. after .. '")')
    end
  end
  local n = vim.tbl_count(seen_titles)
  check(n > 0 and #abs == 0, 'point 7: none of the ' .. n .. ' lens titles shown in this run has an absolute path',
    table.concat(abs, ' | '))
end

-- 0. Trust (lua/insomnia/trust.lua). The plugin's question is answered by this stub;
-- every time it is asked is recorded. Other vim.ui.select calls are the tests' own.
local prompts, answer = {}, 'Stay restricted'
local real_select = vim.ui.select
vim.ui.select = function(items, o, on_choice)
  if o.prompt and o.prompt:find('insomnia: trust', 1, true) then
    table.insert(prompts, o.prompt)
    out('  trust prompt "%s" [%s] -> %s', o.prompt, table.concat(items, ' / '), answer)
    return on_choice(answer)
  end
  return real_select(items, o, on_choice)
end

-- The roots in the trust file, as a set; nil when it is not valid JSON.
local function trust_file()
  local ok, data = pcall(vim.json.decode, read(env.E2E_TRUST_FILE) or '')
  if not ok or type(data) ~= 'table' or type(data.trusted) ~= 'table' then
    return nil
  end
  local set = {}
  for _, r in ipairs(data.trusted) do
    set[r] = true
  end
  return set
end

-- The live (not stopping) insomnia client of buf whose init_options.trusted is want;
-- a client being replaced stays attached for a moment, so all of them are looked at.
local function wait_client(buf, want)
  local found
  wait(function()
    for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
      if c.name == 'insomnia' and vim.lsp.buf_is_attached(buf, c.id) and c.initialized
        and not call_client(c, 'is_stopped') and c.config.init_options.trusted == want then
        found = c
        return true
      end
    end
  end, 20000)
  return found
end

local function in_file(root)
  local set = trust_file()
  return set ~= nil and set[root] == true
end

-- 0a. Startup with a corrupt trust file (written by scripts/e2e-neovim.sh): the
-- server starts anyway, restricted, and the question is asked once per root.
local function test_new_root_restricted()
  local buf, attached = open(env.E2E_HOVER_FILE)
  check(attached, 'a corrupt trust file does not break startup')
  if not attached then
    return
  end
  local root = env.E2E_ROOT_REAL
  wait(function()
    return #prompts > 0
  end, 10000)
  check(#prompts == 1 and prompts[1]:find(root, 1, true), 'a new root asks the trust question once, naming ' .. root,
    #prompts .. ' prompts: ' .. table.concat(prompts, ' | '))
  local c = insomnia_client(buf)
  local init = c.config.init_options
  out('  init_options: %s', vim.json.encode(init))
  check(init.trusted == false, 'the new root starts restricted: init_options.trusted = false',
    'trusted=' .. tostring(init.trusted))
  check(init.nixPath == nil, 'restricted: nixPath (a program) is not sent', 'nixPath=' .. tostring(init.nixPath))
  local section = c.config.settings.insomnia
  check(type(section) == 'table' and section.trusted == nil,
    'setup({settings = {trusted = true}}) is ignored: no trusted in workspace/configuration answers')
  local messages = vim.api.nvim_exec('messages', true)
  check(messages:find('settings.trusted is ignored', 1, true) ~= nil, 'setup() warned that settings.trusted is ignored',
    ':messages: ' .. messages)
  check(find(notes, function(n)
    return n:find('ignoring ' .. env.E2E_TRUST_FILE, 1, true)
  end) ~= nil, 'the corrupt trust file is reported')
  local status = require('insomnia').status(buf)
  out('  require("insomnia").status() = "%s"', status)
  check(status:find('restricted', 1, true) ~= nil, 'the statusline item says "restricted"')

  open(env.E2E_SETDEF_FILE) -- another buffer, same root: no second question
  vim.wait(500)
  check(#prompts == 1, 'a second buffer of the same root does not ask again', #prompts .. ' prompts')
  vim.cmd('edit ' .. vim.fn.fnameescape(env.E2E_HOVER_FILE))
end

-- 0b. [server side of trust] A restricted server offers no "Spawn pod" lens and
-- refuses insomnia.spawnPod.
local function test_restricted_server()
  local buf = vim.api.nvim_get_current_buf()
  local c = insomnia_client(buf)
  wait_lenses(buf, function(t)
    return find(t, function(x)
      return x:find('project:', 1, true)
    end)
  end)
  local spawn = find(lens_titles(buf), function(x)
    return x:find('^Spawn pod') or x:find('^Resume')
  end)
  check(spawn == nil, '[server] restricted: no "Spawn pod" or "Resume" lens, not even a disabled one', spawn)
  local params = { command = 'insomnia.spawnPod', arguments = { { profile = vim.uri_from_bufnr(buf), name = 'e2e-restricted' } } }
  local res = call_client(c, 'request_sync', 'workspace/executeCommand', params, 20000, buf) or {}
  local msg = res.err and tostring(res.err.message) or ('no error, result ' .. vim.inspect(res.result))
  out('  restricted spawnPod -> %s', msg)
  check(msg:find('blocked in restricted mode', 1, true) ~= nil, '[server] restricted: spawnPod is refused', msg)
end

-- 0c. :InsomniaTrust writes the real path of the root and restarts its server with
-- trusted = true; :InsomniaUntrust reverses both. On 0.9+ the plugin mirrors the
-- decision into vim.secure's database: a stub records the calls here (0.7 has none).
local function test_trust_commands()
  local buf = vim.api.nvim_get_current_buf()
  local root = env.E2E_ROOT_REAL
  local old = insomnia_client(buf)
  local real_secure, calls = vim.secure, {}
  vim.secure = { trust = function(o)
    table.insert(calls, o.action .. ' ' .. tostring(o.path))
    return true, o.path
  end }
  vim.cmd('InsomniaTrust')
  check(in_file(root), ':InsomniaTrust writes ' .. root .. ' to the trust file', read(env.E2E_TRUST_FILE))
  local c = wait_client(buf, true)
  check(c ~= nil and c.id ~= old.id, ':InsomniaTrust restarts the server with init_options.trusted = true')
  check(c and c.config.init_options.nixPath == 'nix-instantiate', 'trusted: nixPath is sent')
  check(wait(function()
    return call_client(old, 'is_stopped')
  end, 10000), 'the restricted server was stopped')
  check(not require('insomnia').status(buf):find('restricted', 1, true), 'the statusline item no longer says "restricted"')

  vim.cmd('InsomniaUntrust')
  check(trust_file() ~= nil and not in_file(root), ':InsomniaUntrust removes the root from the trust file',
    read(env.E2E_TRUST_FILE))
  check(wait_client(buf, false) ~= nil, ':InsomniaUntrust restarts the server with init_options.trusted = false')
  check(#prompts == 1, 'no trust question after the commands', #prompts .. ' prompts')
  out('  vim.secure.trust calls: %s', table.concat(calls, ', '))
  check(vim.deep_equal(calls, { 'remove ' .. root, 'deny ' .. root }),
    'vim.secure.trust: a trust lifts a deny, an untrust denies', table.concat(calls, ', '))

  -- A root denied in Neovim's own database stays restricted though the list has it.
  local t = require('insomnia.trust')
  local db = t.nvim_db
  t.nvim_db = function()
    return env.E2E_NVIM_DB
  end
  t.add(root)
  local f = assert(io.open(env.E2E_NVIM_DB, 'w'))
  f:write('! ' .. root .. '\n')
  f:close()
  check(t.is_trusted(root) == false, 'a root denied by vim.secure (:trust ++deny) is not trusted')
  os.remove(env.E2E_NVIM_DB)
  check(t.is_trusted(root) == true, 'without the deny the listed root is trusted')
  t.nvim_db, vim.secure = db, real_secure

  -- The remaining tests spawn pods and need unrestricted evaluation.
  vim.cmd('InsomniaTrust')
  check(wait_client(buf, true) ~= nil, ':InsomniaTrust again: trusted for the tests below')
end

-- 0d. Answering "Trust" to the question records the root (by its real path, though
-- the buffer reached it through a symlink) and restarts its server trusted.
local function test_prompt_trust()
  answer = 'Trust'
  local buf, attached = open(env.E2E_OTHER_FILE)
  if not attached then
    return
  end
  check(wait(function()
    return #prompts == 2
  end, 10000), 'a second root asks its own question', #prompts .. ' prompts')
  check(wait_client(buf, true) ~= nil, 'answering "Trust" restarts that server with trusted = true')
  check(in_file(env.E2E_OTHER_REAL) and in_file(env.E2E_ROOT_REAL),
    'the trust file holds both roots by their real paths', read(env.E2E_TRUST_FILE))
  answer = 'Stay restricted'
end

local ok, err = pcall(function()
  test_new_root_restricted()
  test_restricted_server()
  test_trust_commands()
  test_prompt_trust()
  test_broken()
  test_hover()
  test_resolved()
  test_inlay()
  test_diff()
  test_lenses_and_pods()
  test_no_stale_lenses()
  test_pod_verbs()
  test_profiles()
  test_set_default()
  test_new_profile()
  -- Issue 17 (points 1, 2, 3, 7), on the default profile made default by its lens.
  lens_set_default(env.E2E_HOVER_FILE, env.E2E_DEFAULT)
  test_missing_semicolon()
  test_plaintext()
  test_unknown_secret()
  test_lens_texts()
  -- Issue 15 flow through the lens, leaving the default the shell script checks.
  lens_set_default(env.E2E_SETDEF_FILE, env.E2E_SETDEF_NAME)
end)
check(ok, 'test script ran to the end', tostring(err))
out('nvim checks: %d failed', u.failed)
vim.cmd(u.failed == 0 and 'qa!' or 'cquit! 1')
