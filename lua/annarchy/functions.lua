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

--- ann.functions(name[, net]) -> a Lua function evaluating the global function.
function M.functions(name, net)
  local _ = net
  return registry_mod.lua_function(registry, name)
end

return M
