-- The roots the user trusts: only they get an unrestricted server (Nix evaluation
-- without restrictions, pods). The list lives outside every repository, under
-- stdpath('data'), so a repository cannot trust itself; it is keyed by the root's
-- real path so a symlink or ".." cannot dodge a decision.
local M = {}

local uv = vim.uv or vim.loop
local MAX_BYTES = 1024 * 1024 -- a bigger file is not ours: treat it as corrupt
local warned = false

function M.file()
  return vim.fn.stdpath('data') .. '/insomnia/trusted-roots.json'
end

-- The key of a root: its real path (the path as given when it does not exist).
function M.key(root)
  return uv.fs_realpath(root) or root
end

local function warn_corrupt(why)
  if not warned then
    warned = true
    vim.notify('insomnia: ignoring ' .. M.file() .. ' (' .. why .. '): no root is trusted until :InsomniaTrust',
      vim.log.levels.WARN)
  end
end

-- Reads the file, at most MAX_BYTES; nil when it is too big or unreadable.
local function read_capped(path)
  local f = io.open(path, 'rb')
  if not f then
    return nil, 'missing'
  end
  local text = f:read(MAX_BYTES + 1) or ''
  f:close()
  if #text > MAX_BYTES then
    return nil, 'larger than ' .. MAX_BYTES .. ' bytes'
  end
  return text
end

-- The trusted roots as a set (real path -> true). A missing file is an empty list;
-- a corrupt one too (with one warning), so startup never fails on it.
function M.load()
  local text, why = read_capped(M.file())
  if not text then
    if why ~= 'missing' then
      warn_corrupt(why)
    end
    return {}
  end
  local ok, data = pcall(vim.json.decode, text)
  if not ok or type(data) ~= 'table' or type(data.trusted) ~= 'table' then
    warn_corrupt('not a {"trusted": [...]} JSON object')
    return {}
  end
  local set = {}
  for _, root in ipairs(data.trusted) do
    if type(root) == 'string' and root:sub(1, 1) == '/' then
      set[root] = true
    end
  end
  return set
end

-- Writes the set through a temp file and a rename, so a crash never leaves half a file.
local function save(set)
  local list = vim.tbl_keys(set)
  table.sort(list)
  local path = M.file()
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p', tonumber('700', 8))
  local tmp = path .. '.tmp'
  local f = assert(io.open(tmp, 'wb'))
  f:write(vim.json.encode({ trusted = list }))
  f:close()
  assert(uv.fs_rename(tmp, path))
end

-- Neovim's own trust database (0.9+, written by :trust and vim.secure). A function
-- so the e2e test can point it elsewhere: 0.7 has no stdpath('state').
function M.nvim_db()
  return vim.fn.stdpath('state') .. '/trust'
end

-- A root denied in Neovim's database (`:trust ++deny /the/root`) stays restricted
-- even when our list has it.
local function denied_by_nvim(key)
  if not (vim.secure and vim.secure.trust) then
    return false
  end
  local ok, db = pcall(M.nvim_db)
  local text = ok and read_capped(db) or ''
  for line in vim.gsplit(text, '\n', true) do
    if line == '! ' .. key then
      return true
    end
  end
  return false
end

-- Mirrors a decision into Neovim's trust database (0.9+): deny on untrust, and lift
-- that deny on trust. 'allow' is not used: it hashes a file's contents, a root is a folder.
local function mirror(action, key)
  if vim.secure and vim.secure.trust then
    pcall(vim.secure.trust, { action = action, path = key })
  end
end

function M.is_trusted(root)
  local key = M.key(root)
  return M.load()[key] == true and not denied_by_nvim(key)
end

function M.add(root)
  local key = M.key(root)
  local set = M.load()
  set[key] = true
  save(set)
  mirror('remove', key)
  return key
end

function M.remove(root)
  local key = M.key(root)
  local set = M.load()
  set[key] = nil
  save(set)
  mirror('deny', key)
  return key
end

return M
