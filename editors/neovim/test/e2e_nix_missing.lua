-- Issue 17 point 5 in Neovim: the plugin started with a PATH without Nix (the third
-- run of scripts/e2e-neovim.sh; the root is trusted, so nixPath = 'nix-instantiate'
-- is sent and not found). Expected: the message once, the statusline item
-- "Insomnia: Nix not found", the lens "Nix not found", static diagnostics still shown
-- (broken.nix's syntax error) and no nix-missing diagnostic.
local u = dofile(vim.env.E2E_NVIM_TEST .. '/util.lua')
local env, check, out, wait = vim.env, u.check, u.out, u.wait
local client_of, open = u.client_of, u.open
local MSG = 'Nix not found: profiles are not evaluated, static checks go on. Install Nix (e.g. apt-get install nix-bin) or set insomnia.nixPath.'

local function mentions(list)
  return vim.tbl_filter(function(m)
    return m:find('Nix not found', 1, true) ~= nil
  end, list)
end

local function test()
  check(vim.fn.exepath('nix-instantiate') == '', 'PATH has no nix-instantiate (' .. env.PATH .. ')')
  local coder = open(env.E2E_HOVER_FILE)
  local c = client_of(coder)
  check(c and c.config.init_options.trusted == true, 'the root is trusted (nixPath is sent)')
  wait(function()
    return #mentions(u.notes) > 0
  end, 30000)
  local head = 'Nix not found'
  local lens_ok = u.wait_lenses(coder, function(t)
    return t[1] == head
  end, 30000)
  local broken = open(env.E2E_BROKEN)
  local ds = u.settled_diagnostics(broken, 3000)
  vim.cmd('buffer ' .. coder)
  vim.wait(3000) -- time for a second message, if one were coming
  local notes = mentions(u.notes)
  check(#notes == 1 and (notes[1] == MSG or notes[1] == 'insomnia: ' .. MSG),
    'point 5: exactly one vim.notify message "' .. MSG .. '"', #notes .. ': ' .. table.concat(notes, ' | '))
  check(#mentions(u.writes) == 0, 'point 5: and no other message about it (echo area)', table.concat(mentions(u.writes), ' | '))
  local st = require('insomnia').status(coder)
  out('  require("insomnia").status() = "%s"', st)
  check(st == 'Insomnia: Nix not found', 'point 5: the statusline function returns "Insomnia: Nix not found"', st)
  check(lens_ok, 'point 5: coder.nix\'s head lens reads exactly "' .. head .. '"', table.concat(u.lens_titles(coder), ' | '))
  local virt = u.virt_text(coder)[0] or ''
  check(virt:find(head, 1, true) ~= nil, 'point 5: line 1 shows the lens "' .. head .. '" as virtual text', virt)
  u.snapshot('nix-missing', 'coder-lens-statusline', { '-- statusline: ' .. st })

  local want = "syntax error, missing ';' before identifier"
  check(#ds == 1 and ds[1].code == 'syntax-error' and ds[1].message == want,
    'point 5: static checks go on: broken.nix has exactly one diagnostic [syntax-error] "' .. want .. '"', u.diag_lines(ds))
  vim.cmd('buffer ' .. broken)
  u.snapshot('nix-missing', 'broken-static-diagnostic')
  local missing = vim.tbl_filter(function(d)
    return d.code == 'nix-missing' or d.message:find('needs Nix', 1, true) or d.message:find('Nix not found', 1, true)
  end, vim.diagnostic.get())
  check(#missing == 0, 'point 5: no nix-missing diagnostic in any buffer', u.diag_lines(missing))
end

local ok, err = pcall(test)
u.finish(ok, err)
