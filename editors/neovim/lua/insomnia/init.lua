-- insomnia.nvim: starts insomnia-lsp for Nix profiles and profiles.toml and
-- adds the editor side of its commands (docs/server-contract.md).
-- Works on Neovim 0.7 (start_client + buf_attach_client) and 0.8+ (vim.lsp.start).
local M = {}

local uv = vim.uv or vim.loop
local trust = require('insomnia.trust')
local NAME = 'insomnia'
local MARKERS = { '.insomnia/profiles.toml', 'flake.nix', '.git' }
local opts = { cmd = { 'insomnia-lsp', 'serve' }, settings = {}, inlay_hints = false }
local inlay = require('insomnia.inlay')
local clients = {} -- root dir -> client id (0.7 only; vim.lsp.start reuses by itself)
local retired = {} -- client id -> true: stopped for a trust change, never reused while exiting
local statuses = {} -- real path -> last insomnia/evaluationStatus params
local resolved = {} -- real path -> scratch buffer showing its resolved manifest

local function notify(msg, level)
  vim.notify('insomnia: ' .. tostring(msg), level or vim.log.levels.INFO)
end

-- vim.json encodes {} as [], but the server expects objects.
local function object(t)
  return (t == nil or next(t) == nil) and vim.empty_dict() or t
end

-- v when it is a non-empty string (JSON null arrives as vim.NIL), else nil.
local function str(v)
  return type(v) == 'string' and v ~= '' and v or nil
end

-- Root detection: the nearest directory holding any marker, as lspconfig and
-- vim.fs.root do; the file's own directory when there is none.
function M.root_dir(fname)
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  while true do
    for _, marker in ipairs(MARKERS) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return vim.fn.fnamemodify(fname, ':p:h')
    end
    dir = parent
  end
end

local call = require('insomnia.client').call

-- The insomnia client attached to bufnr, else any running insomnia client
-- (so :InsomniaProfiles works from any buffer).
local function client_for(bufnr)
  local any
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if c.name == NAME and not retired[c.id] then
      if vim.lsp.buf_is_attached(bufnr, c.id) then
        return c
      end
      any = any or c
    end
  end
  return any
end

-- Runs a server command (workspace/executeCommand) and calls on_result(result).
local function execute(command, arg, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then
    return notify('insomnia-lsp is not running for this buffer', vim.log.levels.WARN)
  end
  local params = { command = command, arguments = { object(arg) } }
  call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    if err then
      return notify(command .. ': ' .. tostring(err.message), vim.log.levels.ERROR)
    end
    if on_result then
      on_result(result or {})
    end
  end, bufnr)
end

-- The key of a file in statuses/resolved: the server and a buffer may spell a
-- path differently (symlinks, "..").
local function key(fname)
  return uv.fs_realpath(fname) or fname
end

local function buf_uri(bufnr)
  return vim.uri_from_bufnr(bufnr or vim.api.nvim_get_current_buf())
end

local function open_terminal(argv)
  if type(argv) ~= 'table' or #argv == 0 then
    return
  end
  vim.cmd('botright new')
  if vim.fn.has('nvim-0.11') == 1 then
    vim.fn.jobstart(argv, { term = true })
  else
    vim.fn.termopen(argv)
  end
  vim.cmd('startinsert')
end

function M.spawn(profile, name)
  local arg = { profile = profile or buf_uri() }
  if name and name ~= '' then
    arg.name = name
  end
  notify('spawning a pod...')
  execute('insomnia.spawnPod', arg, function(result)
    open_terminal(result.attach) -- the server shows its message and warnings itself
  end)
end

-- The one verb for an existing pod, as in the server's pods lens: a live pod
-- (running, idle, paused) is attached to, a stopped one resumed.
local LIVE = { running = true, idle = true, paused = true }
function M.pod_action(state)
  if state == 'stopped' then
    return 'Resume'
  end
  return LIVE[state] and 'Attach' or nil
end

-- "coder-1 (idle) — Attach, drifted": the words of the lens.
function M.pod_label(p)
  local action = M.pod_action(p.state)
  local drift = type(p.drift) == 'table' and #p.drift > 0 and ', drifted' or ''
  return string.format('%s (%s)%s%s', p.name, tostring(p.state), action and (' — ' .. action) or '', drift)
