-- Helpers shared by the three Neovim runs of scripts/e2e-neovim.sh (e2e.lua,
-- e2e_repo_root.lua, e2e_nix_missing.lua): PASS/FAIL lines, waits, what the user
-- sees as text and as a screenshot.
local M = {}
local env = vim.env
M.TIMEOUT = tonumber(env.E2E_TIMEOUT_MS) or 60000
M.failed = 0
M.notes = {} -- every vim.notify message
M.writes = {} -- every nvim_out_write / nvim_err_write (0.7 prints showMessage there)

-- E2E_OUT: where the lines go with a screen (tmux, for screenshots), else stdout.
local out_file = env.E2E_OUT and assert(io.open(env.E2E_OUT, 'a'))
function M.out(fmt, ...)
  local f = out_file or io.stdout
  f:write(string.format(fmt, ...) .. '\n')
  f:flush()
end

if env.E2E_SHOTS then
  vim.o.statusline = "%f %{luaeval(\"pcall(require, 'insomnia') and require'insomnia'.status() or ''\")} %=%l:%c"
  vim.o.laststatus = 2
  vim.o.more = false
  vim.o.shortmess = vim.o.shortmess .. 'F'
  vim.cmd('syntax on')
end

-- capture asks the script for a screenshot (tmux capture-pane) and waits for it.
function M.capture(name, last)
  if not env.E2E_SHOTS then
    return
  end
  vim.cmd('redraw!')
  -- The redraw clears the message line: the last message since the previous
  -- picture (shown when it came) is shown again.
  if last then
    vim.api.nvim_echo({ { (last:gsub('\n', ' ')):sub(1, vim.o.columns - 12) } }, false, {})
  end
  vim.cmd('redraw') -- flushes the screen (vim.wait alone does not), the message kept
  local req = env.E2E_SHOTS .. '/' .. name .. '.req'
  vim.fn.writefile({}, req)
  vim.wait(5000, function()
    return vim.loop.fs_stat(req) == nil
  end, 50)
end

function M.check(ok, what, detail)
  if ok then
    M.out('PASS: %s', what)
  else
    M.failed = M.failed + 1
    M.out('FAIL: %s%s', what, detail and (' -- ' .. tostring(detail)) or '')
  end
  return ok
end

vim.notify = function(msg, level)
  table.insert(M.notes, tostring(msg))
  M.out('  nvim notify [%s]: %s', tostring(level), tostring(msg))
  if env.E2E_SHOTS then -- on the screen too, on one line
    local line = tostring(msg):gsub('\n', ' ')
    vim.api.nvim_echo({ { line:sub(1, vim.o.columns - 12), level == vim.log.levels.WARN and 'WarningMsg' or 'Normal' } }, false, {})
  end
end
for _, f in ipairs({ 'nvim_out_write', 'nvim_err_write', 'nvim_err_writeln' }) do
  local real = vim.api[f]
  vim.api[f] = function(s)
    table.insert(M.writes, tostring(s))
    M.out('  nvim %s: %s', f, (tostring(s):gsub('\n$', '')))
    return real(s)
  end
end

function M.wait(pred, ms)
  return vim.wait(ms or M.TIMEOUT, pred, 100)
end

function M.find(list, pred)
  for _, x in ipairs(list) do
    if pred(x) then
      return x
    end
  end
end

-- Runs the lens titled `title` on line 1 of buf (codelens.run asks which
-- when the line has several, as a user picks in the list).
function M.run_lens(buf, title)
  vim.cmd('buffer ' .. buf)
  local real = vim.ui.select
  vim.ui.select = function(items, o, on_choice)
    if o.prompt ~= 'Code lenses:' then
      return real(items, o, on_choice)
    end
    on_choice(M.find(items, function(it)
      return o.format_item(it) == title
    end))
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.lsp.codelens.run()
  vim.ui.select = real
end

function M.read(path)
  local f = io.open(path)
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

