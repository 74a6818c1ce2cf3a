--- Name resolution and typing of parsed expressions.
--
-- `resolve(node, S)` returns a new tree where every identifier became
-- `{op = "var", key = <unique text>, ref = <resolver ref>, ty = "float"|"int"|"bool"}`
-- (refs are those of the C emission contract, see cgen.lua), built-in calls carry `fname`
-- (their C name) and user calls `user = <resolved function record>`. Every node gets `ty`.
--
-- The scope S:
--   ctx        error context (with `source`)
--   object     "neuron" | "synapse" | "function" | "condition"
--   kind       "rate" | "spike"
--   attr       name -> attribute entry (analysed model) or nil
--   args       name -> {index, type} (function bodies)
--   constants  name -> true
--   func       function(name) -> resolved function record or nil (local, then global)
--   allow      {random, gop, sum, prepost, gtarget}
--   locality   locality of the statement (random variables inherit it)
--   A          the analysed model being built (randoms, gops, refs are registered there)
--   env        analysis environment (pre / post analysed neurons)
--   tag        "equations" | "psp" | "pre_spike" | ... (pre/post reference bookkeeping)
--   deps       list of {ref, pos} filled with every attribute-like reference
local errors = require("annarchy.compiler.errors")
local builtins = require("annarchy.compiler.builtins")

local M = {}

local function raise(S, pos, msg) errors.raise(S.ctx, pos, msg) end

local function var(key, ref, ty, pos)
  return {op = "var", key = key, ref = ref, ty = ty or "float", pos = pos}
end
M.var = var

--- The var node of an attribute entry.
function M.attr_var(entry, pos)
  return var("a:" .. entry.name, {kind = "attr", name = entry.name, locality = entry.locality},
    entry.type, pos)
end

