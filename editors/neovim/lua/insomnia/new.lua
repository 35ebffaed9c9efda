-- :InsomniaNewProfile [name]: writes <root>/.insomnia/profiles/<name>.nix from a
-- template and opens it. Neovim 0.7 has no snippet engine, so a whole file is the
-- unit. The template is the VS Code extension's (editors/vscode/src/logic/newProfile.ts):
-- it evaluates as it is (no library import, whose path differs per project).
local M = {}

local uv = vim.uv or vim.loop

-- nil when usable, else why not: the name is also the file and the pod name.
function M.validate(name)
  if type(name) ~= 'string' or not name:match('^[A-Za-z0-9][A-Za-z0-9._-]*$') or #name > 100 then
    return 'use letters, digits, dots, dashes and underscores, starting with a letter or digit'
  end
  if name:match('%.nix$') then
    return 'give the name without .nix'
  end
end

function M.template(name)
  return table.concat({
    '# ' .. name .. ': what this pod is for, in one line.',
    '{',
    '  profile = {',
    '    format = "insomnia.nix-profile.v1";',
    '    name = "' .. name .. '";',
    '    description = "What this pod is for";',
    '  };',
    '  manifest = {',
    '    pod.name = "' .. name .. '";',
    '    model.ref = "anthropic/claude-sonnet-4-20250514";',
    '    worker.reasoning = "medium";',
    '    # Paths are relative to this file\'s folder: "../.." is the project.',
    '    scope.allow = [',
    '      { target = "../.."; permission = "read"; recursive = true; }',
    '    ];',
    '    permissions.default_action = "ask";',
    '  };',
    '}',
  }, '\n') .. '\n'
end

-- Writes the file (never over an existing one) and returns its path, or nil and why.
function M.write(root, name)
  local err = M.validate(name)
  if err then
    return nil, err
  end
  local dir = root .. '/.insomnia/profiles'
  local file = dir .. '/' .. name .. '.nix'
  if uv.fs_stat(file) then
    return nil, file .. ' already exists: choose another name'
  end
  vim.fn.mkdir(dir, 'p')
  -- 'wx' fails if the file appeared meanwhile: still never an overwrite.
  local fd = uv.fs_open(file, 'wx', 420) -- 0644
  if not fd then
    return nil, 'cannot create ' .. file
  end
  uv.fs_write(fd, M.template(name), 0)
  uv.fs_close(fd)
  return file
end

return M
