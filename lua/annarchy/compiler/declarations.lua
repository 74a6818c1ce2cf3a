--- Model analysis, first stage: the declarations of a Neuron/Synapse (values in flags and
-- parameters, flags, attributes, equations as statements) and the scopes their expressions are
-- resolved in. The analysed table it fills is described in annarchy.compiler.analyse.
local errors = require("annarchy.compiler.errors")
local statements = require("annarchy.compiler.statements")
local parser = require("annarchy.compiler.parser")
local builtins = require("annarchy.compiler.builtins")
local resolve = require("annarchy.compiler.resolve")
local model = require("annarchy.model")

local M = {}

local function raise(ctx, pos, msg) errors.raise(ctx, pos, msg) end

local function sorted_keys(t)
  local k = {}
  for x in pairs(t) do k[#k + 1] = x end
  table.sort(k, function(a, b) return tostring(a) < tostring(b) end)
  return k
end

-- ---------------------------------------------------------------------------------------
-- values in flags and parameters

local function make_distribution(name, args)
  local ok, random = pcall(require, "annarchy.random")
  if ok and type(random) == "table" and type(random[name]) == "function" then
    local ok2, d = pcall(random[name], (table.unpack or _G.unpack)(args))
    if ok2 and d ~= nil then return d end
    if not ok2 then return nil, tostring(d) end
  end
  return {dist = name, args = args}
end

-- Parses a literal value (number, boolean) at a position of a statement.
local function literal(text, ctx, pos)
  local ok, e = pcall(parser.expression, text, errors.with(ctx, {}), (pos or 1) - 1)
  if not ok then
    if errors.is_annarchy(e) then return nil end
    error(e, 0)
  end
  if e.op == "num" then return e.value, e end
  if e.op == "bool" then return e.value, e end
  return nil, e
end

-- Parses an init value: number, boolean, distribution call with literal arguments, or a
-- name (parameter or constant, checked later).
local function init_value(text, ctx, pos)
  local e = parser.expression(text, ctx, (pos or 1) - 1)
  if e.op == "num" or e.op == "bool" then return e.value end
  if e.op == "name" and not e.side then return {name = e.name, pos = e.pos} end
  if e.op == "call" and builtins.DISTRIBUTIONS[e.name] and not e.side then
    local args = {}
    for i, a in ipairs(e.args) do
      if a.op ~= "num" then
        raise(ctx, a.pos, "the arguments of " .. e.name .. "() in init must be numbers")
      end
      args[i] = a.value
    end
    local need = builtins.DISTRIBUTIONS[e.name]
    if #args < need then
      raise(ctx, e.pos, "the distribution " .. e.name .. " requires " .. need .. " parameters")
    end
    local d, err = make_distribution(e.name, args)
    if not d then raise(ctx, e.pos, err) end
    return d
  end
  raise(ctx, pos, "init must be a number, true/false, a parameter name or a distribution")
end

-- ---------------------------------------------------------------------------------------
-- flags

local LOCALITY_FLAGS = {population = "global", projection = "global", postsynaptic = "semiglobal"}
local TYPE_FLAGS = {int = "int", bool = "bool", float = "float"}

local function locality_of_flag(object, name, flag, ctx, pos)
  local loc = LOCALITY_FLAGS[flag]
  if object == "neuron" and (flag == "projection" or flag == "postsynaptic") then
    raise(ctx, pos, "the attribute " .. name .. " belongs to a neuron, the flag \"" .. flag ..
      "\" is forbidden (use \"population\")")
  end
  if object == "synapse" and flag == "population" then
    raise(ctx, pos, "the attribute " .. name .. " belongs to a synapse, the flag \"population\"" ..
      " is forbidden (use \"projection\" or \"postsynaptic\")")
  end
  return loc
end

local ALL_FLAG_WORDS = {}
for k in pairs(statements.KEYWORDS) do ALL_FLAG_WORDS[#ALL_FLAG_WORDS + 1] = k end

-- Applies string flags to an attribute description `d` (fields locality, type, init, min,
-- max, method, unless_refractory, unless_post). `allowed` is a set of flag families.
local function apply_flags(A, d, st, ctx, allowed)
  local seen = {}
  for _, f in ipairs(st.flags) do
    local key = f.key
    local fam
    if f.value ~= nil then
      if key == "init" or key == "min" or key == "max" or key == "proba" or key == "w" or
          key == "d" or key == "method" then
        fam = key
      end
    else
      if LOCALITY_FLAGS[key] then fam = "locality"
      elseif TYPE_FLAGS[key] then fam = "type"
      elseif builtins.METHODS[key] then fam = "method"
      elseif key == "unless_refractory" or key == "unless_post" or key == "any" or key == "all" then
        fam = key
      elseif key == "init" or key == "min" or key == "max" or key == "proba" or key == "w" or
          key == "d" then
        raise(ctx, f.pos, "the flag " .. key .. " needs a value (" .. key .. " = ...)")
      end
    end
    if not fam then
      if f.key == "" then raise(ctx, f.pos, "empty flag") end
      raise(ctx, f.pos, "unknown flag '" .. f.text .. "'" .. errors.hint(f.key, ALL_FLAG_WORDS))
    end
    if not allowed[fam] then
      raise(ctx, f.pos, "the flag '" .. f.key .. "' is not allowed " .. (allowed._where or "here"))
    end
    if seen[fam] and fam ~= "unless_refractory" and fam ~= "unless_post" then
      raise(ctx, f.pos, "the flag '" .. f.key .. "' conflicts with an earlier flag")
    end
    seen[fam] = true
    if fam == "locality" then
      d.locality = locality_of_flag(A.object, d.name or "?", key, ctx, f.pos)
    elseif fam == "type" then
      d.type = TYPE_FLAGS[key]
    elseif fam == "method" then
      if f.value ~= nil then
        local m = builtins.METHODS[statements.trim(f.value)]
        if not m then
          raise(ctx, f.vpos or f.pos, "unknown numerical method '" .. f.value .. "'" ..
            errors.hint(statements.trim(f.value), sorted_keys(builtins.METHODS)))
        end
        d.method = m
      else
        d.method = builtins.METHODS[key]
      end
      d.method_pos = f.pos
    elseif fam == "init" then
      d.init = init_value(f.value, ctx, f.vpos)
      d.init_pos = f.vpos
    elseif fam == "min" or fam == "max" then
      d[fam] = {text = f.value, pos = f.vpos, ast = parser.expression(f.value, ctx, (f.vpos or 1) - 1)}
    elseif fam == "proba" or fam == "w" or fam == "d" then
      local v = literal(f.value, ctx, f.vpos)
      if type(v) ~= "number" then raise(ctx, f.vpos, fam .. " must be a number") end
      d[fam] = v
    elseif fam == "unless_refractory" then
      d.unless_refractory = true
    elseif fam == "unless_post" then
      d.unless_post = true
    elseif fam == "any" or fam == "all" then
      d.mode = fam
    end
  end
end

-- ---------------------------------------------------------------------------------------
-- attributes

local function check_name(A, env, name, ctx, pos)
  if builtins.RESERVED_KEYWORDS[name] then
    raise(ctx, pos, name .. " is a reserved keyword in ANNarchy")
  end
  if builtins.RESERVED_ATTRIBUTES[name] then
    raise(ctx, pos, name .. " is a reserved variable name")
  end
  if builtins.FUNCTIONS[name] or builtins.DISTRIBUTIONS[name] or builtins.GLOBAL_OPS[name] then
    raise(ctx, pos, name .. " is the name of a built-in function and can not be an attribute")
  end
  if name:sub(1, 1) == "_" then
    raise(ctx, pos, "attribute names can not start with '_' (reserved for generated code)")
  end
  if not name:match("^[%a_][%w_]*$") then
    raise(ctx, pos, "'" .. name .. "' is not a valid attribute name")
  end
  local why = env.reserved and env.reserved[name]
  if why then
    raise(ctx, pos, name .. " is reserved" .. (type(why) == "string" and (" (" .. why .. ")") or
      " (a field or method of the " .. (A.object == "neuron" and "population" or "projection") .. ")"))
  end
end

local function add_attribute(A, env, entry, ctx, pos)
  check_name(A, env, entry.name, ctx, pos)
  if A.attr[entry.name] then
    raise(ctx, pos, "attributes must be declared only once ('" .. entry.name .. "' is already declared)")
  end
  A.attributes[#A.attributes + 1] = entry
  A.attr[entry.name] = entry
  if entry.role == "parameter" then
    A.parameters[#A.parameters + 1] = entry.name
  else
    A.variables[#A.variables + 1] = entry.name
  end
  return entry
end

local function default_locality(A, given, name, ctx, pos)
  if given == nil then return nil end
  local loc = model.LOCALITIES[given]
  if not loc then
    raise(ctx, pos, "the locality of " .. name .. " must be in ['global', 'semiglobal', 'local']")
  end
  if A.object == "neuron" and loc == "semiglobal" then
    raise(ctx, pos, "the attribute " .. name .. " belongs to a neuron, it can not be semiglobal")
  end
  return loc
end

local function is_constant_object(v)
  return model.is_constant(v)
end

local function parameters_from_table(A, env, p, defaults)
  local ctx = {object = A.object, model = A.name, where = "parameter"}
  for _, name in ipairs(sorted_keys(p)) do
    local v = p[name]
    local pctx = errors.with(ctx, {where = "parameter " .. name})
    local e = {name = name, role = "parameter", locality = "global", type = "float"}
    if model.is_parameter(v) then
      e.locality = default_locality(A, v.locality, name, pctx) or "global"
      if v.type then e.type = model.TYPES[v.type] end
      v = v.value
      if type(v) == "boolean" and not e.type_given then
        if p[name].type == nil then e.type = "bool" end
      end
    elseif type(v) == "boolean" then
      e.type = "bool"
    end
    if is_constant_object(v) then
      e.init = model.field(v, "value")
    else
      e.init = v
    end
    if defaults[name] ~= nil then e.init = defaults[name] end
    if e.type == "int" and type(e.init) == "number" and e.init ~= math.floor(e.init) then
      raise(pctx, nil, "the value of the parameter is not an integer")
    end
    if e.type == "bool" and type(e.init) == "number" then e.init = e.init ~= 0 end
    if e.type ~= "bool" and type(e.init) == "boolean" then e.init = e.init and 1 or 0 end
    add_attribute(A, env, e, pctx)
  end
end

local PARAM_FLAGS = {locality = true, type = true, init = true, _where = "on a parameter"}

-- extra: the model's extra_values (a parameter's value may be the quoted name of one).
local function parameters_from_string(A, env, text, defaults, extra)
  local ctx = {object = A.object, model = A.name, where = "parameter"}
  for _, st in ipairs(statements.split(text, ctx, {single = true})) do
    local sctx = errors.with(ctx, {index = st.index, source = st.source})
    local name, eq, rest = st.text:match("^([%a_][%w_]*)%s*(=?)%s*(.-)%s*$")
    if not name then
      raise(sctx, 1, "a parameter is declared as 'name = value' (optionally followed by ': flags')")
    end
    if eq == "" and rest ~= "" then
      local ops = statements.assignments(st.text)
      if #ops > 0 then
        raise(sctx, ops[1].pos, "a parameter is declared with '=' (not '" .. ops[1].op .. "')")
      end
      raise(sctx, #name + 1, "a parameter is declared as 'name = value'")
    end
    local e = {name = name, role = "parameter", locality = "local"}
    apply_flags(A, e, st, sctx, PARAM_FLAGS)
    e.locality = e.locality or "local"
    local vpos = #st.text - #rest + 1
    local value
    if eq == "=" then
      if rest == "" then raise(sctx, vpos, "missing value after '='") end
      local v = literal(rest, sctx, vpos)
      local key = rest:match("^'([%w_]+)'$") or rest:match('^"([%w_]+)"$')
      if v == nil and key and extra and extra[key] ~= nil then v = extra[key] end
      if v == nil then
        if e.type == "int" then raise(sctx, vpos, "the value of the parameter is not an integer") end
        raise(sctx, vpos, "the value of the parameter is not a float")
      end
      value = v
      if e.init ~= nil then
        raise(sctx, e.init_pos, "the parameter already has a value (init is for 'name : init = value')")
      end
    else
      value = e.init
      if type(value) == "table" and getmetatable(value) == nil and value.name then
        raise(sctx, e.init_pos, "the initial value of a parameter must be a number or a boolean")
      end
      if value == nil then value = 0.0 end
    end
    if e.type == nil then
      e.type = (type(value) == "boolean") and "bool" or "float"
    end
    if defaults[name] ~= nil then value = defaults[name] end
    if e.type == "int" and type(value) == "number" and value ~= math.floor(value) then
      raise(sctx, vpos, "the value of the parameter is not an integer")
    end
    if e.type == "bool" and type(value) == "number" then value = value ~= 0 end
    if e.type ~= "bool" and type(value) == "boolean" then value = value and 1 or 0 end
    if type(value) == "number" and not (value > -math.huge and value < math.huge) then
      raise(sctx, vpos, "the value of the parameter '" .. name .. "' must be a finite number (got " ..
        (value ~= value and "NaN" or tostring(value)) .. ")")
    end
    e.init = value
    e.init_pos = nil
    e.method_pos = nil
    if e.method then raise(sctx, nil, "a parameter has no numerical method") end
    add_attribute(A, env, e, sctx, 1)
  end
end

-- ---------------------------------------------------------------------------------------
-- equations

local VAR_FLAGS = {locality = true, type = true, init = true, min = true, max = true,
  method = true, unless_refractory = true, _where = "on an equation"}

-- Collects the statements of `equations` (string, list, Variable) with their Variable.
local function equation_statements(A, eqs)
  local ctx = {object = A.object, model = A.name, where = "equation"}
  local out = {}
  local function add_text(text, var)
    local sts = statements.split(text, ctx, {first_index = #out + 1})
    if var and #sts ~= 1 then
      raise(errors.with(ctx, {index = #out + 1, source = statements.trim(text)}), nil,
        "an ann.Variable holds exactly one equation")
    end
    for _, st in ipairs(sts) do
      st.var = var
      out[#out + 1] = st
    end
  end
  if eqs == nil then return out end
  if type(eqs) == "string" then
    add_text(eqs)
  elseif model.is_variable(eqs) then
    add_text(eqs.equation, eqs)
  elseif type(eqs) == "table" then
    for i = 1, #eqs do
      local e = eqs[i]
      if type(e) == "string" then
        add_text(e)
      elseif model.is_variable(e) then
        add_text(e.equation, e)
      else
        raise({object = A.object, model = A.name}, nil,
          "equations must be either a string or a list of strings/variables")
      end
    end
  else
    raise({object = A.object, model = A.name}, nil,
      "equations must be either a string or a list of strings/variables")
  end
  return out
end

local function variable_fields(A, d, var, ctx)
  if not var then return end
  if var.locality ~= nil then d.locality = default_locality(A, var.locality, d.name, ctx) end
  if var.type ~= nil then d.type = model.TYPES[var.type] end
  if var.init ~= nil then
    local v = var.init
    if type(v) == "string" then
      local ok, e = pcall(parser.expression, v, errors.with(ctx, {source = v}))
      if ok and e.op == "name" and not e.side then
        d.init = {name = e.name}
      elseif ok and (e.op == "num" or e.op == "bool") then
        d.init = e.value
      else
        d.init = init_value(v, errors.with(ctx, {source = v}), 1)
      end
    else
      d.init = v
    end
  end
  for _, b in ipairs({"min", "max"}) do
    local v = var[b]
    if type(v) == "number" then
      d[b] = {ast = {op = "num", value = v + 0.0, pos = 1}, text = tostring(v)}
    elseif type(v) == "string" then
      local bctx = errors.with(ctx, {source = v, where = (ctx.where or "equation") .. " (" .. b .. ")"})
      d[b] = {ast = parser.expression(v, bctx), text = v, ctx = bctx}
    end
  end
  if var.method ~= nil then
    local m = builtins.METHODS[var.method]
    if not m then
      raise(ctx, nil, "unknown numerical method '" .. tostring(var.method) .. "'" ..
        errors.hint(tostring(var.method), sorted_keys(builtins.METHODS)))
    end
    d.method = m
  end
end

local function parse_equations(A, eqs)
  local list = {}
  for _, st in ipairs(equation_statements(A, eqs)) do
    local sctx = {object = A.object, model = A.name, where = "equation", index = st.index,
      source = st.source}
    local ps = parser.statement(st.text, sctx)
    if ps.kind == "cond" then
      raise(sctx, 1, "an equation needs an assignment (=, +=, -=, *=, /=) or an ODE (dx/dt)")
    end
    local d = {name = ps.name}
    apply_flags(A, d, st, sctx, VAR_FLAGS)
    variable_fields(A, d, st.var, sctx)
    list[#list + 1] = {st = st, ps = ps, d = d, ctx = sctx}
  end
  return list
end

-- ---------------------------------------------------------------------------------------
-- scopes

local function scope(A, env, ctx, opts)
  opts = opts or {}
  return {ctx = ctx, object = A.object, kind = A.kind, attr = opts.attr or A.attr,
    constants = env.constants or {}, func = A._lookup, func_names = A._fnames,
    allow = opts.allow or {}, locality = opts.locality, A = A, env = env, tag = opts.tag,
    deps = {}, literal_random = opts.literal_random, max_randoms = opts.max_randoms,
    keep_grad = opts.keep_grad}
end

local function bound_tree(A, env, b, ctx, locality, allow)
  if not b then return nil end
  local S = scope(A, env, b.ctx or ctx, {allow = allow, locality = locality, tag = "equations"})
  local e = resolve.resolve(b.ast, S)
  if e.ty == "bool" then raise(b.ctx or ctx, b.pos or 1, "a bound must be a number, not a condition") end
  return e, S.deps
end

-- Locality rules: a global variable depends only on global things, a semiglobal one on
-- global, semiglobal and post-synaptic things.
local function check_locality(A, name, locality, deps, ctx)
  if locality == "local" then return end
  for _, d in ipairs(deps) do
    local r = d.ref
    if A.object == "neuron" then
      if locality == "global" then
        if r.kind == "attr" and r.locality == "local" then
          raise(ctx, d.pos, "the global variable " .. name ..
            " cannot depend on the local attribute " .. r.name)
        elseif r.kind == "sum" or r.kind == "sum_all" then
          raise(ctx, d.pos, "the global variable " .. name .. " cannot depend on sum(), which is local")
        elseif r.kind == "t_last" then
          raise(ctx, d.pos, "the global variable " .. name .. " cannot depend on t_last, which is local")
        end
      end
    else
      if locality == "global" then
        if r.kind == "attr" and (r.locality == "local" or r.locality == "semiglobal") then
          raise(ctx, d.pos, "the global variable " .. name .. " cannot depend on a " ..
            (r.locality == "local" and "synapse-specific" or "post-synaptic") .. " one: " .. r.name)
        elseif r.kind == "pre" or r.kind == "post" or r.kind == "presum" or r.kind == "postsum"
            or r.kind == "t_pre" or r.kind == "t_post" then
          raise(ctx, d.pos, "the global variable " .. name ..
            " cannot depend on pre- or post-synaptic variables")
        end
      elseif locality == "semiglobal" then
        if r.kind == "attr" and r.locality == "local" then
          raise(ctx, d.pos, "the postsynaptic variable " .. name ..
            " cannot depend on a synapse-specific one: " .. r.name)
        elseif r.kind == "pre" or r.kind == "presum" or r.kind == "t_pre" then
          raise(ctx, d.pos, "the postsynaptic variable " .. name ..
            " cannot depend on pre-synaptic ones (e.g. pre.r)")
        end
      end
    end
  end
end

-- Resolves the init names ({name = x}) of every attribute.
local function resolve_inits(A, env)
  for _, e in ipairs(A.attributes) do
    local v = e.init
    if type(v) == "table" and getmetatable(v) == nil and v.name and not v.dist then
      local ctx = e.ctx or {object = A.object, model = A.name}
      local target = A.attr[v.name]
      if target and target.role == "parameter" then
        e.init = {param = v.name}
      elseif target then
        raise(ctx, e.init_pos, "init = " .. v.name .. ": only a parameter can give an initial value")
      elseif env.constants and env.constants[v.name] then
        e.init = {const = v.name}
      else
        raise(ctx, e.init_pos, "init = " .. v.name .. ": unknown parameter" ..
          errors.hint(v.name, A.parameters))
      end
    end
    if e.init == nil then
      if e.type == "bool" then e.init = false else e.init = 0.0 end
    end
    if e.type == "bool" and type(e.init) == "number" then e.init = e.init ~= 0 end
    if e.type ~= "bool" and type(e.init) == "boolean" then e.init = e.init and 1.0 or 0.0 end
  end
end

M.raise = raise
M.sorted_keys = sorted_keys
M.apply_flags = apply_flags
M.add_attribute = add_attribute
M.parameters_from_table = parameters_from_table
M.parameters_from_string = parameters_from_string
M.parse_equations = parse_equations
M.scope = scope
M.bound_tree = bound_tree
M.check_locality = check_locality
M.resolve_inits = resolve_inits

return M
