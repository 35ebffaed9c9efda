-- Inlay hints of resolved values as end-of-line virtual text: Neovim 0.7 has no
-- inlay hints, so the plugin asks textDocument/inlayHint itself (behind the
-- `inlay_hints` option of setup) and draws the labels with extmarks.
local M = {}

local ns = vim.api.nvim_create_namespace('insomnia_inlay')
local attached = {} -- bufnr -> client id, for buffers that show hints

local call = require('insomnia.client').call

local function label_text(label)
  if type(label) == 'string' then
    return label
  end
  local parts = {}
  for _, p in ipairs(type(label) == 'table' and label or {}) do
    table.insert(parts, tostring(p.value or ''))
  end
  return table.concat(parts)
end

-- draw replaces the buffer's hints: one virtual text per line, at its end.
local function draw(bufnr, hints)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local by_line = {}
  for _, h in ipairs(hints or {}) do
    local line = h.position and h.position.line
    if type(line) == 'number' then
      by_line[line] = by_line[line] or {}
      table.insert(by_line[line], label_text(h.label))
    end
  end
  for line, labels in pairs(by_line) do
    -- The buffer may have shrunk since the request: skip lines that are gone.
    pcall(vim.api.nvim_buf_set_extmark, bufnr, ns, line, 0,
      { virt_text = { { table.concat(labels, '  '), 'Comment' } }, virt_text_pos = 'eol' })
  end
end

-- refresh asks the server for the hints of the whole buffer and draws them.
function M.refresh(bufnr)
  local client = attached[bufnr] and vim.lsp.get_client_by_id(attached[bufnr])
  if not client or not vim.api.nvim_buf_is_valid(bufnr) then
    attached[bufnr] = nil
    return
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 } },
  }
  call(client, 'request', 'textDocument/inlayHint', params, function(err, result)
    if not err and vim.api.nvim_buf_is_valid(bufnr) then
      draw(bufnr, result)
    end
  end, bufnr)
end

-- refresh_all: after workspace/inlayHint/refresh or an evaluation status.
function M.refresh_all()
  for bufnr in pairs(attached) do
    M.refresh(bufnr)
  end
end

-- attach shows hints in bufnr from now on, refreshed when the text settles.
function M.attach(client, bufnr)
  attached[bufnr] = client.id
  local group = vim.api.nvim_create_augroup('insomnia_inlay_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'TextChanged', 'BufWritePost' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.refresh(bufnr)
    end,
  })
  M.refresh(bufnr)
end

-- marks lists the hints drawn in bufnr as { line (0-based), text }, for tests.
function M.marks(bufnr)
  local out = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })) do
    local chunks = m[4] and m[4].virt_text or {}
    table.insert(out, { line = m[2], text = chunks[1] and chunks[1][1] or '' })
  end
  return out
end

return M