function M.write(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

function M.toml_default(path)
  return ('\n' .. (M.read(path) or '')):match('\n%s*default%s*=%s*"([^"]*)"')
end

function M.now_ms()
  return vim.loop.hrtime() / 1e6
end

-- The diagnostics of buf once they stopped changing for quiet_ms.
function M.settled_diagnostics(buf, quiet_ms)
  local function sig()
    return table.concat(vim.tbl_map(function(d)
      return string.format('%d:%d:%s:%s', d.lnum, d.col, tostring(d.code), d.message)
    end, vim.diagnostic.get(buf)), '|')
  end
  local last, since = sig(), M.now_ms()
  M.wait(function()
    local cur = sig()
    if cur ~= last then
      last, since = cur, M.now_ms()
    end
    return M.now_ms() - since >= (quiet_ms or 2000)
  end, 30000)
  return vim.diagnostic.get(buf)
end

function M.diag_lines(ds)
  return table.concat(vim.tbl_map(function(d)
    return string.format('%d:%d [%s] %s', d.lnum + 1, d.col + 1, tostring(d.code), d.message)
  end, ds), ' | ')
end

function M.lens_titles(buf)
  local titles = {}
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command then
      table.insert(titles, l.command.title)
    end
  end
  return titles
end

-- Waits until pred(titles) holds, refreshing the lenses now and then (CursorHold
-- for the plugin's autocmds, codelens.refresh for a plain client).
function M.wait_lenses(buf, pred, ms)
  local n = 0
  local ok = M.wait(function()
    n = n + 1
    if n % 10 == 1 then
      vim.cmd('doautocmd <nomodeline> CursorHold')
      pcall(vim.lsp.codelens.refresh)
    end
    return pred(M.lens_titles(buf))
  end, ms or 20000)
  M.out('  code lenses: %s', table.concat(M.lens_titles(buf), ' | '))
  return ok
end

-- The virtual text drawn on each line of buf (lenses, diagnostics), by 0-based line.
function M.virt_text(buf)
  local virt = {}
  for _, ns in pairs(vim.api.nvim_get_namespaces()) do
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
      for _, chunk in ipairs((m[4] or {}).virt_text or {}) do
        virt[m[2]] = (virt[m[2]] or '') .. '  ' .. chunk[1]
      end
    end
  end
  return virt
end

-- A text snapshot of what the user sees: the buffer's lines with their virtual
-- text, the statusline item and the messages since the last snapshot.
local snaps, seen_notes, seen_writes = 0, 0, 0
function M.snapshot(prefix, name, extra)
  if not env.E2E_ART then
    return
  end
  snaps = snaps + 1
  local buf = vim.api.nvim_get_current_buf()
  local lines = { '# ' .. vim.api.nvim_buf_get_name(buf) .. (vim.bo[buf].modified and ' [+]' or '') }
  local virt = M.virt_text(buf)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, 60, false)) do
    table.insert(lines, string.format('%3d  %s%s', i, l, virt[i - 1] or ''))
  end
  table.insert(lines, '-- messages:')
  local last = #M.notes > seen_notes and M.notes[#M.notes] or nil
  for i = seen_notes + 1, #M.notes do
    table.insert(lines, 'vim.notify: ' .. M.notes[i])
  end
  for i = seen_writes + 1, #M.writes do
    table.insert(lines, 'echo: ' .. (M.writes[i]:gsub('\n$', '')))
  end
  seen_notes, seen_writes = #M.notes, #M.writes
  for _, l in ipairs(extra or {}) do
    vim.list_extend(lines, vim.split(l, '\n', { plain = true }))
  end
  vim.fn.mkdir(env.E2E_ART, 'p')
  -- prefix names the run (nil for the first run's pictures: NN-name).
  local base = string.format('%s%02d-%s', prefix and (prefix .. '-') or '', snaps, name)
  vim.fn.writefile(lines, string.format('%s/%s.txt', env.E2E_ART, base))
  M.capture(base, last)
end

-- client_of is the insomnia client attached to buf (nil when none).
function M.client_of(buf)
  for _, c in ipairs(vim.lsp.get_active_clients()) do
    if c.name == 'insomnia' and vim.lsp.buf_is_attached(buf, c.id) then
      return c
    end
  end
end

-- open edits path and waits until the insomnia client is attached and initialized.
function M.open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  M.check(M.wait(function()
    local c = M.client_of(buf)
    return c and c.initialized
  end, 20000), 'client attached to ' .. vim.fn.fnamemodify(path, ':t'))
  return buf
end

function M.finish(ok, err)
  M.check(ok, 'test script ran to the end', tostring(err))
  M.out('nvim checks: %d failed', M.failed)
  vim.cmd(M.failed == 0 and 'qa!' or 'cquit! 1')
end

return M
