-- Minimal init for the headless end-to-end test (scripts/e2e-neovim.sh): only
-- this plugin, no user config, no shada, no swap files.
local plugin = vim.env.INSOMNIA_NVIM_PLUGIN
vim.opt.runtimepath:prepend(plugin)
vim.opt.shadafile = 'NONE'
vim.opt.swapfile = false
vim.opt.updatetime = 100
vim.cmd('filetype on')
vim.cmd('runtime plugin/insomnia.lua')
vim.lsp.set_log_level(vim.env.INSOMNIA_NVIM_LOG_LEVEL or 'warn')

-- settings.trusted must be ignored (an exrc could pass it) and nixPath, a program,
-- must be sent only for a trusted root: e2e.lua checks both.
require('insomnia').setup({
  cmd = { vim.env.INSOMNIA_LSP, 'serve' },
  settings = { nixPath = 'nix-instantiate', trusted = true, evaluation = { timeoutMs = 30000, debounceMs = 50 } },
  inlay_hints = true,
})
