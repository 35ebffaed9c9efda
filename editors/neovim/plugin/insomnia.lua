-- User commands of insomnia.nvim. The server starts only after
-- require('insomnia').setup({ cmd = ..., settings = ... }).
if vim.g.loaded_insomnia then
  return
end
vim.g.loaded_insomnia = true

local function command(name, fn, nargs, desc)
  vim.api.nvim_create_user_command(name, function(o)
    fn(o.args ~= '' and o.args or nil)
  end, { nargs = nargs, desc = desc })
end

command('InsomniaSpawn', function(name)
  require('insomnia').spawn(nil, name)
end, '?', 'Spawn a pod from the profile in this buffer [pod name]')
command('InsomniaResume', function(name)
  require('insomnia').resume(name)
end, '?', 'Attach to (running) or resume (stopped) a pod of this profile [pod name]')
command('InsomniaNewProfile', function(name)
  require('insomnia').new_profile(name)
end, '?', 'Write .insomnia/profiles/<name>.nix from a template and open it')
command('InsomniaSetDefault', function(selector)
  require('insomnia').set_default(selector)
end, '?', 'Make this profile (or [selector]) the default')
command('InsomniaResolved', function()
  require('insomnia').resolved()
end, 0, 'Show the resolved manifest of this profile')
command('InsomniaProfiles', function()
  require('insomnia').profiles()
end, 0, 'Pick the default profile')
command('InsomniaDiff', function(args)
  local a, b = unpack(vim.split(args or '', '%s+', { trimempty = true }))
  require('insomnia').diff(a, b)
end, '+', 'Compare two profiles\' resolved manifests side by side {a} {b}')
command('InsomniaTrust', function()
  require('insomnia').trust()
end, 0, "Trust this buffer's root: restart its server without restrictions")
command('InsomniaUntrust', function()
  require('insomnia').untrust()
end, 0, "Stop trusting this buffer's root: restart its server restricted")
