--- Errors of the extensions, raised at the user's line: the position reported is that of the
-- first caller outside the extension file that raises.
local M = {}

--- A function fail(fmt, ...) that raises "annarchy: <formatted message>" for the file `source`
-- (debug.getinfo(1, "S").source of the calling module).
function M.raiser(source)
  return function(fmt, ...)
    local level = 2
    while true do
      local info = debug.getinfo(level + 1, "S")
      if not info or info.source ~= source then break end
      level = level + 1
    end
    error("annarchy: " .. fmt:format(...), level + 1)
  end
end

return M
