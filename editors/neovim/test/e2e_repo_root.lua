-- Issue 15, Neovim half: the server rooted at the repository root (its only workspace
-- folder), through a plain client (repo_root_init.lua). Opening
-- examples/.insomnia/profiles/coder.nix shows `profile: project:coder (default)` and
-- evaluates clean; "Set as default" on reviewer.nix edits
-- examples/.insomnia/profiles.toml. Run by scripts/e2e-neovim.sh after the plugin's run.
local u = dofile(vim.env.E2E_NVIM_TEST .. '/util.lua')
local env, check, out, wait = vim.env, u.check, u.out, u.wait
local client_of, open = u.client_of, u.open
local REPO, TOML = env.E2E_REPO, env.E2E_TOML
local profiles = vim.fn.fnamemodify(TOML, ':h') .. '/profiles'

local function status(buf)
  local f = vim.api.nvim_buf_get_name(buf)
  return _G.e2e_statuses[vim.loop.fs_realpath(f) or f]
end

local function test()
  local coder = open(profiles .. '/coder.nix')
  local c = client_of(coder)
  if not c then
    return
  end
  local folders = vim.tbl_map(function(f)
    return vim.uri_to_fname(f.uri)
  end, c.workspace_folders or {})
  out('  root_dir %s, workspace folders: %s', tostring(c.config.root_dir), table.concat(folders, ', '))
  check(c.config.root_dir == REPO and #folders == 1 and folders[1] == REPO,
    'the client is rooted at the repository root ' .. REPO .. ' (root_dir and the only workspace folder)',
    'root_dir=' .. tostring(c.config.root_dir) .. ' folders=' .. table.concat(folders, ', '))

  local head = 'profile: project:coder (default)'
  check(u.wait_lenses(coder, function(t)
    return t[1] == head
  end), 'coder.nix: the head lens reads exactly "' .. head .. '"', table.concat(u.lens_titles(coder), ' | '))
  check(wait(function()
    local s = status(coder)
    return s and s.state == 'ok'
  end, 30000), 'coder.nix evaluates: insomnia/evaluationStatus "ok"', vim.inspect(status(coder)))
  local s = status(coder) or {}
  check(s.qualifiedName == 'project:coder' and s.isDefault == true, 'the status names project:coder, the default',
    tostring(s.qualifiedName) .. ' isDefault=' .. tostring(s.isDefault))
  local ds = u.settled_diagnostics(coder)
  check(#ds == 0, 'coder.nix evaluates clean: no diagnostics', u.diag_lines(ds))
  u.snapshot('repo-root', 'coder-lens')

  local reviewer = open(profiles .. '/reviewer.nix')
  check(u.wait_lenses(reviewer, function(t)
    return t[1] == 'profile: project:reviewer' and vim.tbl_contains(t, 'Set as default')
  end), 'reviewer.nix: lenses "profile: project:reviewer" and "Set as default"', table.concat(u.lens_titles(reviewer), ' | '))
  local before = u.read(TOML)
  u.run_lens(reviewer, 'Set as default')
  -- Without the plugin, Neovim applies the server's edit to a buffer of that file and
  -- leaves it unsaved (the plugin saves it; see the first run): the buffer must be
  -- examples/.insomnia/profiles.toml, then the user writes it.
  local tbuf
  wait(function()
    tbuf = vim.fn.bufnr(TOML)
    return tbuf ~= -1 and vim.bo[tbuf].modified
  end, 20000)
  local text = tbuf ~= -1 and table.concat(vim.api.nvim_buf_get_lines(tbuf, 0, -1, false), '\n') or ''
  check(tbuf ~= -1 and text:find('\ndefault = "reviewer"', 1, true) ~= nil,
    '"Set as default" on reviewer.nix edited the buffer of ' .. TOML .. ' to default = "reviewer"', text)
  local others = vim.tbl_filter(function(b)
    return vim.bo[b].modified and b ~= tbuf
  end, vim.api.nvim_list_bufs())
  check(#others == 0 and vim.fn.filereadable(REPO .. '/.insomnia/profiles.toml') == 0,
    'no other buffer edited and no ' .. REPO .. '/.insomnia/profiles.toml', vim.inspect(vim.tbl_map(vim.api.nvim_buf_get_name, others)))
  vim.cmd('silent wall')
  check(u.toml_default(TOML) == 'reviewer', 'after :wall, ' .. TOML .. ' on disk says default = "reviewer"', u.read(TOML))
  vim.cmd('buffer ' .. reviewer)
  check(u.wait_lenses(reviewer, function(t)
    return t[1] == 'profile: project:reviewer (default)'
  end), 'reviewer.nix: the head lens now reads exactly "profile: project:reviewer (default)"')
  u.snapshot('repo-root', 'reviewer-set-default', { '-- profiles.toml on disk:', u.read(TOML) })

  -- Restore the e2e's copy.
  vim.cmd('bwipeout! ' .. tbuf)
  u.write(TOML, before)
  check(u.read(TOML) == before and u.toml_default(TOML) == 'coder', 'profiles.toml restored (default = "coder")')
end

local ok, err = pcall(test)
u.finish(ok, err)