end

local function resume_pod(p)
  local verb = M.pod_action(p.state) == 'Attach' and 'attaching to pod ' or 'resuming pod '
  notify(verb .. p.name .. '...')
  execute('insomnia.resumePod', { name = p.name }, function(result)
    open_terminal(result.attach) -- the server shows drift itself
  end)
end

-- resume(name): attach to or resume that pod; without a name, the pods of this
-- buffer's profile (all pods elsewhere), asking which when there are several.
function M.resume(name)
  if name and name ~= '' then
    return resume_pod({ name = name })
  end
  local arg = vim.bo.filetype == 'nix' and { profile = buf_uri() } or {}
  execute('insomnia.listPods', arg, function(pods)
    if #pods == 0 then
      return notify('no pods for this profile')
    elseif #pods == 1 then
      return resume_pod(pods[1])
    end
    vim.ui.select(pods, { prompt = 'Attach or resume pod', format_item = M.pod_label }, function(p)
      if p then
        resume_pod(p)
      end
    end)
  end)
end

-- :InsomniaNewProfile [name] (lua/insomnia/new.lua), in the buffer's root.
function M.new_profile(name)
  if not name or name == '' then
    return vim.ui.input({ prompt = 'New profile name: ' }, function(n)
      if n and n ~= '' then
        M.new_profile(n)
      end
    end)
  end
  local fname = vim.api.nvim_buf_get_name(0)
  local root = (fname ~= '' and vim.bo.buftype == '') and M.root_dir(fname) or vim.fn.getcwd()
  local file, err = require('insomnia.new').write(root, name)
  if not file then
    return notify(err, vim.log.levels.WARN)
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  notify('wrote ' .. vim.fn.fnamemodify(file, ':~:.') .. ' (the lens "Add to project profiles" lists it)')
end

-- selector: a qualified name, or nil for the current buffer's profile file.
function M.set_default(selector)
  local arg = (selector and selector ~= '') and { selector = selector } or { uri = buf_uri() }
  execute('insomnia.setDefaultProfile', arg, function(result)
    local level = result.ok == false and vim.log.levels.WARN or vim.log.levels.INFO
    notify(str(result.message) or (result.ok and 'default set') or 'default not changed', level)
  end)
end

function M.profiles()
  execute('insomnia.listProfiles', {}, function(list)
    vim.ui.select(list, {
      prompt = 'Default insomnia profile',
      format_item = function(p)
        local desc = str(p.description) and (' - ' .. p.description) or ''
        local mark = p.isDefault == true and ' (default)' or ''
        return string.format('%s%s%s [%s]', p.qualifiedName, mark, desc, tostring(p.status))
      end,
    }, function(p)
      if p then
        M.set_default(p.qualifiedName)
      end
    end)
  end)
end

local function fill_resolved(buf, result)
  -- The server sends the manifest as indented JSON text (docs/server-contract.md).
  local text = type(result.json) == 'string' and result.json or vim.json.encode(result.json)
  local lines = vim.split(text, '\n', { plain = true })
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

local function scratch(name)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, name)
  vim.bo[buf].filetype = 'json'
  return buf
end

-- Opens (or refreshes) a scratch JSON buffer with the resolved manifest.
function M.resolved(fname)
  fname = fname or vim.api.nvim_buf_get_name(0)
  execute('insomnia.showResolvedManifest', { uri = vim.uri_from_fname(fname) }, function(result)
    if str(result.message) and result.status ~= 'ok' then
      notify(result.message, vim.log.levels.WARN)
    end
    if result.json == nil or result.json == vim.NIL then
      return
    end
    local buf = resolved[key(fname)]
    if not (buf and vim.api.nvim_buf_is_valid(buf)) then
      buf = scratch('insomnia://resolved/' .. (str(result.qualifiedName) or fname))
      resolved[key(fname)] = buf
    end
    fill_resolved(buf, result)
  end)
end

