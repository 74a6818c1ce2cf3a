--- Model analysis: from a Neuron/Synapse object to a plain table the code generator uses.
--
-- `analyse.neuron(model, env)` and `analyse.synapse(model, env)` raise annarchy errors
-- (string messages with the statement and a caret) for every fault; they never raise Lua
-- runtime errors on malformed input.
--
-- env: `{network_name, constants = {name -> true}, functions = <registry or name -> record>,
-- method = "explicit", dtype = "float64"|"float32", kind = "rate"|"spike" (synapses: the
-- pre population's), targets = {...} (synapses: the projection's), pre = <analysed neuron>,
-- post = <analysed neuron>, reserved = {name -> "why"} (names of fields of the holding
-- object)}`. Every field is optional.
--
-- The analysed table A:
--
--   object        "neuron" | "synapse"
--   kind          "rate" | "spike"
--   name, description
--   attributes    ordered list of attribute entries (parameters, then variables in
--                 declaration order, then implicit ones):
--                 {name, role = "parameter"|"variable", locality = "global"|"local"|
--                  "semiglobal", type = "float"|"int"|"bool",
--                  init = number | boolean | {param = name} | {const = name} |
--                         distribution object | {dist = "Uniform", args = {...}},
--                  min, max (resolved expression trees or nil), method (ODEs),
--                  unless_refractory (bool), implicit (bool: added by the analysis),
--                  event_driven (bool), equation (the equation record or nil)}
--   attr          name -> attribute entry
--   parameters, variables   lists of names
--   equations     ordered list of equation records:
--                 {index, source, target, kind = "ode"|"assign"|"inc", op, rhs, lhs (ODE),
--                  f (ODE: dx/dt = f), method, locality, min, max, attribute, ctx}
--   targets       neuron: the targets it reads (sum(X) or g_X), in order of appearance
--   uses_sum_all  rate neuron uses sum()
--   randoms       list {name = "rand_1", dist, args (trees), locality, where}
--   gops          list {name = "_gop_1", op, var, side = nil|"pre"|"post"}
--   functions     resolved user functions used (local ones always), dependencies first:
--                 {name, cname, args, arg_types, ret_type, body, global}
--   local_functions  name -> resolved record of the model's own functions
--   plan          per locality, the update plan made by methods.prepare
--   signature     string; changes iff the generated code would
--   network_name  env.network_name
--   neuron:  spike (tree or nil), reset (list of event statements), axon_spike, axon_reset,
--            refractory (nil | number ms | {name = attribute})
--   synapse: psp (tree or nil), operation, pre_spike = {gtarget = list, other = list},
--            post_spike (list), pre_axon_spike, event_driven (list of names),
--            pre_refs, post_refs (sets of names read via pre./post.), pre_refs_by,
--            post_refs_by (tag -> set), pre_sum_refs, post_sum_refs (sets of targets),
--            plastic, creating, pruning ({expr, proba, w, d, source} or nil),
--            pre_axon_spike (list), psp_targets (env.targets)
--   event statement: {target, op, rhs, min, max, gtarget (bool), unless_post, is_w,
--            attribute, implicit (the default g_target += w), ctx, source}
--   randoms of creating/pruning conditions have where = "creating"/"pruning" (one draw per
--   candidate synapse); equation randoms have where = "equations".
-- Attribute entries and equation records refer to each other (entry.equation.attribute).
local errors = require("annarchy.compiler.errors")
local statements = require("annarchy.compiler.statements")
local parser = require("annarchy.compiler.parser")
local builtins = require("annarchy.compiler.builtins")
local resolve = require("annarchy.compiler.resolve")
local symbolic = require("annarchy.compiler.symbolic")
local functions = require("annarchy.compiler.functions")
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

local function parameters_from_string(A, env, text, defaults)
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

-- ---------------------------------------------------------------------------------------
-- functions

