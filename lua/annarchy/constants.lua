--- Constants: named values visible in every equation (reference §2.6). ann.Constant(name, v)
-- is global (visible to every network created afterwards); net:constant(name, v) belongs to
-- one network. c:set(v) reaches the running kernels of every compiled network that uses it.
local util = require("annarchy.util")
local runtime = require("annarchy.runtime")

local fail = util.fail
local M = {}

local Constant = {}
local globals = {}          -- name -> Constant (process-wide, as ann.Constant is)
local global_order = {}

local function check(name, value)
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    fail("Constant: the name must be an identifier, got %s", util.show(name))
  end
  if type(value) ~= "number" then
    fail("Constant %q: the value must be a number, got %s", name, type(value))
  end
end

--- A constant; net = nil for a global one.
function M.new(name, value, net)
  check(name, value)
  local c = setmetatable({_ = {name = name, value = value, net = net,
    users = setmetatable({}, {__mode = "k"})}}, Constant)   -- runtime -> index, weakly
  if not net then
    if not globals[name] then global_order[#global_order + 1] = name end
    globals[name] = c
  end
  return c
end

--- The global constant of that name.
function M.global(name) return globals[name] end

function M.global_names()
  local out = {}
  for name in pairs(globals) do out[name] = true end
  return out
end

--- Every constant visible to a network: its own, then the globals it does not shadow.
function M.visible(net)
  local out, seen = {}, {}
  for _, c in ipairs(net._.constant_list) do
    out[#out + 1] = c
    seen[c._.name] = true
  end
  for _, name in ipairs(global_order) do
    if not seen[name] then out[#out + 1] = globals[name] end
  end
  return out
end

--- Records that a compiled network reads the constant at index k of its runtime.
--- The value of a constant visible in a network (its own, else a global one).
function M.value(net, name)
  for _, c in ipairs(M.visible(net)) do
    if c.name == name then return c.value end
  end
  fail("unknown constant '%s'", tostring(name))
end

function M.attach(c, rt, k)
  c._.users[rt] = k
end

local methods = {}
function methods.set(c, v)
  if type(v) ~= "number" then fail("Constant %q: the value must be a number", c._.name) end
  c._.value = v
  for rt, k in pairs(c._.users) do runtime.set_constant(rt, k, v) end
end

Constant.__index = function(c, k)
  if k == "value" then return c._.value end
  if k == "name" then return c._.name end
  if methods[k] then return methods[k] end
  if k == "_" then return nil end
  fail("Constant has no field '%s'", tostring(k))
end
Constant.__newindex = function(c, k, v)
  if k == "value" then return methods.set(c, v) end
  fail("Constant.%s is read-only", tostring(k))
end
Constant.__tostring = function(c) return ("Constant %s = %s"):format(c._.name, tostring(c._.value)) end
Constant.__tonumber = function(c) return c._.value end

-- A constant in Lua arithmetic and comparisons stands for its current value.
local function num(x)
  if getmetatable(x) == Constant then return x._.value end
  if type(x) ~= "number" then fail("Constant: arithmetic with %s", util.show(x)) end
  return x
end
Constant.__add = function(a, b) return num(a) + num(b) end
Constant.__sub = function(a, b) return num(a) - num(b) end
Constant.__mul = function(a, b) return num(a) * num(b) end
Constant.__div = function(a, b) return num(a) / num(b) end
Constant.__mod = function(a, b) return num(a) % num(b) end
Constant.__pow = function(a, b) return num(a) ^ num(b) end
Constant.__unm = function(a) return -num(a) end
Constant.__lt = function(a, b) return num(a) < num(b) end
Constant.__le = function(a, b) return num(a) <= num(b) end

function M.is_constant(x) return getmetatable(x) == Constant end

return M