-- Whether the buffer's server runs restricted: what the client was started with,
-- not the list on disk, so the statusline never claims more than the server has.
function M.restricted(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if c.name == NAME and not retired[c.id] and vim.lsp.buf_is_attached(bufnr, c.id) then
      return c.config.init_options.trusted ~= true
    end
  end
  return false
end

-- The last evaluation status of a buffer, for statuslines: "project:coder (default) ok",
-- with " restricted" after it while its root is not trusted; while Nix cannot be run
-- (state nix-missing) the warning instead: nothing is evaluated, the state means nothing.
function M.status(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local s = statuses[key(vim.api.nvim_buf_get_name(bufnr))]
  if s and s.state == 'nix-missing' then
    return 'Insomnia: Nix not found'
  end
  local text = s and string.format('%s%s %s', str(s.qualifiedName) or NAME,
    s.isDefault == true and ' (default)' or '', tostring(s.state)) or ''
  if M.restricted(bufnr) then
    text = (text == '' and NAME or text) .. ' restricted'
  end
  return text
end

-- The raw insomnia/evaluationStatus params of a buffer (nil when none arrived).
function M.status_info(bufnr)
  return statuses[key(vim.api.nvim_buf_get_name(bufnr or 0))]
end

local function on_status(_, params)
  if type(params) ~= 'table' or not str(params.uri) then
    return
  end
  local fname = key(vim.uri_to_fname(params.uri))
  statuses[fname] = params
  if opts.inlay_hints and params.state ~= 'evaluating' then
    inlay.refresh_all()
  end
  local buf = resolved[fname]
  if params.state == 'ok' and buf and vim.api.nvim_buf_is_valid(buf) then
    M.resolved(fname)
  end
  vim.cmd('redrawstatus!')
end

-- Like VS Code's files.refactoring.autoSave: a file the server edits (profiles.toml
-- after "set default") is written when it had no unsaved changes before.
local function on_apply_edit(err, params, ctx, config)
  local dirty = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    dirty[b] = vim.bo[b].modified
  end
  local reply = vim.lsp.handlers['workspace/applyEdit'](err, params, ctx, config)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if not dirty[b] and vim.bo[b].modified and vim.bo[b].buftype == '' then
      vim.api.nvim_buf_call(b, function()
        vim.cmd('silent write')
      end)
    end
  end
  return reply
end

local function refresh_lenses()
  local client = client_for(vim.api.nvim_get_current_buf())
  if client and vim.lsp.buf_is_attached(0, client.id) then
    vim.lsp.codelens.refresh({ bufnr = 0 }) -- 0.7 ignores the argument
  end
end

local handlers = {
  ['insomnia/evaluationStatus'] = on_status,
  -- Through vim.notify (0.7 to 0.10 echo a warning with nvim_out_write), so the
  -- server's one "Nix not found: …" warning reaches notification plugins too.
  ['window/showMessage'] = function(_, params)
    local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
    notify(params.message, levels[params.type] or vim.log.levels.INFO)
    return vim.NIL
  end,
  ['workspace/applyEdit'] = on_apply_edit,
  -- 0.7 does not know this request; later versions refresh all buffers themselves.
  ['workspace/codeLens/refresh'] = function()
    refresh_lenses()
    return vim.NIL
  end,
  ['workspace/inlayHint/refresh'] = function()
    inlay.refresh_all()
    return vim.NIL
  end,
}

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.workspace.configuration = true -- 0.7 answers it but does not say so
  caps.workspace.codeLens = { refreshSupport = true }
  caps.textDocument.codeLens = { dynamicRegistration = false }
  caps.workspace.inlayHint = { refreshSupport = opts.inlay_hints == true }
  return caps
end

local function on_attach(client, bufnr)
  if opts.inlay_hints and vim.bo[bufnr].filetype == 'nix' then
    inlay.attach(client, bufnr)
  end
  if not call(client, 'supports_method', 'textDocument/codeLens') then
    return
  end
  local group = vim.api.nvim_create_augroup('insomnia_lens_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'CursorHold', 'InsertLeave', 'BufWritePost' }, {
    group = group,
    buffer = bufnr,
    callback = refresh_lenses,
  })
  if bufnr == vim.api.nvim_get_current_buf() then
    refresh_lenses()
  end
end

-- Settings that name a program run it: honoured only for a trusted root (the
-- server enforces this too). Trust itself is never a setting: see client_config.
local PROGRAMS = { 'nixPath' }

