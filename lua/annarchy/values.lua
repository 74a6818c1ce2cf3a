--- Values given for attributes: numbers, booleans, lists, Arrays, distributions; their
-- checks and conversions (shared by populations and projections).
local runtime = require("annarchy.runtime")
local random = require("annarchy.random")
local util = require("annarchy.util")
local constants = require("annarchy.constants")

local fail = util.fail
local M = {}

local function flatten_table(t, out)
  for i = 1, #t do
    local v = t[i]
    if type(v) == "table" and not runtime.is_array(v) then flatten_table(v, out)
    elseif runtime.is_array(v) then
      local f = v:flatten()
      for j = 1, f.size do out[#out + 1] = f[j] end
    elseif type(v) == "boolean" then out[#out + 1] = v and 1 or 0
    else out[#out + 1] = v end
  end
  return out
end

--- A short description of a value's kind for messages.
function M.describe(v)
  if runtime.is_array(v) then return ("an Array of %d values"):format(v.size) end
  if random.is_distribution(v) then return tostring(v) end
  if type(v) == "table" then return ("a list of %d values"):format(#v) end
  return type(v) .. " " .. tostring(v)
end

--- The initial value of an analysed attribute for `size` elements: a number or boolean, an
-- Array (a distribution sampled from the network's seed), or {from = name} for an init given
-- as the name of another attribute (resolved at compile).
function M.initial(a, net, size)
  local init = a.init
  if init == nil then
    if a.type == "bool" then return false end
    return 0.0
  end
  if random.is_distribution(init) then
    if a.locality == "global" then return net:_draw(init, 1)[1] end
    return net:_draw(init, size)
  end
  if type(init) == "table" and init.param then return {from = init.param} end
  if type(init) == "table" and init.const then
    return constants.value(net, init.const)
  end
  return init
end

--- A stored value as a scalar (globals).
function M.scalar_of(v)
  if runtime.is_array(v) then return v[1] end
  return v
end

--- A stored value as an Array of n numbers.
function M.broadcast(v, n)
  if runtime.is_array(v) then return v:flatten() end
  if type(v) == "boolean" then v = v and 1 or 0 end
  local a = runtime.zeros(n)
  if v ~= 0 then a:fill(v) end
  return a
end

local function finite(x) return x == x and x ~= math.huge and x ~= -math.huge end

-- The first value of v (a number, an Array or nested lists of those) that is NaN or infinite.
local function first_non_finite(v)
  if type(v) == "number" then
    if not finite(v) then return v end
  elseif runtime.is_array(v) then
    if finite(v:sum()) then return nil end   -- a sum is finite unless a term is not (or it overflows)
    local f = v:flatten()
    for i = 1, f.size do
      if not finite(f[i]) then return f[i] end
    end
  elseif type(v) == "table" and getmetatable(v) == nil then
    for i = 1, #v do
      local bad = first_non_finite(v[i])
      if bad then return bad end
    end
  end
  return nil
end

--- Refuses a value written to attribute `name` of `what` that holds NaN or an infinity
-- (the kernels would carry it into every value that depends on it).
function M.check_finite(v, what, name)
  local bad = first_non_finite(v)
  if bad then
    fail("%s: cannot set '%s' to %s: the values of attributes must be finite numbers", what, name,
      util.show(bad))
  end
end

--- Checks and converts a value written to a local attribute of n elements: a number stays a
-- number (broadcast by the runtime); lists, Arrays and distributions become an Array of n.
function M.per_element(net, value, n, what, name)
  if type(value) == "number" then return value end
  if type(value) == "boolean" then return value and 1 or 0 end
  if random.is_distribution(value) then return net:_draw(value, n) end
  local arr
  if runtime.is_array(value) then
    arr = value:flatten()
  elseif type(value) == "table" and getmetatable(value) == nil then
    arr = runtime.array(flatten_table(value, {}))
  else
    fail("%s: cannot set '%s' to %s", what, name, M.describe(value))
  end
  if arr.size ~= n then
    fail("%s: '%s' needs %d values (one per neuron), got %d", what, name, n, arr.size)
  end
  return arr
end

return M
