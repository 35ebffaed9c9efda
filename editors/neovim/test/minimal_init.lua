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

require('insomnia').setup({
  cmd = { vim.env.INSOMNIA_LSP, 'serve' },
  settings = { evaluation = { timeoutMs = 30000, debounceMs = 50 } },
})