-- The settings sent to the server: the user's, minus any trust key (an exrc can call
-- setup() too, so a setting must not grant trust), minus programs when restricted.
local function settings_for(trusted)
  local s = vim.deepcopy(opts.settings or {})
  s.trusted, s.trustedRoots = nil, nil
  if not trusted then
    for _, k in ipairs(PROGRAMS) do
      s[k] = nil
    end
    if type(s.pod) == 'table' then
      s.pod.command = nil
      s.pod = object(s.pod)
    end
  end
  return s
end

-- The lenses a stopped client drew stay on screen (0.7 to 0.9 keep them per client
-- namespace): after a restart the old "profile: path:…" lens showed beside the new one.
local function clear_lenses(client_id)
  local ns = vim.lsp.codelens.__namespaces and vim.lsp.codelens.__namespaces[client_id]
  if not ns then
    return
  end
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      vim.api.nvim_buf_clear_namespace(b, ns, 0, -1)
      -- and from the cache codelens.run() offers (a stale entry failed with
      -- "Client is required to execute lens").
      if vim.lsp.codelens.save and #vim.lsp.codelens.get(b) > 0 then
        pcall(vim.lsp.codelens.save, nil, b, client_id)
      end
    end
  end
  -- Its diagnostics too: 0.7 keeps a stopped client's (broken.nix showed the
  -- restricted server's old Nix error beside the new server's one).
  if vim.lsp.diagnostic and vim.lsp.diagnostic.get_namespace then
    pcall(vim.diagnostic.reset, vim.lsp.diagnostic.get_namespace(client_id))
  end
end
M._clear_lenses = clear_lenses

local function client_config(root, trusted)
  local settings = settings_for(trusted)
  -- Trust travels only in initializationOptions, which only this plugin writes.
  local init = vim.tbl_extend('force', {}, settings, { trusted = trusted })
  return {
    name = NAME,
    cmd = opts.cmd,
    root_dir = root,
    init_options = init,
    settings = { insomnia = object(settings) },
    capabilities = capabilities(),
    handlers = handlers,
    on_attach = on_attach,
    -- Also on exit: a lens reply that arrived while the client was stopping is drawn.
    on_exit = function(_, _, client_id)
      vim.schedule(function()
        clear_lenses(client_id)
      end)
    end,
    on_init = function(client)
      -- 0.7 never sends the settings on its own.
      call(client, 'notify', 'workspace/didChangeConfiguration', { settings = client.config.settings })
    end,
  }
end

