-- Init for the second Neovim run of scripts/e2e-neovim.sh (issue 15): no plugin, a
-- plain client the way the README's nvim-lspconfig set-up starts one, but with the
-- root pattern a user's generic config often has: the nearest `.git`, i.e. the
-- repository root, as root_dir and the only workspace folder. The root is trusted in
-- init_options, as the README's trusted_roots list does for a listed root.
vim.opt.shadafile = 'NONE'
vim.opt.swapfile = false
vim.opt.updatetime = 100
vim.cmd('filetype on')
vim.lsp.set_log_level(vim.env.INSOMNIA_NVIM_LOG_LEVEL or 'warn')

_G.e2e_statuses = {} -- real path -> last insomnia/evaluationStatus params

local function git_root(fname)
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  while true do
    if vim.loop.fs_stat(dir .. '/.git') then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end
_G.e2e_git_root = git_root

local settings = { nixPath = 'nix-instantiate', evaluation = { timeoutMs = 30000, debounceMs = 50 } }
local clients = {} -- root -> client id

vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'nix', 'toml' },
  callback = function(ev)
    local name = vim.api.nvim_buf_get_name(ev.buf)
    if vim.bo[ev.buf].filetype == 'toml' and vim.fn.fnamemodify(name, ':t') ~= 'profiles.toml' then
      return
    end
    local root = git_root(name)
    if not root then
      return
    end
    if not clients[root] then
      clients[root] = vim.lsp.start_client({
        name = 'insomnia',
        cmd = { vim.env.INSOMNIA_LSP, 'serve' },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        init_options = vim.tbl_extend('force', settings, { trusted = true }),
        settings = { insomnia = settings },
        handlers = {
          ['insomnia/evaluationStatus'] = function(_, p)
            _G.e2e_statuses[vim.loop.fs_realpath(vim.uri_to_fname(p.uri)) or vim.uri_to_fname(p.uri)] = p
          end,
        },
      })
    end
    vim.lsp.buf_attach_client(ev.buf, clients[root])
  end,
})
