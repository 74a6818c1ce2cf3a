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
      runtime[h.prefix .. name] = function(handle, ...) return handle[name](handle, ...) end
    end
  end
  return runtime
end

return M