local function wanted(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  return name ~= '' and (vim.bo[bufnr].filetype == 'nix' or vim.fn.fnamemodify(name, ':t') == 'profiles.toml')
end

local asked = {} -- root key -> true once the trust question was asked this session

local function start(bufnr, root, trusted)
  local config = client_config(root, trusted)
  if vim.lsp.start then
    return vim.lsp.start(config, {
      bufnr = bufnr,
      reuse_client = function(c, conf)
        return c.name == conf.name and c.config.root_dir == conf.root_dir and not retired[c.id]
      end,
    })
  end
  local id = clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() or retired[id] then
    id = vim.lsp.start_client(config)
    if not id then
      return notify('could not start ' .. tostring(opts.cmd[1]), vim.log.levels.ERROR)
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- Stops the root's clients and starts a new one, with the trust now on record, for
-- every buffer of that root.
function M.restart(root)
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if c.name == NAME and c.config.root_dir == root then
      retired[c.id] = true
      call(c, 'stop')
      clear_lenses(c.id)
    end
  end
  clients[root] = nil
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and wanted(b) and M.root_dir(vim.api.nvim_buf_get_name(b)) == root then
      M.attach(b)
    end
  end
end

-- Asks once per session whether to trust a new root; the server runs restricted
-- meanwhile, so startup never waits on the answer. "Stay restricted" is not written
-- down: the question comes back next session (:InsomniaTrust answers it for good).
local function ask(root)
  local k = trust.key(root)
  if asked[k] then
    return
  end
  asked[k] = true
  vim.schedule(function()
    local prompt = 'insomnia: trust ' .. k .. '? (evaluates its Nix without restrictions, runs pods)'
    vim.ui.select({ 'Trust', 'Stay restricted' }, { prompt = prompt }, function(choice)
      if choice == 'Trust' then
        M.trust(root)
      end
    end)
  end)
end

-- Starts (or reuses) the client for the buffer's root and attaches it.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not wanted(bufnr) then
    return
  end
  local root = M.root_dir(vim.api.nvim_buf_get_name(bufnr))
  local trusted = trust.is_trusted(root)
  if not trusted then
    ask(root)
  end
  return start(bufnr, root, trusted)
end

-- The root of a buffer holding a file (nil for scratch and terminal buffers, whose
-- names are not paths).
local function buf_root(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  return name ~= '' and vim.bo[bufnr].buftype == '' and M.root_dir(name) or nil
end

-- :InsomniaTrust: records the root (the current buffer's by default) and restarts
-- its server unrestricted.
function M.trust(root)
  root = root or buf_root()
  if not root then
    return notify('this buffer is not a file: open a profile first', vim.log.levels.WARN)
  end
  asked[trust.key(root)] = true
  notify('trusted ' .. trust.add(root))
  M.restart(root)
end

-- :InsomniaUntrust: forgets the root and restarts its server restricted.
function M.untrust(root)
  root = root or buf_root()
  if not root then
    return notify('this buffer is not a file: open a profile first', vim.log.levels.WARN)
  end
  asked[trust.key(root)] = true
  notify('restricted ' .. trust.remove(root))
  M.restart(root)
end

-- Server-side lens commands that need editor UI (contract: "commands the editor executes").
vim.lsp.commands['insomnia.client.spawnPod'] = function(command)
  local arg = (command.arguments or {})[1] or {}
  vim.ui.input({ prompt = 'Pod name (empty: let the server choose): ' }, function(name)
    if name ~= nil then
      M.spawn(arg.profile or arg.uri, name)
    end
  end)
end

-- The pods lens ("2 pods: a (idle) · b (stopped) — Resume") names one pod, the
-- server's pick; with several the user chooses. A drift lens names its own pod.
vim.lsp.commands['insomnia.client.resumePod'] = function(command)
  local arg = (command.arguments or {})[1] or {}
  local several = type(command.title) == 'string' and command.title:match('^%d+ pods: ') ~= nil
  M.resume(not several and arg.name or nil)
end

-- The drift lens's Compare: the pod's saved snapshot against its profile today.
vim.lsp.commands['insomnia.compareProfiles'] = function(command)
  local arg = (command.arguments or {})[1] or {}
  if str(arg.pod) then
    require('insomnia.diff').pod(execute, arg.pod)
  end
end

-- :InsomniaDiff {a} {b}: two profiles (qualified names, names or files) side by side.
function M.diff(a, b)
  if not (str(a) and str(b)) then
    return notify('usage: :InsomniaDiff {profile} {profile}', vim.log.levels.WARN)
  end
  require('insomnia.diff').profiles(execute, a, b)
end

-- Label lenses (the profile's name, its pods) have no command: running one does nothing.
vim.lsp.commands[''] = function() end

-- setup({ cmd = {...}, settings = {...}, inlay_hints = false }): settings is the
-- `insomnia` section; inlay_hints shows resolved values as end-of-line virtual text.
function M.setup(user)
  opts = vim.tbl_extend('force', opts, user or {})
  -- Hover shows the manifest as a JSON block; the json syntax hides its quotes
  -- in a float (conceallevel 2), so `"name": "coder"` read `name: coder`.
  if vim.g.vim_json_conceal == nil then
    vim.g.vim_json_conceal = 0
  end
  if type(opts.settings) == 'table' and (opts.settings.trusted ~= nil or opts.settings.trustedRoots ~= nil) then
    -- An exrc can call setup() too: trust comes only from :InsomniaTrust and the prompt.
    notify('settings.trusted is ignored: trust a root with :InsomniaTrust', vim.log.levels.WARN)
  end
  if not vim.g.loaded_insomnia then -- the plugin folder was added to rtp after startup
    vim.cmd('runtime plugin/insomnia.lua')
  end
  local group = vim.api.nvim_create_augroup('insomnia', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = { 'nix', 'toml' },
    callback = function(ev)
      M.attach(ev.buf)
    end,
  })
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      M.attach(b)
    end
  end
end

return M
