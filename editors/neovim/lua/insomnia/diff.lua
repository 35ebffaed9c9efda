-- :InsomniaDiff {a} {b}: two profiles' resolved manifests side by side in a new tab
-- with 'diff' on; the drift lens's Compare diffs a pod's saved snapshot against its
-- profile today. execute is init.lua's server-command runner.
local M = {}

local function scratch(name, text)
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, name)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { plain = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'json'
  vim.cmd('diffthis')
  return buf
end

-- show opens a tab: left, then right (a vertical split), both in diff mode.
function M.show(left_name, left, right_name, right)
  vim.cmd('tabnew')
  scratch('insomnia://diff/' .. left_name, left)
  vim.cmd('rightbelow vnew')
  scratch('insomnia://diff/' .. right_name, right)
end

local function json_text(result)
  if type(result.json) == 'string' then
    return result.json
  end
  if result.json == nil or result.json == vim.NIL then
    return '// ' .. tostring(result.message or 'no resolved manifest yet')
  end
  return vim.json.encode(result.json)
end

-- A profile named by qualified name (project:coder), bare name (coder) or file.
local function target(list, sel)
  for _, p in ipairs(list) do
    if p.qualifiedName == sel or p.name == sel then
      return p.path, p.qualifiedName
    end
  end
  return vim.fn.fnamemodify(sel, ':p'), sel
end

function M.profiles(execute, a, b)
  execute('insomnia.listProfiles', {}, function(list)
    local pa, na = target(list, a)
    local pb, nb = target(list, b)
    execute('insomnia.showResolvedManifest', { uri = vim.uri_from_fname(pa) }, function(ra)
      execute('insomnia.showResolvedManifest', { uri = vim.uri_from_fname(pb) }, function(rb)
        M.show(na, json_text(ra), nb, json_text(rb))
      end)
    end)
  end)
end

function M.pod(execute, name)
  execute('insomnia.podSnapshot', { name = name }, function(r)
    local why = '// ' .. tostring(r.message or 'nothing to show')
    local saved = type(r.saved) == 'string' and r.saved ~= '' and r.saved or why
    local current = type(r.current) == 'string' and r.current ~= '' and r.current or why
    M.show(name .. ' (saved)', saved, tostring(r.profile or 'profile') .. ' (today)', current)
  end)
end

return M
