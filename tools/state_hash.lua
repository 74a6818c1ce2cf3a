--- tools/state_hash.lua: the hash of everything a run leaves (every attribute of every
-- population and projection, and recorded spikes), used by tools/fingerprint.lua and the
-- process tests (tests/mpi). A polynomial hash (mod 2^32) over the bytes of the "%.17g" text
-- of each value: exact in doubles, so the same under Lua 5.4 and LuaJIT.
local M = {}

function M.hasher()
  local h = 2166136261
  local function feed(s)
    for k = 1, #s do
      h = (h * 31 + s:byte(k)) % 4294967296
    end
  end
  return {
    num = function(x) feed(string.format("%.17g;", x)) end,
    str = function(s) feed(s .. ";") end,
    value = function() return string.format("%08x", h) end,
  }
end

local function feed_value(H, v)
  if type(v) == "number" or type(v) == "boolean" then
    H.num(type(v) == "boolean" and (v and 1 or 0) or v)
  elseif type(v) == "table" or type(v) == "userdata" or type(v) == "cdata" then   -- cdata: an Array under LuaJIT
    local list = v.totable and v:totable() or v
    for _, x in ipairs(list) do feed_value(H, x) end
  end
end
M.feed_value = feed_value

--- The hash of net's state, and of spikes ({rank = {steps}}) when given.
function M.network(net, spikes)
  local H = M.hasher()
  for _, pop in ipairs(net:get_populations()) do
    H.str(pop.name)
    for _, a in ipairs(pop.attributes) do H.str(a); feed_value(H, pop[a]) end
  end
  for _, proj in ipairs(net:get_projections{suppress_error = true} or {}) do
    for _, a in ipairs(proj.attributes) do
      -- shared-weight projections (Copy, Transpose...) have no synapses of their own
      local ok, v = pcall(proj.get, proj, a)
      if ok then H.str(a); feed_value(H, v) end
    end
  end
  if spikes then
    local ranks = {}
    for r in pairs(spikes) do ranks[#ranks + 1] = r end
    table.sort(ranks)
    for _, r in ipairs(ranks) do H.num(r); feed_value(H, spikes[r]) end
  end
  return H.value()
end

return M
