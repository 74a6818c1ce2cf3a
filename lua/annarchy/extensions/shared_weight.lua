--- What the shared-weight projections (Convolution, Pooling, Copy, Transpose) have in common:
-- an ordinary Projection without synapses of its own, whose kernels
-- (annarchy.codegen.shared_weights) loop over a filter, a region or another projection's
-- synapses, and whose data (filters, centres, indices) goes into the projection's extension
-- buffers after compile.
local util = require("annarchy.util")
local args = require("annarchy.args")
local time = require("annarchy.time")
local runtime = require("annarchy.runtime")
local connectors = require("annarchy.connectors")
local kp = require("annarchy.codegen.projection")
local projection = require("annarchy.projection")
local population = require("annarchy.population")
local special = require("annarchy.extensions.special_projections")

local fail = util.fail
local M = {}

M.description = special.description
M.attach = special.attach
M.check_target = special.check_target

--- The Population behind `obj` (a population or a name with a network); views are refused,
-- as the mapping uses the geometry.
function M.population(kind, obj, what, net)
  if obj == nil then fail("%s: the %s population must be given", kind, what) end
  if type(obj) == "string" then
    if not net then return nil end
    obj = net:get_population(obj)
  end
  local pop, ranks = population.resolve(obj)
  if not pop then fail("%s: the %s population must be a Population, got %s", kind, what, util.show(obj)) end
  if ranks then
    fail("%s: the %s population must be a whole Population, not a view (the mapping uses its geometry)",
      kind, what)
  end
  return pop
end

