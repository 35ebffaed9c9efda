-- What the plugin's modules share about Neovim's LSP client across versions.
local M = {}

-- Client methods take self from 0.11 on (client:request), not before.
function M.call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

return M
