--- Model analysis: from a Neuron/Synapse object to a plain table the code generator uses.
--
-- `analyse.neuron(model, env)` and `analyse.synapse(model, env)` raise annarchy errors
-- (string messages with the statement and a caret) for every fault; they never raise Lua
-- runtime errors on malformed input. The stages live beside it: compiler/declarations.lua
-- (flags, attributes, equations, scopes), compiler/events.lua (event statements, single
-- expressions); this file puts them together (functions, signature, neurons, synapses, stop
-- conditions).
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
local D = require("annarchy.compiler.declarations")
local E = require("annarchy.compiler.events")

local raise, sorted_keys, apply_flags = D.raise, D.sorted_keys, D.apply_flags
local add_attribute, parameters_from_table = D.add_attribute, D.parameters_from_table
local parameters_from_string, parse_equations = D.parameters_from_string, D.parse_equations
local scope, bound_tree, check_locality, resolve_inits = D.scope, D.bound_tree, D.check_locality, D.resolve_inits
local parse_events, resolve_events, single_expression = E.parse_events, E.resolve_events, E.single_expression

local M = {}

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
    parameters_from_string(A, env, p, defaults, mdl.extra_values)
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
    local tree = single_expression(A, env, spike, "spike condition",
      {allow = sallow, locality = "local", tag = "spike",
       single_line = "the spike condition must be a single expression"})
    if tree.ty ~= "bool" then   -- a number: non-zero is true (as the reference's C++ `if`)
      tree = {op = "!=", a = tree, b = {op = "num", value = 0.0, pos = tree.pos, ty = "float"},
              pos = tree.pos, opos = tree.pos, ty = "bool"}
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