--- The arguments of a constructor `kind(pre, post, target, {psp, operation, name})`, checked,
-- with psp defaulting to `default_psp` and operation to the first of `operations`.
function M.arguments(kind, default_psp, operations, n, ...)
  local a = args.parse(kind, {"pre", "post", "target", "psp", "operation", "name"}, n, ...)
  M.check_target(kind, a.target)
  if a.psp == nil then a.psp = default_psp end
  if type(a.psp) ~= "string" then fail("%s: psp must be a string, got %s", kind, util.show(a.psp)) end
  if a.operation == nil then a.operation = operations[1] end
  local names, known = {}, false
  for i, o in ipairs(operations) do
    names[i] = ("%q"):format(o)
    known = known or o == a.operation
  end
  if not known then
    fail("%s: the operation must be %s or %s, got %s", kind, table.concat(names, ", ", 1, #names - 1),
      names[#names], util.show(a.operation))
  end
  M.population(kind, a.pre, "pre-synaptic")
  M.population(kind, a.post, "post-synaptic")
  return a
end

--- The pre- and post-synaptic populations of checked arguments, in network `net`.
function M.sides(kind, a, net)
  return M.population(kind, a.pre, "pre-synaptic", net), M.population(kind, a.post, "post-synaptic", net)
end

--- Where the weight of projection `O` lives in its layout: {index, ctype, locality}.
function M.weight_of(O, dtype)
  local w = kp.projection_layout(O._.A, connectors.shared_weight(O), dtype).by_name.w
  return {index = w.index, ctype = w.ctype, locality = w.locality}
end

--- A row-major {shape = {...}, values = {...}} from a nested list of numbers or an Array.
function M.tensor(x, who, what)
  if runtime.is_array(x) then
    local shape = {}
    for i, n in ipairs(x.shape) do shape[i] = n end
    local flat = x:flatten()
    local values = {}
    for i = 1, flat.size do values[i] = flat[i] end
    return {shape = shape, values = values}
  end
  if type(x) == "number" then return {shape = {}, values = {x}} end
  if type(x) ~= "table" or getmetatable(x) ~= nil or #x == 0 then
    fail("%s: %s must be a (nested) list of numbers or an Array, got %s", who, what, util.show(x))
  end
  local shape, values = {}, {}
  local function walk(t, depth)
    if type(t) == "number" then
      if depth <= #shape then fail("%s: %s are not rectangular (a number where a list is expected)", who, what) end
      values[#values + 1] = t
      return
    end
    if type(t) ~= "table" or getmetatable(t) ~= nil then
      fail("%s: %s must hold numbers only, got %s", who, what, util.show(t))
    end
    if shape[depth] == nil then
      if #values > 0 then fail("%s: %s are not rectangular (a list where a number is expected)", who, what) end
      shape[depth] = #t
    elseif shape[depth] ~= #t then
      fail("%s: %s are not rectangular (lists of %d and %d elements at depth %d)", who, what, shape[depth], #t, depth)
    end
    for i = 1, #t do walk(t[i], depth + 1) end
  end
  walk(x, 1)
  return {shape = shape, values = values}
end

--- The number of steps of a constant delay in ms: floor(delays/dt) (with a tolerance of
-- 1e-9 step); one step or less means the usual transmission of the previous step's values.
function M.delay_steps(who, delays, dt)
  if delays == nil then return 1 end
  if type(delays) ~= "number" or delays ~= delays or delays < 0 or delays == math.huge then
    fail("%s: delays must be a constant number of ms, got %s", who, util.show(delays))
  end
  local steps = time.steps_floor(delays, dt)
  return steps < 1 and 1 or steps
end

--- Creates the projection: pre and post, the synapse model holding the psp, the special
-- declaration `sp` (kind, fields) and the methods and fields served to the user.
function M.connect(net, pre, post, target, synapse, name, sp, methods, fields)
  local proj = projection.connect(net, 4, pre, post, target, {synapse = synapse, name = name})
  proj._.special = sp
  local none = "is not available: the projection has no synapses of its own"
  sp.refuse = {connectivity_matrix = none, receptive_fields = none}
  -- no weights of its own (a Convolution's filter is proj.weights)
  local function no_w(p)
    fail("%s %q: the projection has no synapses and no w of its own%s", sp.kind, p._.name,
      sp.kind == "Convolution" and " (its filter is proj.weights)" or "")
  end
  sp.fields = sp.fields or {}
  sp.fields.w = {get = no_w, set = no_w}
  sp.plan = function(P) M.plan(proj, P) end
  sp.after_compile = sp.after_compile or M.after_compile
  return M.attach(proj, methods, fields or {})
end

--- Records the connection: `kernel` the kernel declaration (structure), `data` the buffers
-- {slot = list of numbers} pushed after compile, `steps` the delay, `label` for the report.
function M.record(proj, label, kernel, data, steps)
  local sp = proj._.special
  if proj._.net._.rt then
    fail("%s %q: the network is compiled; connect before compile", sp.kind, proj._.name)
  end
  if proj._.connector then
    util.warn(proj._.net, "Projection %s was already connected: its data will be overwritten.", proj._.name)
  end
  proj._.connector = {kind = "from_lists", lists = {}, label = label, list_delay_kind = "none", delays = 0.0,
                      stream = 0}
  sp.kernel, sp.data, sp.steps = kernel, data, steps or 1
  return proj
end

--- The plan hook: no synapses; the pre values read through a delay when there is one.
function M.plan(proj, P)
  local sp = proj._.special
  P.delay_kind, P.rate_delays, P.delayed = "none", false, {}
  if (sp.steps or 1) > 1 then
    P.delay_kind, P.rate_delays = "uniform", true
    local names = util.sorted_keys((P.A.pre_refs_by or {}).psp or {})
    for _, n in ipairs(names) do
      local a = P.pre_plan.L.by_name[n]
      if a then P.delayed[#P.delayed + 1] = a.index end
    end
  end
  if sp.adjust_plan then sp.adjust_plan(P) end
end

--- Pushes one buffer.
function M.push(proj, rt, slot, values)
  runtime.proj_set_ext(rt, proj._.id, slot, runtime.array(#values > 0 and values or {0}))
end

--- After compile: the buffers, the delay, the link.
function M.after_compile(proj, rt)
  local sp = proj._.special
  for slot, values in pairs(sp.data or {}) do M.push(proj, rt, slot, values) end
  if (sp.steps or 1) > 1 then runtime.proj_set_delay(rt, proj._.id, sp.steps) end
  if sp.link then runtime.proj_link(rt, proj._.id, sp.link._.id) end
end

--- Row-major coordinates (0-based) of rank r (0-based) in geometry g.
function M.coordinates(g, r)
  local c = {}
  for d = #g, 1, -1 do
    c[d] = r % g[d]
    r = (r - c[d]) / g[d]
  end
  return c
end

return M
