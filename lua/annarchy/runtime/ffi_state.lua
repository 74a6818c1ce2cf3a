--- LuaJIT only: the dynamic state of populations and projections (spikes in flight, delay
-- buffers, refractory countdowns...; the core's network_state.c) through the FFI, with the
-- behaviour of the Lua 5.4 binding (src/lua/lstate.c). Ids are 0-based.
--   pop_state(rt, id) / proj_state(rt, id)        -> {name = Array, ...}
--   pop_state_set(rt, id, name, values, check_only) / proj_state_set(...): an error naming
--   the object and the fault when the buffer does not fit (nothing changes then).
local core = require("annarchy.runtime.ffi_core")
local array = require("annarchy.runtime.ffi_array")
local network = require("annarchy.runtime.ffi_network")

local ffi, C = core.ffi, core.C

local M = {}

-- The core's functions of one kind of object, looked up when first used.
local function ops(what, prefix, objects)
  return {
    what = what,
    count = function(...) return C[prefix .. "state_count"](...) end,
    objects = function(net) return C[objects](net) end,
    name = function(...) return ffi.string(C[prefix .. "state_name"](...)) end,
    length = function(...) return tonumber(C[prefix .. "state_length"](...)) end,
    get = function(...) return C[prefix .. "state_get"](...) end,
    set = function(...) return C[prefix .. "state_set"](...) end,
  }
end
local POP = ops("population", "ann_population_", "ann_network_population_count")
local PROJ = ops("projection", "ann_projection_", "ann_network_projection_count")

local function check_id(net, id, o, fname)
  network.int(id, 2, fname)
  if id < 0 or id >= o.objects(net) then error(("bad argument #2 to '%s' (no such object)"):format(fname), 0) end
  return id
end

local function state_get(o, fname)
  return function(rt, id)
    local net = network.net_of(rt)
    check_id(net, id, o, fname)
    local out = {}
    for k = 0, o.count(net, id) - 1 do
      local a = array.new({o.length(net, id, k)})
      o.get(net, id, k, a.d_)
      out[o.name(net, id, k)] = a
    end
    return out
  end
end

local function state_set(o, fname)
  return function(rt, id, name, values, check_only)
    local net = network.net_of(rt)
    check_id(net, id, o, fname)
    if type(name) ~= "string" then error(("bad argument #3 to '%s' (string expected)"):format(fname), 0) end
    local a = array.from_value(values, "state")
    local n, k = o.count(net, id), 0
    while k < n and o.name(net, id, k) ~= name do k = k + 1 end
    if k == n then error(("annarchy: %s %d keeps no state '%s' (its structure differs)"):format(o.what, id, name), 0) end
    local st = core.status()
    if o.set(net, id, k, a.a_.data, a.a_.size, check_only and 1 or 0, st) ~= 0 then core.raise(st) end
  end
end

M.pop_state, M.proj_state = state_get(POP, "pop_state"), state_get(PROJ, "proj_state")
M.pop_state_set, M.proj_state_set = state_set(POP, "pop_state_set"), state_set(PROJ, "proj_state_set")

return M