local function setup_functions(A, env, text)
  local locals = {}
  if text ~= nil then
    local t = text
    if type(t) == "table" then t = table.concat(t, "\n") end
    locals = functions.parse(t, {object = A.object, model = A.name, where = "function"})
    local seen = {}
    for _, r in ipairs(locals) do
      if seen[r.name] then
        raise({object = A.object, model = A.name, where = "function", index = r.index,
          source = r.source}, r.npos, "the function " .. r.name .. " is defined twice")
      end
      seen[r.name] = true
    end
  end
  local registry = env.functions
  if registry and registry.by_name == nil then
    -- a plain map name -> record: make it a registry
    local reg = {by_name = {}, list = {}}
    local n = 0
    for _, k in ipairs(sorted_keys(registry)) do
      n = n + 1
      local r = registry[k]
      if r.order == nil then r.order = n end
      reg.by_name[k] = r
      reg.list[#reg.list + 1] = k
    end
    registry = reg
  end
  local used = {}
  local lookup, names, resolve_locals = functions.resolver(locals, registry, {
    constants = env.constants or {}, ctx = {object = A.object, model = A.name},
    used = used})
  A._lookup = function(name) return lookup(name) end
  A._fnames = names
  resolve_locals()
  A.functions = used
  A.local_functions = {}
  for _, r in ipairs(used) do
    if not r.global then A.local_functions[r.name] = r end
  end
end

-- ---------------------------------------------------------------------------------------
-- event statements (reset, pre_spike, post_spike)

local function event_statements(A, value, where)
  local ctx = {object = A.object, model = A.name, where = where}
  local out = {}
  if value == nil then return out end
  local texts = {}
  if type(value) == "string" then
    texts = {value}
  else
    for i = 1, #value do texts[i] = value[i] end
  end
  for _, text in ipairs(texts) do
    for _, st in ipairs(statements.split(text, ctx, {first_index = #out + 1})) do
      out[#out + 1] = st
    end
  end
  return out
end


-- Parses event statements; declares the unknown assigned names (synapses) as local
-- variables. Returns raw records (resolved later).
local function parse_events(A, value, where, opts)
  local list = {}
  for _, st in ipairs(event_statements(A, value, where)) do
    local sctx = {object = A.object, model = A.name, where = where, index = st.index,
      source = st.source}
    local ps = parser.statement(st.text, sctx)
    if ps.kind == "ode" then
      raise(sctx, ps.npos and ps.npos - 1 or 1, "it is forbidden to use ODEs in a " .. where .. " term")
    end
    if ps.kind == "cond" then
      raise(sctx, 1, "a " .. where .. " statement is an assignment (=, +=, -=, *=, /=)")
    end
    local d = {name = ps.name}
    local allowed = {min = true, max = true, _where = "in " .. where}
    if opts.declare then allowed.init = true; allowed.type = true end
    if where == "pre_spike" or where == "pre_axon_spike" then allowed.unless_post = true end
    apply_flags(A, d, st, sctx, allowed)
    list[#list + 1] = {st = st, ps = ps, d = d, ctx = sctx}
  end
  return list
end

local function resolve_events(A, env, raw, where, opts)
  local out = {}
  for _, r in ipairs(raw) do
    local name = r.ps.name
    local ev = {op = r.ps.op, ctx = r.ctx, source = r.st.source, index = r.st.index,
      unless_post = r.d.unless_post or false}
    if name == "g_target" then
      if not opts.gtarget then
        raise(r.ctx, r.ps.npos,
          "g_target can only be assigned in the pre_spike statements of spiking synapses")
      end
      ev.gtarget = true
      ev.target = "g_target"
    else
      local e = A.attr[name]
      if not e then
        raise(r.ctx, r.ps.npos, "unknown attribute '" .. name .. "'" ..
          errors.hint(name, sorted_keys(A.attr)))
      end
      ev.target = name
      ev.attribute = e
      ev.is_w = (name == "w")
      if e.type == "bool" and r.ps.op ~= "=" then
        raise(r.ctx, r.ps.oppos, "'" .. r.ps.op .. "' can not be used on the bool attribute " .. name)
      end
    end
    local S = scope(A, env, r.ctx, {allow = opts.allow, locality = "local", tag = where})
    ev.rhs = resolve.resolve(r.ps.rhs, S)
    ev.deps = S.deps
    if r.d.min then ev.min = bound_tree(A, env, r.d.min, r.ctx, "local", opts.allow) end
    if r.d.max then ev.max = bound_tree(A, env, r.d.max, r.ctx, "local", opts.allow) end
    out[#out + 1] = ev
  end
  return out
end

-- ---------------------------------------------------------------------------------------
-- single expressions (spike, psp, conditions)

local function single_expression(A, env, text, where, opts)
  local ctx = {object = A.object, model = A.name, where = where}
  local src = statements.trim((text:gsub("#[^\n]*", "")))
  local lines = 0
  for line in (src .. "\n"):gmatch("([^\n;]*)[\n;]") do
    if not line:match("^%s*$") then lines = lines + 1 end
  end
  src = statements.trim((src:gsub("[\n;]", " ")))
  ctx.source = src
  if lines > 1 and opts.single_line then
    raise(ctx, nil, opts.single_line)
  end
  if src == "" then raise(ctx, 1, "empty " .. where) end
  local e = parser.expression(src, ctx)
  local S = scope(A, env, ctx, opts)
  local r = resolve.resolve(e, S)
  return r, S, ctx
end

-- ---------------------------------------------------------------------------------------
-- signature

local function sig_value(v)
  if type(v) == "table" and v.op then return symbolic.key(v) end
  return tostring(v)
end

local function signature(A)
  local parts = {A.object, A.kind}
  for _, e in ipairs(A.attributes) do
    parts[#parts + 1] = table.concat({"attr", e.name, e.role, e.locality, e.type,
      tostring(e.method), tostring(e.unless_refractory), e.min and symbolic.key(e.min) or "",
      e.max and symbolic.key(e.max) or "", tostring(e.event_driven)}, ":")
  end
  for _, eq in ipairs(A.equations) do
    parts[#parts + 1] = table.concat({"eq", eq.target, eq.kind, eq.op or "", eq.method or "",
      eq.locality, eq.lhs and symbolic.key(eq.lhs) or "", symbolic.key(eq.rhs)}, ":")
  end
  for _, r in ipairs(A.randoms) do
    local a = {}
    for i, x in ipairs(r.args) do a[i] = sig_value(x) end
    parts[#parts + 1] = "rand:" .. r.name .. ":" .. r.dist .. ":" .. r.locality .. ":" ..
      r.where .. ":" .. table.concat(a, ",")
  end
  for _, g in ipairs(A.gops) do
    parts[#parts + 1] = "gop:" .. g.name .. ":" .. g.op .. ":" .. g.var .. ":" .. tostring(g.side)
  end
  for _, f in ipairs(A.functions) do parts[#parts + 1] = "fn:" .. f.cname end
  parts[#parts + 1] = "targets:" .. table.concat(A.targets, ",") .. ":" .. tostring(A.uses_sum_all)
  local function events(tag, list)
    for _, ev in ipairs(list or {}) do
      parts[#parts + 1] = tag .. ":" .. ev.target .. ":" .. ev.op .. ":" .. symbolic.key(ev.rhs) ..
        ":" .. (ev.min and symbolic.key(ev.min) or "") .. ":" .. (ev.max and symbolic.key(ev.max) or "")
        .. ":" .. tostring(ev.unless_post)
    end
  end
  if A.object == "neuron" then
    parts[#parts + 1] = "spike:" .. (A.spike and symbolic.key(A.spike) or "")
    events("reset", A.reset)
    parts[#parts + 1] = "axon:" .. (A.axon_spike and symbolic.key(A.axon_spike) or "")
    events("axon_reset", A.axon_reset)
    local r = A.refractory
    local rs = "ms"
    if r == nil then rs = "none" elseif type(r) == "table" then rs = "attr " .. r.name end
    parts[#parts + 1] = "refractory:" .. rs
  else
    parts[#parts + 1] = "psp:" .. (A.psp and symbolic.key(A.psp) or "") .. ":" .. A.operation
    events("pre", A.pre_spike.gtarget)
    events("pre", A.pre_spike.other)
    events("post", A.post_spike)
    events("axon", A.pre_axon_spike)
    parts[#parts + 1] = "ed:" .. table.concat(A.event_driven, ",")
    parts[#parts + 1] = "plastic:" .. tostring(A.plastic)
    parts[#parts + 1] = "ptargets:" .. table.concat(A.psp_targets or {}, ",")
    for _, k in ipairs({"creating", "pruning"}) do
      if A[k] then parts[#parts + 1] = k .. ":" .. symbolic.key(A[k].expr) end
    end
  end
  return table.concat(parts, "\n")
end

-- ---------------------------------------------------------------------------------------
-- common part

local function new_A(object, mdl, env, kind)
  local default_name
  if object == "neuron" then
    default_name = (kind == "spike") and "Spiking neuron" or "Rate-coded neuron"
  else
    default_name = (kind == "spike") and "Spiking synapse" or "Rate-coded synapse"
  end
  return {object = object, kind = kind, name = mdl.name or default_name,
    description = mdl.description, attributes = {}, attr = {}, parameters = {}, variables = {},
    equations = {}, targets = {}, uses_sum_all = false, randoms = {}, gops = {},
    functions = {}, pre_refs = {}, post_refs = {}, pre_refs_by = {}, post_refs_by = {},
    pre_sum_refs = {}, post_sum_refs = {}, network_name = env.network_name}
end

local function declare_parameters(A, env, mdl)
  local p = mdl.parameters
  local defaults = mdl._defaults or {}
  if p == nil then return end
  if type(p) == "string" then
    parameters_from_string(A, env, p, defaults)
  elseif type(p) == "table" and getmetatable(p) == nil then
    parameters_from_table(A, env, p, defaults)
  else
    raise({object = A.object, model = A.name}, nil,
      "parameters should either be a table or a multi-line string")
  end
end

local function declare_variables(A, env, parsed)
  for _, p in ipairs(parsed) do
    local d = p.d
    local loc = d.locality or "local"
    local e = {name = d.name, role = "variable", locality = loc, type = d.type or "float",
      init = d.init, init_pos = d.init_pos, method = nil, unless_refractory = d.unless_refractory or false,
      ctx = p.ctx, bounds = {min = d.min, max = d.max}}
    add_attribute(A, env, e, p.ctx, p.ps.npos)
    p.entry = e
  end
end

-- Resolves the equations (after every attribute is declared).
local function resolve_equations(A, env, parsed, allow)
  for _, p in ipairs(parsed) do
    local e = p.entry
    local ps = p.ps
    local S = scope(A, env, p.ctx, {allow = allow, locality = e.locality, tag = "equations"})
    local eq = {index = p.st.index, source = p.st.source, target = e.name, kind = ps.kind,
      op = ps.op, locality = e.locality, attribute = e, ctx = p.ctx, type = e.type}
    eq.rhs = resolve.resolve(ps.rhs, S)
    local deps = S.deps
    if ps.kind == "ode" then
      local LS = scope(A, env, p.ctx, {allow = allow, locality = e.locality, tag = "equations",
        keep_grad = true})
      eq.lhs = resolve.resolve(ps.lhs, LS)
      for _, d in ipairs(LS.deps) do deps[#deps + 1] = d end
      if e.type == "bool" then
        raise(p.ctx, ps.npos, "the bool variable " .. e.name .. " can not be defined by an ODE")
      end
      eq.gradkey = "d(" .. e.name .. ")"
      eq.xkey = "a:" .. e.name
      local f = symbolic.isolate(eq.lhs, eq.rhs, eq.gradkey)
      if not f then
        raise(p.ctx, ps.npos, "the ODE must be linear in the gradient d" .. e.name ..
          "/dt (as in tau * d" .. e.name .. "/dt + " .. e.name .. " = ...)")
      end
      eq.f = f
      eq.method = p.d.method or env.method or "explicit"
      if not builtins.METHODS[eq.method] then
        raise(p.ctx, nil, "unknown numerical method '" .. tostring(eq.method) .. "'")
      end
      eq.method = builtins.METHODS[eq.method]
      e.method = eq.method
    else
      if p.d.method then
        raise(p.ctx, p.d.method_pos, "a numerical method only applies to ODEs")
      end
      if e.type == "bool" and ps.op ~= "=" then
        raise(p.ctx, ps.oppos, "'" .. ps.op .. "' can not be used on the bool variable " .. e.name)
      end
    end
    if e.bounds.min or e.bounds.max then
      if e.type == "bool" then raise(p.ctx, nil, "a bool variable can not have min/max bounds") end
      local mn, d1 = bound_tree(A, env, e.bounds.min, p.ctx, e.locality, allow)
      local mx, d2 = bound_tree(A, env, e.bounds.max, p.ctx, e.locality, allow)
      e.min, e.max = mn, mx
      for _, d in ipairs(d1 or {}) do deps[#deps + 1] = d end
      for _, d in ipairs(d2 or {}) do deps[#deps + 1] = d end
    end
    eq.min, eq.max = e.min, e.max
    check_locality(A, e.name, e.locality, deps, p.ctx)
    eq.deps = deps
    e.equation = eq
    A.equations[#A.equations + 1] = eq
  end
end

local function finish(A)
  for _, e in ipairs(A.attributes) do
    e.ctx = nil
    e.bounds = nil
    e.init_pos = nil
  end
  A.signature = signature(A)
  A._lookup = nil
  A._fnames = nil
  return A
end

-- collects every plain identifier of raw parse trees
local function collect_names(tree, set, order)
  if type(tree) ~= "table" then return end
  if tree.op == "name" and not tree.side then
    if not set[tree.name] then
      set[tree.name] = true
      order[#order + 1] = tree.name
    end
  end
  for _, k in ipairs({"a", "b", "c", "lhs", "rhs", "expr"}) do collect_names(tree[k], set, order) end
  if tree.args then for _, a in ipairs(tree.args) do collect_names(a, set, order) end end
end

-- ---------------------------------------------------------------------------------------
-- neurons

--- Analyses a neuron type.
-- @param mdl an ann.Neuron object
-- @param env analysis environment (see the top of this file)
-- @return the analysed table
function M.neuron(mdl, env)
  env = env or {}
  if not model.is_neuron(mdl) then
    error("annarchy: a neuron type (ann.Neuron{...}) is expected, got " .. type(mdl), 0)
  end
  local spike = mdl.spike
  if spike ~= nil and type(spike) == "string" and spike:match("^%s*$") then spike = nil end
  local kind = spike and "spike" or "rate"
  local A = new_A("neuron", mdl, env, kind)
  local mctx = {object = "neuron", model = A.name}
  setup_functions(A, env, mdl.functions)
  declare_parameters(A, env, mdl)
  local parsed = parse_equations(A, mdl.equations)
  declare_variables(A, env, parsed)
  for _, p in ipairs(parsed) do
    if p.d.unless_refractory and kind ~= "spike" then
      raise(p.ctx, nil, "unless_refractory only applies to spiking neurons")
    end
  end

  local raw_reset = parse_events(A, mdl.reset, "reset", {})
  local raw_axon_reset = parse_events(A, mdl.axon_reset, "axon_reset", {})

  if kind == "rate" then
    if not A.attr.r then
      raise(mctx, nil, 'rate-coded neurons must define the variable "r"')
    end
    for _, f in ipairs({"reset", "refractory"}) do
      if mdl[f] ~= nil then
        raise(mctx, nil, f .. " is only for spiking neurons (there is no spike condition)")
      end
    end
    if mdl.axon_spike ~= nil then raise(mctx, nil, "axon_spike is only for spiking neurons") end
  else
    if A.attr.r then
      local e = A.attr.r
      raise(e.ctx or mctx, nil, 'spiking neurons use the variable "r" for the average firing ' ..
        'rate, use another name')
    end
    -- conductances: every g_X named in the equations, the spike condition or the reset
    local set, order = {}, {}
    for _, p in ipairs(parsed) do
      if p.ps.name:match("^g_") and not set[p.ps.name] then
        set[p.ps.name] = true; order[#order + 1] = p.ps.name
      end
      collect_names(p.ps, set, order)
    end
    local ok, stree = pcall(parser.expression, (spike:gsub("[\n;]", " ")), {})
    if ok then collect_names(stree, set, order) end
    for _, r in ipairs(raw_reset) do
      collect_names(r.ps, set, order)
      if r.ps.name and r.ps.name:match("^g_") and not set[r.ps.name] then
        set[r.ps.name] = true; order[#order + 1] = r.ps.name
      end
    end
    for _, name in ipairs(order) do
      local target = name:match("^g_([%a_][%w_]*)$")
      if target and target ~= "target" then
        A.targets[#A.targets + 1] = target
        if not A.attr[name] then
          local e = {name = name, role = "variable", locality = "local", type = "float", init = 0.0,
            implicit = true, unless_refractory = false}
          add_attribute(A, env, e, mctx)
          A._implicit_g = A._implicit_g or {}
          A._implicit_g[#A._implicit_g + 1] = e
        end
      end
    end
    add_attribute(A, env, {name = "r", role = "variable", locality = "local", type = "float",
      init = 0.0, implicit = true, unless_refractory = false}, mctx)
  end

  local allow = {random = true, gop = true, sum = (kind == "rate")}
  resolve_equations(A, env, parsed, allow)
  -- implicit g_X = 0 after the user equations
  for _, e in ipairs(A._implicit_g or {}) do
    local eq = {index = #A.equations + 1, source = e.name .. " = 0.0", target = e.name,
      kind = "assign", op = "=", locality = "local", attribute = e, implicit = true,
      rhs = {op = "num", value = 0.0, ty = "float"}, type = "float", deps = {},
      ctx = {object = "neuron", model = A.name, where = "equation"}}
    e.equation = eq
    A.equations[#A.equations + 1] = eq
  end
  A._implicit_g = nil
  for _, eq in ipairs(A.equations) do
    if eq.method == "event-driven" then
      raise(eq.ctx, nil, "the event-driven method is only available in spiking synapses")
    end
  end

  if kind == "spike" then
    local sallow = {gop = true}
    local tree, _, sctx = single_expression(A, env, spike, "spike condition",
      {allow = sallow, locality = "local", tag = "spike",
       single_line = "the spike condition must be a single expression"})
    if tree.ty ~= "bool" then
      raise(sctx, tree.pos, "the spike condition must be a boolean expression (as in v > v_thresh)")
    end
    A.spike = tree
    A.reset = resolve_events(A, env, raw_reset, "reset", {allow = sallow})
    if mdl.axon_spike ~= nil and not mdl.axon_spike:match("^%s*$") then
      local at, _, actx = single_expression(A, env, mdl.axon_spike, "axon_spike condition",
        {allow = sallow, locality = "local", tag = "spike",
         single_line = "the axon_spike condition must be a single expression"})
      if at.ty ~= "bool" then raise(actx, at.pos, "the axon_spike condition must be a boolean expression") end
      A.axon_spike = at
    end
    A.axon_reset = resolve_events(A, env, raw_axon_reset, "axon_reset", {allow = sallow})
    local rf = mdl.refractory
    if type(rf) == "number" then
      A.refractory = rf
    elseif type(rf) == "string" then
      local name = statements.trim(rf)
      local num = tonumber(name)
      if num then
        A.refractory = num
      elseif A.attr[name] then
        A.refractory = {name = name}
      else
        raise(mctx, nil, "refractory = " .. name .. ": parameter or variable does not exist" ..
          errors.hint(name, sorted_keys(A.attr)))
      end
    end
  else
    A.reset = {}
    A.axon_reset = {}
  end

  resolve_inits(A, env)
  require("annarchy.compiler.methods").prepare(A)
  return finish(A)
end

-- ---------------------------------------------------------------------------------------
-- synapses

local OPERATIONS = {sum = true, max = true, min = true, mean = true}

local function structural(A, env, value, where)
  if value == nil then return nil end
  local text, proba, w, d
  if type(value) == "string" then
    text = value
  else
    text, proba, w, d = value.equation, value.proba, value.w, value.d
  end
  local ctx = {object = "synapse", model = A.name, where = where}
  local sts = statements.split(text, ctx)
  if #sts ~= 1 then
    raise(errors.with(ctx, {source = statements.trim(text)}), nil, where .. " is one condition")
  end
  local st = sts[1]
  local sctx = errors.with(ctx, {source = st.source})
  local dsc = {}
  local allowed = {proba = true, _where = "in " .. where}
  if where == "creating" then allowed.w = true; allowed.d = true end
  apply_flags(A, dsc, st, sctx, allowed)
  local ps = parser.statement(st.text, sctx)
  if ps.kind ~= "cond" then
    raise(sctx, ps.oppos, "the " .. where .. " condition is a boolean expression, not an assignment")
  end
  local S = scope(A, env, sctx, {allow = {prepost = true, random = true, gop = true},
    locality = "local", tag = where, literal_random = true, max_randoms = 1})
  local e = resolve.resolve(ps.expr, S)
  if e.ty ~= "bool" then raise(sctx, e.pos, "the " .. where .. " condition must be a boolean expression") end
  if where == "creating" then
    for _, dep in ipairs(S.deps) do
      local r = dep.ref
      if r.kind == "attr" and r.locality ~= "global" then
        raise(sctx, dep.pos, "a creating condition can not use synaptic variables (" .. r.name .. ")")
      end
    end
  end
  for _, r in ipairs(A.randoms) do
    if r.where == where then r.locality = "local" end
  end
  return {expr = e, proba = dsc.proba or proba or 1.0, w = dsc.w or w or 0.0, d = dsc.d or d,
    source = st.source}
end

--- Analyses a synapse type.
-- @param mdl an ann.Synapse object
-- @param env analysis environment (see the top of this file)
-- @return the analysed table
function M.synapse(mdl, env)
  env = env or {}
  if not model.is_synapse(mdl) then
    error("annarchy: a synapse type (ann.Synapse{...}) is expected, got " .. type(mdl), 0)
  end
  local kind = env.kind or ((mdl.pre_spike ~= nil) and "spike" or "rate")
  local A = new_A("synapse", mdl, env, kind)
  local mctx = {object = "synapse", model = A.name}
  A.operation = mdl.operation or "sum"
  if not OPERATIONS[A.operation] then
    raise(mctx, nil, "the only operations permitted are: sum (default), min, max, mean" ..
      errors.hint(A.operation, {"sum", "min", "max", "mean"}))
  end
  if kind == "spike" and A.operation ~= "sum" then
    raise(mctx, nil, "spiking synapses can only perform a sum of presynaptic potentials")
  end
  if kind == "rate" then
    for _, f in ipairs({"pre_spike", "post_spike", "pre_axon_spike"}) do
      if mdl[f] ~= nil then
        raise(mctx, nil, f .. " is only for spiking synapses (the pre-synaptic population is rate-coded)")
      end
    end
  end
  if mdl.pre_axon_spike ~= nil and mdl.post_spike ~= nil then
    raise(mctx, nil, "the usage of axonal spike events is currently not allowed for plastic connections")
  end
  setup_functions(A, env, mdl.functions)
  declare_parameters(A, env, mdl)
  local parsed = parse_equations(A, mdl.equations)
  for _, p in ipairs(parsed) do
    if p.d.unless_refractory then raise(p.ctx, nil, "unless_refractory only applies to neurons") end
  end
  declare_variables(A, env, parsed)
  local raw_pre = parse_events(A, mdl.pre_spike, "pre_spike", {declare = true})
  local raw_post = parse_events(A, mdl.post_spike, "post_spike", {declare = true})
  local raw_axon = parse_events(A, mdl.pre_axon_spike, "pre_axon_spike", {declare = true})
  -- variables assigned in events but declared nowhere: local variables
  for _, list in ipairs({raw_pre, raw_post, raw_axon}) do
    for _, r in ipairs(list) do
      local name = r.ps.name
      if name ~= "g_target" and not A.attr[name] then
        local e = {name = name, role = "variable", locality = "local", type = r.d.type or "float",
          init = r.d.init, init_pos = r.d.init_pos, ctx = r.ctx, unless_refractory = false}
        add_attribute(A, env, e, r.ctx, r.ps.npos)
      elseif name ~= "g_target" and (r.d.init ~= nil or r.d.type ~= nil) then
        raise(r.ctx, nil, "init and type flags only apply to variables declared by this statement (" ..
          name .. " is declared elsewhere)")
      end
    end
  end
  if not A.attr.w then
    add_attribute(A, env, {name = "w", role = "parameter", locality = "local", type = "float",
      init = (mdl._defaults and mdl._defaults.w) or 0.0, implicit = true}, mctx)
  end

  local allow = {random = true, gop = true, prepost = true}
  resolve_equations(A, env, parsed, allow)
  local eallow = {prepost = true, gop = true}
  A.pre_spike = {gtarget = {}, other = {}}
  for _, ev in ipairs(resolve_events(A, env, raw_pre, "pre_spike", {allow = eallow, gtarget = true})) do
    if ev.gtarget then
      local list = A.pre_spike.gtarget
      list[#list + 1] = ev
    else
      local list = A.pre_spike.other
      list[#list + 1] = ev
    end
  end
  A.post_spike = resolve_events(A, env, raw_post, "post_spike", {allow = eallow})
  A.pre_axon_spike = resolve_events(A, env, raw_axon, "pre_axon_spike", {allow = eallow, gtarget = true})

  -- psp
  local psp_text = mdl.psp
  if psp_text ~= nil and psp_text:match("^%s*$") then psp_text = nil end
  if psp_text == nil and kind == "rate" then psp_text = "w * pre.r" end
  if psp_text ~= nil then
    local tree, _, pctx = single_expression(A, env, psp_text, "psp",
      {allow = {prepost = true, gop = true}, locality = "local", tag = "psp"})
    if tree.ty == "bool" then raise(pctx, tree.pos, "psp must be a number, not a condition") end
    A.psp = tree
    A._psp_ctx = pctx
  end
  if kind == "spike" and A.psp == nil and #A.pre_spike.gtarget == 0 then
    local w = A.attr.w
    A.pre_spike.gtarget[1] = {target = "g_target", gtarget = true, op = "+=", implicit = true,
      rhs = resolve.attr_var(w), source = "g_target += w", unless_post = false, deps = {},
      ctx = {object = "synapse", model = A.name, where = "pre_spike"}}
  end
  A.psp_targets = env.targets or {}

  -- event-driven variables
  A.event_driven = {}
  for _, eq in ipairs(A.equations) do
    if eq.method == "event-driven" then
      if kind ~= "spike" then
        raise(eq.ctx, nil, "the event-driven method is only available in spiking synapses")
      end
      A.event_driven[#A.event_driven + 1] = eq.target
      eq.attribute.event_driven = true
    end
  end
  if A.psp then
    symbolic.walk(A.psp, function(n)
      local at = n.op == "var" and n.ref.kind == "attr" and A.attr[n.ref.name]
      if at and at.event_driven then
        raise(A._psp_ctx, n.pos, "the event-driven variable " .. n.ref.name .. " can not be used in psp")
      end
    end)
  end
  A._psp_ctx = nil

  -- plasticity
  A.plastic = A.attr.w.role == "variable" and A.attr.w.equation ~= nil
  for _, list in ipairs({A.pre_spike.other, A.post_spike, A.pre_axon_spike}) do
    for _, ev in ipairs(list) do if ev.is_w then A.plastic = true end end
  end

  A.creating = structural(A, env, mdl.creating, "creating")
  A.pruning = structural(A, env, mdl.pruning, "pruning")

  resolve_inits(A, env)
  require("annarchy.compiler.methods").prepare(A)
  return finish(A)
end

-- ---------------------------------------------------------------------------------------
-- stop conditions

--- Parses a population stop condition `"r > 5.0 : any"` / `": all"` / `"spiked : any"`.
-- @param text the condition
-- @param A the analysed neuron
-- @param env optional environment (constants)
-- @return `{expr = tree | nil, spiked = bool, mode = "any"|"all", source}`
function M.condition(text, A, env)
  env = env or {}
  local ctx = {object = "neuron", model = A and A.name or "?", where = "stop condition"}
  if type(text) ~= "string" then raise(ctx, nil, "a stop condition is a string") end
  local sts = statements.split(text, ctx)
  if #sts ~= 1 then
    raise(errors.with(ctx, {source = statements.trim(text)}), nil, "a stop condition is one expression")
  end
  local st = sts[1]
  local sctx = errors.with(ctx, {source = st.source})
  local d = {}
  apply_flags(A or {object = "neuron"}, d, st, sctx, {any = true, all = true, _where = "in a stop condition"})
  local mode = d.mode or "any"
  if statements.trim(st.text) == "spiked" and not (A and A.attr.spiked) then
    if A and A.kind ~= "spike" then raise(sctx, 1, "spiked is only defined for spiking neurons") end
    return {spiked = true, mode = mode, source = st.source}
  end
  local ps = parser.statement(st.text, sctx)
  if ps.kind ~= "cond" then
    raise(sctx, ps.oppos, "a stop condition is a boolean expression, not an assignment")
  end
  local B = {object = "neuron", kind = A and A.kind or "rate", attr = A and A.attr or {},
    randoms = {}, gops = {}, targets = {}, functions = {}}
  local cache = {}
  local used = {}
  local locals = {}
  for _, f in ipairs(A and A.functions or {}) do
    if not f.global then locals[f.name] = f end
  end
  local S = {ctx = sctx, object = "neuron", kind = B.kind, attr = B.attr, constants = env.constants or {},
    allow = {sum = B.kind == "rate"}, locality = "local", A = B, env = env, deps = {}}
  S.func = function(name)
    if locals[name] then return locals[name] end
    for _, f in ipairs(A and A.functions or {}) do if f.name == name then return f end end
    if env.functions then
      local reg = env.functions.by_name and env.functions or nil
      if reg then
        local lookup = functions.resolver({}, reg,
          {constants = env.constants or {}, cache = cache, used = used})
        return lookup(name)
      end
    end
    return nil
  end
  local e = resolve.resolve(ps.expr, S)
  if e.ty ~= "bool" then raise(sctx, e.pos, "a stop condition must be a boolean expression") end
  return {expr = e, spiked = false, mode = mode, source = st.source, functions = used,
    targets = B.targets, uses_sum_all = B.uses_sum_all}
end

return M