local function add_dep(S, ref, pos)
  if S.deps then S.deps[#S.deps + 1] = {ref = ref, pos = pos} end
end

local function candidates(S)
  local c = {}
  for k in pairs(S.attr or {}) do c[#c + 1] = k end
  for k in pairs(S.args or {}) do c[#c + 1] = k end
  for k in pairs(S.constants or {}) do c[#c + 1] = k end
  if S.object ~= "function" then
    c[#c + 1] = "t"
    c[#c + 1] = "dt"
  end
  c[#c + 1] = "pi"
  if S.object ~= "function" then
    if S.kind == "spike" and S.object == "neuron" then c[#c + 1] = "t_last" end
    if S.kind == "spike" and S.object == "synapse" then
      c[#c + 1] = "t_pre"; c[#c + 1] = "t_post"
    end
  end
  return c
end

local function side_neuron(S, side)
  if not S.env then return nil end
  return S.env[side]
end

local function note_side(S, side, name)
  local A = S.A
  if not A then return end
  local key = side .. "_refs"
  A[key] = A[key] or {}
  A[key][name] = true
  if S.tag then
    local by = side .. "_refs_by"
    A[by] = A[by] or {}
    A[by][S.tag] = A[by][S.tag] or {}
    A[by][S.tag][name] = true
  end
end

local resolve

local function resolve_name(n, S)
  local name = n.name
  if n.side then
    if S.object ~= "synapse" or not (S.allow and S.allow.prepost) then
      raise(S, n.pos, n.side .. "." .. name .. ": pre- and post-synaptic attributes can only " ..
        "be used in synapses" .. ((S.object == "synapse") and " (not here)" or ""))
    end
    local nrn = side_neuron(S, n.side)
    local ty = "float"
    if nrn and nrn.attr then
      local e = nrn.attr[name]
      if not e then
        local cands = {}
        for k in pairs(nrn.attr) do cands[#cands + 1] = k end
        raise(S, n.npos or n.pos, "the " .. n.side .. "-synaptic neuron " ..
          (nrn.name and ('"' .. nrn.name .. '" ') or "") .. "has no attribute called '" ..
          name .. "'" .. errors.hint(name, cands))
      end
      ty = e.type
    end
    note_side(S, n.side, name)
    local ref = {kind = n.side, name = name}
    add_dep(S, ref, n.pos)
    return var(n.side .. ":" .. name, ref, ty, n.pos)
  end
  if S.args and S.args[name] then
    local a = S.args[name]
    return var("arg:" .. name, {kind = "arg", name = name, index = a.index}, a.type, n.pos)
  end
  if S.attr and S.attr[name] then
    local e = S.attr[name]
    local v = M.attr_var(e, n.pos)
    add_dep(S, v.ref, n.pos)
    return v
  end
  if name == "t" and S.object ~= "function" then return var("t", {kind = "t"}, "float", n.pos) end
  if name == "dt" and S.object ~= "function" then return var("dt", {kind = "dt"}, "float", n.pos) end
  if name == "t_last" and S.object == "neuron" and S.kind == "spike" then
    local ref = {kind = "t_last"}
    add_dep(S, ref, n.pos)
    return var("t_last", ref, "float", n.pos)
  end
  if (name == "t_pre" or name == "t_post") and S.object == "synapse" then
    if S.kind ~= "spike" then
      raise(S, n.pos, name .. " is only defined in spiking synapses")
    end
    local ref = {kind = name}
    add_dep(S, ref, n.pos)
    return var(name, ref, "float", n.pos)
  end
  if S.constants and S.constants[name] then
    return var("c:" .. name, {kind = "const", name = name}, "float", n.pos)
  end
  if builtins.CONSTANTS[name] then
    return {op = "num", value = builtins.CONSTANTS[name], pos = n.pos, ty = "float"}
  end
  if name == "t_last" then
    raise(S, n.pos, "t_last is only defined in spiking neurons")
  end
  if name == "g_target" then
    raise(S, n.pos, "g_target can only be assigned, in the pre_spike statements of spiking synapses")
  end
  local msg = "unknown name '" .. name .. "'"
  if S.object == "function" then
    msg = msg .. errors.hint(name, candidates(S)) ..
      " (a function only sees its arguments and constants)"
  elseif name:match("^g_") and S.object == "neuron" and S.kind == "rate" then
    msg = msg .. " (conductances g_X exist in spiking neurons; rate-coded neurons use sum(X))"
  else
    msg = msg .. errors.hint(name, candidates(S))
  end
  raise(S, n.pos, msg)
end

local function arith_type(a, b, op)
  if op == "/" or op == "^" then return "float" end
  if a.ty == "int" and b.ty == "int" then return "int" end
  return "float"
end

local function register_random(S, n, args)
  local A = S.A
  A.randoms = A.randoms or {}
  local name = "rand_" .. tostring(#A.randoms + 1)
  local entry = {name = name, dist = n.name, args = args, locality = S.locality or "local",
    where = S.tag or "equations"}
  A.randoms[#A.randoms + 1] = entry
  local ref = {kind = "rand", name = name}
  add_dep(S, {kind = "rand", name = name, locality = entry.locality}, n.pos)
  local ty = (n.name == "DiscreteUniform" or n.name == "Binomial") and "int" or "float"
  return var("rand:" .. name, ref, ty, n.pos)
end

local function resolve_random(n, S)
  local dist = n.name
  local need = builtins.DISTRIBUTIONS[dist]
  if not (S.allow and S.allow.random) then
    raise(S, n.pos, "random distributions (" .. dist .. ") are only allowed in equations")
  end
  if #n.args < need then
    raise(S, n.pos, "the distribution " .. dist .. " requires " .. need .. " parameter" ..
      (need > 1 and "s" or ""))
  elseif #n.args > need then
    raise(S, n.args[need + 1].pos, "too many parameters provided to the distribution " .. dist)
  end
  local args = {}
  for i, a in ipairs(n.args) do
    if a.op == "num" then
      args[i] = {op = "num", value = a.value, pos = a.pos, ty = "float"}
    elseif a.op == "name" and not a.side and S.attr and S.attr[a.name] and
        S.attr[a.name].role == "parameter" and S.attr[a.name].locality == "global"
        and not S.literal_random then
      args[i] = M.attr_var(S.attr[a.name], a.pos)
    elseif a.op == "name" and not a.side and S.constants and S.constants[a.name]
        and not S.literal_random then
      args[i] = var("c:" .. a.name, {kind = "const", name = a.name}, "float", a.pos)
    else
      if S.literal_random then
        raise(S, a.pos, "random distributions for creating/pruning synapses must use fixed values")
      end
      local what = (a.op == "name" and not a.side) and a.name or "this argument"
      raise(S, a.pos, what .. " is not a global parameter of the " .. (S.object or "model") ..
        ". It can not be used as an argument to the random distribution " .. dist)
    end
  end
  if S.max_randoms then
    S.n_randoms = (S.n_randoms or 0) + 1
    if S.n_randoms > S.max_randoms then
      raise(S, n.pos, "only one random distribution per equation is allowed")
    end
  end
  return register_random(S, n, args)
end

local function resolve_gop(n, S)
  local op = n.name
  if not (S.allow and S.allow.gop) then
    raise(S, n.pos, "global operations (" .. op .. ") are not allowed here")
  end
  local a = n.args[1]
  if a.op ~= "name" then
    raise(S, a.pos, "the argument of the global operation " .. op .. "() must be the name of an attribute")
  end
  local side, vname = a.side, a.name
  if S.object == "neuron" then
    if side then raise(S, a.pos, "pre./post. can not be used in a neuron") end
    local e = S.attr and S.attr[vname]
    if not e or e.locality ~= "local" then
      local locals = {}
      for k, x in pairs(S.attr or {}) do if x.locality == "local" then locals[#locals + 1] = k end end
      raise(S, a.pos, "there is no local attribute " .. vname .. errors.hint(vname, locals))
    end
  elseif S.object == "synapse" then
    if not side then
      raise(S, a.pos, "global operation '" .. op .. "' on synaptic variable '" .. vname ..
        "' is not implemented (use " .. op .. "(pre." .. vname .. ") or " .. op .. "(post." ..
        vname .. "))")
    end
    local nrn = side_neuron(S, side)
    if nrn and nrn.attr then
      local e = nrn.attr[vname]
      if not e then
        local cands = {}
        for k in pairs(nrn.attr) do cands[#cands + 1] = k end
        raise(S, a.npos or a.pos, "the " .. side .. "-synaptic neuron has no attribute called '" ..
          vname .. "'" .. errors.hint(vname, cands))
      end
    end
  else
    raise(S, n.pos, "global operations are not allowed here")
  end
  local A = S.A
  A.gops = A.gops or {}
  local found
  for _, g in ipairs(A.gops) do
    if g.op == op and g.var == vname and g.side == side then found = g end
  end
  if not found then
    found = {name = "_gop_" .. tostring(#A.gops + 1), op = op, var = vname, side = side}
    A.gops[#A.gops + 1] = found
  end
  local ref = {kind = "gop", name = found.name}
  add_dep(S, {kind = "gop", name = found.name, side = side}, n.pos)
  return var("gop:" .. found.name, ref, "float", n.pos)
end

local function resolve_call(n, S)
  local name = n.name
  local nargs = #n.args
  if n.side then
    if name ~= "sum" then
      raise(S, n.npos or n.pos, "only " .. n.side .. ".sum(target) can be called on the " ..
        n.side .. "-synaptic neuron")
    end
    if S.object ~= "synapse" or not (S.allow and S.allow.prepost) then
      raise(S, n.pos, n.side .. ".sum() can only be used in synapses")
    end
    if nargs ~= 1 or n.args[1].op ~= "name" or n.args[1].side then
      raise(S, n.pos, n.side .. ".sum() requires one argument (a target name)")
    end
    local target = n.args[1].name
    local nrn = side_neuron(S, n.side)
    if nrn and nrn.kind == "spike" then
      raise(S, n.pos, n.side .. ".sum(" .. target .. "): the " .. n.side ..
        "-synaptic neuron is spiking; use " .. n.side .. ".g_" .. target)
    end
    local A = S.A
    local key = n.side .. "_sum_refs"
    A[key] = A[key] or {}
    A[key][target] = true
    local ref = {kind = n.side .. "sum", target = target}
    add_dep(S, ref, n.pos)
    return var(n.side .. "sum:" .. target, ref, "float", n.pos)
  end
  if name == "sum" then
    if not (S.allow and S.allow.sum) then
      if S.object == "neuron" and S.kind == "spike" then
        raise(S, n.pos, "sum() is only defined in rate-coded neurons; spiking neurons use " ..
          "conductances g_X")
      end
      raise(S, n.pos, "sum() can not be used here")
    end
    local A = S.A
    if nargs == 0 then
      A.uses_sum_all = true
      local ref = {kind = "sum_all"}
      add_dep(S, ref, n.pos)
      return var("sum:*", ref, "float", n.pos)
    end
    if nargs ~= 1 or n.args[1].op ~= "name" or n.args[1].side then
      raise(S, n.pos, "sum() takes one target name, as in sum(exc)")
    end
    local target = n.args[1].name
    A.targets = A.targets or {}
    local seen = false
    for _, t in ipairs(A.targets) do if t == target then seen = true end end
    if not seen then A.targets[#A.targets + 1] = target end
    local ref = {kind = "sum", target = target}
    add_dep(S, ref, n.pos)
    return var("sum:" .. target, ref, "float", n.pos)
  end
  if builtins.DISTRIBUTIONS[name] then return resolve_random(n, S) end
  if builtins.GLOBAL_OPS[name] and nargs == 1 and not (name == "min" or name == "max") then
    return resolve_gop(n, S)
  end
  if (name == "min" or name == "max") and nargs == 1 then return resolve_gop(n, S) end
  local user = S.func and S.func(name, n)
  if user then
    if nargs ~= #user.args then
      raise(S, n.pos, "the function " .. name .. "() takes " .. #user.args .. " argument" ..
        (#user.args == 1 and "" or "s") .. " (got " .. nargs .. ")")
    end
    local args = {}
    for i, a in ipairs(n.args) do args[i] = resolve(a, S) end
    return {op = "call", name = name, fname = user.cname, user = user, args = args,
      pos = n.pos, ty = user.ret_type}
  end
  local b = builtins.FUNCTIONS[name]
  if not b then
    local cands = {}
    for k in pairs(builtins.FUNCTIONS) do cands[#cands + 1] = k end
    if S.func_names then for _, k in ipairs(S.func_names()) do cands[#cands + 1] = k end end
    raise(S, n.npos or n.pos, "unknown function '" .. name .. "'" .. errors.hint(name, cands))
  end
  if nargs ~= b.n then
    raise(S, n.pos, name .. "() takes " .. b.n .. " argument" .. (b.n == 1 and "" or "s") ..
      " (got " .. nargs .. ")")
  end
  local args = {}
  for i, a in ipairs(n.args) do args[i] = resolve(a, S) end
  if name == "ite" then
    local ty = (args[2].ty == args[3].ty) and args[2].ty or "float"
    return {op = "if", c = args[1], a = args[2], b = args[3], pos = n.pos, ty = ty}
  end
  local ty = b.ty or "float"
  if name == "modulo" and args[1].ty == "int" and args[2].ty == "int" then ty = "int" end
  return {op = "call", name = name, fname = name, builtin = true, args = args, pos = n.pos, ty = ty}
end

resolve = function(n, S)
  local op = n.op
  if op == "num" then
    return {op = "num", value = n.value, int = n.int, pos = n.pos, ty = "float"}
  elseif op == "bool" then
    return {op = "bool", value = n.value, pos = n.pos, ty = "bool"}
  elseif op == "name" then
    return resolve_name(n, S)
  elseif op == "grad" and S.keep_grad then
    return {op = "grad", name = n.name, pos = n.pos, ty = "float"}
  elseif op == "grad" then
    local dname = "d" .. n.name
    if (S.attr and S.attr[dname]) or (S.args and S.args[dname]) or
        (S.constants and S.constants[dname]) then
      local left = resolve_name({op = "name", name = dname, pos = n.pos}, S)
      local right = resolve_name({op = "name", name = "dt", pos = n.pos}, S)
      return {op = "/", a = left, b = right, pos = n.pos, ty = "float"}
    end
    raise(S, n.pos, "the gradient d" .. n.name .. "/dt can only appear on the left side of an ODE")
  elseif op == "call" then
    return resolve_call(n, S)
  elseif op == "neg" then
    local a = resolve(n.a, S)
    return {op = "neg", a = a, pos = n.pos, ty = a.ty == "bool" and "int" or a.ty}
  elseif op == "not" then
    return {op = "not", a = resolve(n.a, S), pos = n.pos, ty = "bool"}
  elseif op == "if" then
    local c = resolve(n.c, S)
    local a = resolve(n.a, S)
    local b = resolve(n.b, S)
    return {op = "if", c = c, a = a, b = b, pos = n.pos, ty = (a.ty == b.ty) and a.ty or "float"}
  else
    local a = resolve(n.a, S)
    local b = resolve(n.b, S)
    local ty
    if op == "and" or op == "or" or op == "<" or op == "<=" or op == ">" or op == ">=" or
        op == "==" or op == "!=" then
      ty = "bool"
    else
      ty = arith_type(a, b, op)
    end
    return {op = op, a = a, b = b, pos = n.pos, opos = n.opos, ty = ty}
  end
end

M.resolve = resolve

--- True if a resolved expression is boolean-valued.
function M.is_boolean(e)
  return e.ty == "bool"
end

return M
