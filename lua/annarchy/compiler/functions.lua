--- User functions: global (`ann.add_function`) and local (a model's `functions`).
--
-- A registry (owned by the caller, `new_registry()`) holds the global definitions
-- `{name, args, arg_types, ret_type, body (parsed), source, order}`. Bodies are resolved
-- when a model that uses them is analysed (constants are known then): the resolved record
-- is `{name, cname, args, arg_types, ret_type, body (resolved), global, source}`.
-- `to_lua` turns a resolved record into a Lua function (host-side calls).
local errors = require("annarchy.compiler.errors")
local statements = require("annarchy.compiler.statements")
local parser = require("annarchy.compiler.parser")
local builtins = require("annarchy.compiler.builtins")
local resolve = require("annarchy.compiler.resolve")
local symbolic = require("annarchy.compiler.symbolic")

local M = {}

local unpack_ = table.unpack or _G.unpack
local TYPES = {float = true, int = true, bool = true}

--- A new, empty registry of global functions.
function M.new_registry()
  return {list = {}, by_name = {}, count = 0}
end

--- Parses function definitions (one per statement) from a text.
-- @param text definitions, `name(a, b) = expr [: ret_type, type_a, type_b]`
-- @param ctx error context (object, model, where = "function")
-- @return list of parsed records
function M.parse(text, ctx)
  local out = {}
  for _, st in ipairs(statements.split(text, ctx)) do
    local sctx = errors.with(ctx, {index = (ctx.where and st.index) or nil, source = st.source})
    local def = parser.function_def(st.text, sctx)
    if builtins.reserved_function(def.name) then
      errors.raise(sctx, def.npos, "the function name " .. def.name .. " is reserved. Use another one.")
    end
    local types = {}
    for _, f in ipairs(st.flags) do
      if f.value ~= nil or not TYPES[f.key] then
        errors.raise(sctx, f.pos, "'" .. f.text .. "' is not a type (float, int or bool)")
      end
      types[#types + 1] = f.key
    end
    local ret, argt = "float", {}
    if #types > 0 then
      if #types ~= #def.args + 1 then
        errors.raise(sctx, st.flags[1].pos, "you must specify exactly the types of return " ..
          "value and arguments (" .. (#def.args + 1) .. " types for " .. def.name .. ")")
      end
      ret = types[1]
      for i = 1, #def.args do argt[i] = types[i + 1] end
    else
      for i = 1, #def.args do argt[i] = "float" end
    end
    out[#out + 1] = {name = def.name, npos = def.npos, args = def.args, arg_types = argt,
      ret_type = ret, body = def.body, source = st.source, text = st.text, index = st.index}
  end
  return out
end

--- Adds global function definitions to a registry.
-- @return the list of added records
function M.add(registry, text)
  if type(text) ~= "string" then
    error("annarchy: add_function: expects a string such as \"f(x) = 1 / (1 + exp(-x))\"", 0)
  end
  local recs = M.parse(text, {object = "function", model = text:match("^%s*([%a_][%w_]*)") or "?"})
  for _, r in ipairs(recs) do
    local old = registry.by_name[r.name]
    if old and old.text ~= r.text then
      error(("annarchy: add_function: a function named '%s' is already registered (as '%s'); "
        .. "give the new one another name"):format(r.name, old.text), 0)
    end
  end
  for _, r in ipairs(recs) do
    registry.count = registry.count + 1
    r.order = registry.count
    r.global = true
    if not registry.by_name[r.name] then registry.list[#registry.list + 1] = r.name end
    registry.by_name[r.name] = r
  end
  return recs
end

-- djb2 hash of a string, 8 hex digits.
local function hash(s)
  local h = 5381
  for i = 1, #s do h = (h * 33 + s:byte(i)) % 4294967296 end
  return string.format("%08x", math.floor(h))
end
M.hash = hash

--- A function resolver: `lookup(name)` returns the resolved record of the local or global
-- function `name` (resolving it on first use), or nil.
-- @param locals list of parsed local records
-- @param registry global registry (or nil)
-- @param opts {constants = set, ctx = base error context of the model, cache = table,
--   used = list receiving resolved records in dependency order}
function M.resolver(locals, registry, opts)
  local cache = opts.cache or {}
  local used = opts.used or {}
  local local_by = {}
  for i, r in ipairs(locals or {}) do local_by[r.name] = i end
  local resolve_rec

  local function lookup_from(name, limit_local, limit_global, node_scope)
    local li = local_by[name]
    if li and (limit_local == nil or li < limit_local) then
      return resolve_rec(locals[li], li, false)
    end
    if li and limit_local ~= nil and li >= limit_local and not limit_global then
      -- a later (or the same) local function: no recursion
      errors.raise(node_scope.ctx, nil, "the function " .. name .. "() must be defined before it is used")
    end
    local g = registry and registry.by_name[name]
    if g and (limit_global == nil or g.order < limit_global) then
      return resolve_rec(g, nil, true)
    end
    return nil
  end

  resolve_rec = function(rec, local_index, is_global)
    if cache[rec] then
      if cache[rec] == "busy" then
        error("annarchy: function " .. rec.name .. "(): recursive definitions are not allowed", 0)
      end
      return cache[rec]
    end
    cache[rec] = "busy"
    local ctx
    if is_global then
      ctx = {object = "function", model = rec.name, source = rec.source}
    else
      ctx = errors.with(opts.ctx, {where = "function", index = rec.index, source = rec.source})
    end
    local args = {}
    for i, a in ipairs(rec.args) do args[a] = {index = i, type = rec.arg_types[i]} end
    local S = {ctx = ctx, object = "function", args = args, constants = opts.constants or {},
      allow = {}, A = {}}
    S.func = function(name)
      if is_global then
        local g = registry and registry.by_name[name]
        if g and g.order < rec.order then return resolve_rec(g, nil, true) end
        if g then
          errors.raise(ctx, nil, "the function " .. name .. "() must be added before " .. rec.name .. "()")
        end
        return nil
      end
      return lookup_from(name, local_index, nil, S)
    end
    S.func_names = function()
      local n = {}
      for k in pairs(local_by) do n[#n + 1] = k end
      if registry then for _, k in ipairs(registry.list) do n[#n + 1] = k end end
      return n
    end
    local body = resolve.resolve(rec.body, S)
    local sig = symbolic.key(body) .. "|" .. rec.ret_type .. "|" .. table.concat(rec.arg_types, ",")
    local out = {name = rec.name, args = rec.args, arg_types = rec.arg_types,
      ret_type = rec.ret_type, body = body, global = is_global, source = rec.source,
      cname = "_annf_" .. rec.name .. "_" .. hash(sig), signature = sig}
    cache[rec] = out
    used[#used + 1] = out
    return out
  end

  local function lookup(name)
    return lookup_from(name, nil, nil, {ctx = opts.ctx})
  end
  local function names()
    local n = {}
    for k in pairs(local_by) do n[#n + 1] = k end
    if registry then for _, k in ipairs(registry.list) do n[#n + 1] = k end end
    return n
  end
  local function resolve_all_locals()
    for i, r in ipairs(locals or {}) do resolve_rec(r, i, false) end
  end
  return lookup, names, resolve_all_locals, used
end

-- ---------------------------------------------------------------------------------------
-- host-side evaluation

local function trunc(x)
  if x >= 0 then return math.floor(x) end
  return -math.floor(-x)
end

local function cround(x)
  if x ~= x or x == math.huge or x == -math.huge then return x end
  if x < 0 then
    local y = -x
    local f = math.floor(y)
    if y - f >= 0.5 then f = f + 1 end
    return -f
  end
  local f = math.floor(x)
  if x - f >= 0.5 then f = f + 1 end
  return f
end

local function erf(x)
  if x ~= x then return x end
  local sign = 1
  if x < 0 then sign, x = -1, -x end
  if x < 2.5 then
    -- Taylor series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    local sum, term, n = 0, x, 0
    local x2 = x * x
    while true do
      local c = term / (2 * n + 1)
      sum = sum + c
      if math.abs(c) < 1e-17 * math.abs(sum) then break end
      n = n + 1
      term = -term * x2 / n
      if n > 200 then break end
    end
    return sign * 2 / math.sqrt(math.pi) * sum
  end
  if x > 6 then return sign * 1.0 end
  -- erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated
  -- from the bottom
  local t = x
  for k = 400, 1, -1 do t = x + (k / 2) / t end
  return sign * (1 - math.exp(-x * x) / math.sqrt(math.pi) / t)
end
M.erf = erf

local function sinh(x)
  if math.abs(x) < 1e-5 then return x + x * x * x / 6 end
  local e = math.exp(x)
  return (e - 1 / e) / 2
end
local function cosh(x)
  local e = math.exp(x)
  return (e + 1 / e) / 2
end
local function tanh(x)
  if x > 20 then return 1.0 end
  if x < -20 then return -1.0 end
  if math.abs(x) < 1e-5 then return x - x * x * x / 3 end
  local e = math.exp(2 * x)
  return (e - 1) / (e + 1)
end
local function fmin(a, b)
  if a ~= a then return b end
  if b ~= b then return a end
  return a < b and a or b
end
local function fmax(a, b)
  if a ~= a then return b end
  if b ~= b then return a end
  return a > b and a or b
end
local atan2 = rawget(math, "atan2") or function(y, x) return math.atan(y, x) end

local LUA = {
  _ann_pos = function(x) return x > 0 and x or 0.0 end,
  _ann_neg = function(x) return x < 0 and x or 0.0 end,
  _ann_clip = function(x, a, b) if x < a then return a end if x > b then return b end return x end,
  _ann_modulo = function(a, b)
    local ta, tb = trunc(a), trunc(b)
    if tb == 0 or ta ~= ta or tb ~= tb then return 0 / 0 end
    return math.fmod(ta, tb) + 0.0
  end,
  _ann_power = function(x, n)
    if n ~= n then return 0 / 0 end
    local k = trunc(n)
    if k ~= n then return x ^ n end
    if k == 0 then return 1.0 end
    local neg = k < 0
    if neg then k = -k end
    if k > 1e6 then return (neg and 1 / (x ^ k)) or x ^ k end
    local r = x
    for _ = 2, k do r = r * x end
    if neg then return 1 / r end
    return r
  end,
  fabs = math.abs, round = cround,
  isfinite = function(x) return (x == x and x ~= math.huge and x ~= -math.huge) and 1 or 0 end,
  isnan = function(x) return (x ~= x) and 1 or 0 end,
  exp = math.exp, log = function(x) return math.log(x) end, sqrt = math.sqrt,
  sin = math.sin, cos = math.cos, tan = math.tan, asin = math.asin, acos = math.acos,
  atan = function(x) return math.atan(x) end, atan2 = atan2,
  sinh = sinh, cosh = cosh, tanh = tanh, floor = function(x) return math.floor(x) + 0.0 end,
  ceil = function(x) return math.ceil(x) + 0.0 end, pow = function(a, b) return a ^ b end,
  erf = erf, fmin = fmin, fmax = fmax,
}
M.LUA_BUILTINS = LUA

-- C truth: anything but 0 (NaN is true).
local function truth(v) return v ~= 0 end

local function convert(v, ty)
  if ty == "int" then return trunc(v) end
  if ty == "bool" then return (v ~= 0) and 1 or 0 end
  return v
end

--- Compiles a resolved expression into a Lua closure `f(args)` (args: list of numbers).
-- @param e resolved expression
-- @param consts name -> value for constants
-- @param memo cache of compiled user functions
function M.compile_lua(e, consts, memo)
  memo = memo or {}
  local op = e.op
  if op == "num" then local v = e.value; return function() return v end end
  if op == "bool" then local v = e.value and 1 or 0; return function() return v end end
  if op == "var" then
    local r = e.ref
    if r.kind == "arg" then local i = r.index; return function(a) return a[i] end end
    if r.kind == "const" then
      local name = r.name
      return function()
        local v = consts and consts[name]
        if type(v) == "table" then v = v.value end
        if type(v) ~= "number" then error("annarchy: constant " .. name .. " has no value", 0) end
        return v
      end
    end
    error("annarchy: functions can only use their arguments and constants (" .. tostring(r.kind) .. ")", 0)
  end
  if op == "neg" then local a = M.compile_lua(e.a, consts, memo); return function(x) return -a(x) end end
  if op == "not" then
    local a = M.compile_lua(e.a, consts, memo)
    return function(x) return truth(a(x)) and 0 or 1 end
  end
  if op == "if" then
    local c = M.compile_lua(e.c, consts, memo)
    local a = M.compile_lua(e.a, consts, memo)
    local b = M.compile_lua(e.b, consts, memo)
    return function(x) if truth(c(x)) then return a(x) end return b(x) end
  end
  if op == "call" then
    local args = {}
    for i, x in ipairs(e.args) do args[i] = M.compile_lua(x, consts, memo) end
    local n = #args
    local f
    if e.user then
      f = M.to_lua(e.user, consts, memo)
    else
      local b = builtins.FUNCTIONS[e.name]
      f = LUA[b.c]
    end
    if n == 1 then local a1 = args[1]; return function(x) return f(a1(x)) end end
    if n == 2 then
      local a1, a2 = args[1], args[2]
      return function(x) return f(a1(x), a2(x)) end
    end
    return function(x)
      local v = {}
      for i = 1, n do v[i] = args[i](x) end
      return f(unpack_(v, 1, n))
    end
  end
  local a = M.compile_lua(e.a, consts, memo)
  local b = M.compile_lua(e.b, consts, memo)
  local int = e.ty == "int"
  if op == "+" then return function(x) return a(x) + b(x) end end
  if op == "-" then return function(x) return a(x) - b(x) end end
  if op == "*" then return function(x) return a(x) * b(x) end end
  if op == "/" then return function(x) return a(x) / b(x) end end
  if op == "^" then return function(x) return a(x) ^ b(x) end end
  if op == "<" then return function(x) return a(x) < b(x) and 1 or 0 end end
  if op == "<=" then return function(x) return a(x) <= b(x) and 1 or 0 end end
  if op == ">" then return function(x) return a(x) > b(x) and 1 or 0 end end
  if op == ">=" then return function(x) return a(x) >= b(x) and 1 or 0 end end
  if op == "==" then return function(x) return a(x) == b(x) and 1 or 0 end end
  if op == "!=" then return function(x) return a(x) ~= b(x) and 1 or 0 end end
  if op == "and" then return function(x) return (truth(a(x)) and truth(b(x))) and 1 or 0 end end
  if op == "or" then return function(x) return (truth(a(x)) or truth(b(x))) and 1 or 0 end end
  local _ = int
  error("annarchy: can not evaluate '" .. tostring(op) .. "' on the host", 0)
end

--- A Lua function evaluating a resolved function record (C conversion rules for typed
-- arguments and results; a bool result is a Lua boolean).
function M.to_lua(rec, consts, memo)
  memo = memo or {}
  if memo[rec] then return memo[rec] end
  local body
  local fn = function(...)
    local n = select("#", ...)
    if n ~= #rec.args then
      error("annarchy: " .. rec.name .. "() takes " .. #rec.args .. " arguments (got " .. n .. ")", 0)
    end
    local a = {...}
    for i = 1, n do
      if type(a[i]) == "boolean" then a[i] = a[i] and 1 or 0 end
      if type(a[i]) ~= "number" then
        error("annarchy: " .. rec.name .. "(): argument " .. i .. " must be a number", 0)
      end
      a[i] = convert(a[i], rec.arg_types[i])
    end
    local v = body(a)
    if rec.ret_type == "bool" then return truth(v) end
    return convert(v, rec.ret_type)
  end
  memo[rec] = fn
  body = M.compile_lua(rec.body, consts, memo)
  return fn
end

--- The Lua function of a global function of a registry.
-- @param registry the registry
-- @param name function name
-- @param consts name -> value (or Constant objects with .value) for the constants
function M.lua_function(registry, name, consts)
  local rec = registry.by_name[name]
  if not rec then
    error("annarchy: there is no function called '" .. tostring(name) .. "'" ..
      errors.hint(tostring(name), registry.list), 0)
  end
  local cset = {}
  for k in pairs(consts or {}) do cset[k] = true end
  local lookup = M.resolver({}, registry, {constants = cset})
  local r = lookup(name)
  return M.to_lua(r, consts)
end

return M
