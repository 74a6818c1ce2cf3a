--- The runtime backend over the Lua 5.4 C module annarchy.core (src/lua/): its functions as
-- they are, and a call on a handle, runtime[prefix .. name](h, ...), as the method h:name(...).
local core = require("annarchy.core")

local M = {}

--- The runtime table of an interface (see annarchy.runtime).
function M.implement(interface)
  local runtime = {}
  for _, name in ipairs(interface.functions) do runtime[name] = core[name] end
  for _, name in ipairs(interface.constants) do runtime[name] = core[name] end
  for _, h in ipairs(interface.handles) do
    for _, name in ipairs(h.names) do
      local key = h.prefix .. name
      -- Every handle of a prefix is a userdata of one class, whose methods are C functions in
      -- its metatable's __index table: the first call puts the C function itself in place of
      -- this wrapper, so that later calls (net:step() every frame) cost one C call.
      runtime[key] = function(handle, ...)
        local f = handle[name]
        local mt = getmetatable(handle)
        if type(mt) == "table" and type(mt.__index) == "table" and rawget(mt.__index, name) == f then
          runtime[key] = f
        end
        return f(handle, ...)
      end
    end
  end
  return runtime
end

return M
