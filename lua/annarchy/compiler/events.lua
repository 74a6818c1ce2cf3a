--- Model analysis: event statements (reset, pre_spike, post_spike) and single expressions
-- (spike, psp, conditions), parsed and resolved in the scope of an analysed model.
local errors = require("annarchy.compiler.errors")
local statements = require("annarchy.compiler.statements")
local parser = require("annarchy.compiler.parser")
local resolve = require("annarchy.compiler.resolve")
local D = require("annarchy.compiler.declarations")

local raise, sorted_keys, apply_flags = D.raise, D.sorted_keys, D.apply_flags
local scope, bound_tree = D.scope, D.bound_tree

local M = {}

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

M.parse_events = parse_events
M.resolve_events = resolve_events
M.single_expression = single_expression

return M
