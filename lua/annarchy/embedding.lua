--- What the embedding library (libannlua, include/annlua.h) asks the front end: the runtime
-- of a network a model script built, which the library then pins so that the network lives
-- as long as the C program holds it.
local network = require("annarchy.network")

local M = {}

local function label(net) return ("network %d"):format(net._.id) end

--- The compiled runtime (the core's network) of the network a model script built.
-- @param name nil: the network created last; else a field of the table the script returned
--   (`returned`), or a global of that name
-- @param returned what the last script run returned (its first value)
-- @return the runtime handle; raises an error naming the fault otherwise
function M.runtime(name, returned)
  local net
  if name == nil then
    net = network.last_created()
    if net == nil then error("the model script created no network", 0) end
  else
    if type(returned) == "table" and getmetatable(returned) ~= network.Network then net = returned[name] end
    if net == nil then net = rawget(_G, name) end
    if net == nil then
      error(("no network named '%s': neither a field of the table the model script returned nor a global")
        :format(name), 0)
    end
    if getmetatable(net) ~= network.Network then
      error(("'%s' is a %s, not a network"):format(name, type(net)), 0)
    end
  end
  if not net._.rt then
    error(("%s%s is not compiled: the model script must call net:compile()"):format(label(net),
      name and (" ('" .. name .. "')") or ""), 0)
  end
  return net._.rt
end

return M
