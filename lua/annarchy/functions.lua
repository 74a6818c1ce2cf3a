--- Global functions (ann.add_function), visible in every model created afterwards, and their
-- evaluation from Lua (ann.functions). The registry is process-wide, as in the reference.
local registry_mod = require("annarchy.compiler.functions")

local M = {}
local registry = registry_mod.new_registry()

function M.registry() return registry end

--- ann.add_function("sigmoid(x) = 1 / (1 + exp(-x))")
function M.add_function(text)
  registry_mod.add(registry, text)
end

--- ann.functions(name[, net]) -> a Lua function evaluating the global function, with the
-- constants visible to `net` (or the global constants).
function M.functions(name, net)
  local constants = require("annarchy.constants")
  local consts = {}
  if net then
    for _, c in ipairs(constants.visible(net)) do consts[c.name] = c.value end
  else
    for cname in pairs(constants.global_names()) do consts[cname] = constants.global(cname).value end
  end
  return registry_mod.lua_function(registry, name, consts)
end

return M
