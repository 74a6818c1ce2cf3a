--- BOLD monitoring: BoldMonitor, the recorded populations' activity fed into one BOLD model
-- (annarchy.extensions.bold_model), whose variables are recorded.
--
--   local m = net:boldmonitor{populations = {pop1, pop2}, bold_model = ann.balloon_RN,
--                             mapping = {I_CBF = "r"}, normalize_input = 2000,
--                             recorded_variables = {"I_CBF", "BOLD"}}
--   net:compile(); net:simulate(1000); m:start(); net:simulate(20000)
--   local bold = m:get("BOLD")      -- Array {steps, 1}
--
-- A BOLD monitor is made of ordinary objects of the network: a one-neuron rate-coded
-- population of the BOLD model (named after the model, disabled until start()), one
-- projection per (mapping entry, recorded population) and a Monitor on the BOLD population.
--
-- Projection k (all-to-all from a population of N neurons) sums the population's variable
-- into a target `bold_in_k` of its own; the model is extended, in front of its equations, by
-- the contribution `bold_c_k` of that projection, and each `sum(I_X)` of the model's
-- equations reads the sum of the contributions of the projections mapped onto I_X:
--
--   bold_c_k = scale_k * sum(bold_in_k) / N                       (no normalisation)
--
-- With a baseline of B steps (normalize_input, ms) the mean m = sum(bold_in_k) / N of the
-- first B steps after start() gives the baseline mu, nothing is contributed during them, then
-- bold_c_k = scale_k * (m - mu) / (|mu| + 1e-7). The step counter, sum and baseline are
-- variables of the BOLD neuron (bold_n_k, bold_acc_k, bold_mu_k); start() clears them. As
-- the BOLD population is disabled while stopped, its projections do not transmit then: the
-- baseline window counts steps of activity after start(), as in ANNarchy.
local args = require("annarchy.args")
local util = require("annarchy.util")
local time = require("annarchy.time")
local model = require("annarchy.model")
local population = require("annarchy.population")
local bold_model = require("annarchy.extensions.bold_model")
local balloon_models = require("annarchy.extensions.balloon_models")

local fail = util.fail
local M = {}

-- ---- the neuron of one monitor ------------------------------------------------------------------

local function hidden_equations(k, normalised)
  local function n(s) return (s:gsub("_k", "_" .. k)) end
  if not normalised then
    return {n("bold_c_k = bold_scale_k * sum(bold_in_k) / bold_size_k")}
  end
  return {
    n("bold_m_k = sum(bold_in_k) / bold_size_k"),
    n("bold_acc_k = if bold_n_k < bold_base_k: bold_acc_k + bold_m_k else: bold_acc_k"),
    n("bold_mu_k = if bold_n_k == bold_base_k: bold_acc_k / bold_base_k else: bold_mu_k"),
    n("bold_c_k = if bold_n_k < bold_base_k: 0.0 else: "
      .. "bold_scale_k * ((bold_m_k - bold_mu_k) / (fabs(bold_mu_k) + 1e-7))"),
    n("bold_n_k = bold_n_k + 1"),
  }
end

local function hidden_parameters(k, pair)
  local out = {{"bold_scale_" .. k, pair.scale}, {"bold_size_" .. k, pair.size}}
  if pair.base > 0 then out[#out + 1] = {"bold_base_" .. k, pair.base} end
  return out
end

-- The BOLD model extended by the accumulation of the `links` (see the header).
local function monitor_neuron(bm, links)
  local eqs, params, by_input = {}, {}, {}
  for k, pair in ipairs(links) do
    for _, e in ipairs(hidden_equations(k, pair.base > 0)) do eqs[#eqs + 1] = e end
    for _, p in ipairs(hidden_parameters(k, pair)) do params[#params + 1] = p end
    by_input[pair.input] = by_input[pair.input] or {}
    table.insert(by_input[pair.input], "bold_c_" .. k)
  end
  local function rewrite(text)
    for input, cs in pairs(by_input) do
      text = text:gsub(bold_model.sum_pattern(input), function() return "(" .. table.concat(cs, " + ") .. ")" end)
    end
    return text
  end
  local user = bm.equations
  if type(user) == "string" or model.is_variable(user) then user = {user} end
  for _, e in ipairs(user or {}) do
    if model.is_variable(e) then
      eqs[#eqs + 1] = model.Variable(rewrite(e.equation), {init = e.init, min = e.min, max = e.max,
        method = e.method, locality = e.locality, type = e.type})
    else
      eqs[#eqs + 1] = rewrite(e)
    end
  end
  -- the hidden parameters are declared global, their values given as defaults
  local p = bm.parameters or {}
  if type(p) == "string" then
    local lines = {p}
    for _, x in ipairs(params) do lines[#lines + 1] = x[1] .. " = 0.0 : population" end
    p = table.concat(lines, "\n")
  else
    local copy = {}
    for k, v in pairs(p) do copy[k] = v end
    for _, x in ipairs(params) do copy[x[1]] = 0.0 end
    p = copy
  end
  local neuron = model.Neuron{parameters = p, equations = eqs, name = bm.name, description = bm.description}
  for k, v in pairs(bm._defaults or {}) do neuron._defaults[k] = v end
  for _, x in ipairs(params) do neuron._defaults[x[1]] = x[2] end
  return neuron
end

-- ---- BoldMonitor --------------------------------------------------------------------------------

local BoldMonitor = {}
local methods = {}

local ARG_NAMES = {"populations", "bold_model", "mapping", "scale_factor", "normalize_input",
                   "recorded_variables", "start"}

-- Three positional arguments whose last is the mapping ({I_CBF = "r"} looks like options).
local function parse(fname, n, ...)
  local last = n > 0 and select(n, ...) or nil
  if n == 3 and args.is_plain(last) and next(last) ~= nil and args.table_kind(last) == "options" then
    local known = false
    for _, k in ipairs(ARG_NAMES) do if last[k] ~= nil then known = true end end
    if not known then
      local a1, a2, a3 = ...
      return args.parse(fname, ARG_NAMES, 4, a1, a2, a3, {})
    end
  end
  return args.parse(fname, ARG_NAMES, n, ...)
end

local function per_population(what, v, count)
  if v == nil then return nil end
  if type(v) == "number" then
    local out = {}
    for i = 1, count do out[i] = v end
    v = out
  end
  if type(v) ~= "table" or getmetatable(v) ~= nil then
    fail("BoldMonitor: %s must be a number or a list of numbers (one per population)", what)
  end
  if #v ~= count then
    fail("BoldMonitor: %s has %d values for %d populations", what, #v, count)
  end
  for i = 1, count do
    if type(v[i]) ~= "number" or v[i] ~= v[i] then
      fail("BoldMonitor: %s: value %d is not a number (%s)", what, i, util.show(v[i]))
    end
  end
  return v
end

local function resolve_populations(net, pops)
  if pops == nil then
    fail("BoldMonitor: either a population or a list of populations must be provided (populations = ...)")
  end
  if type(pops) ~= "table" or getmetatable(pops) ~= nil then pops = {pops} end
  if #pops == 0 then fail("BoldMonitor: the list of populations is empty") end
  local out = {}
  for i, p in ipairs(pops) do
    if type(p) == "string" then
      if not net then
        fail("BoldMonitor: population %q is given by name; use net:boldmonitor(...) to look it up", p)
      end
      p = net:get_population(p)
    end
    local pop, ranks = population.resolve(p)
    if not pop or population.is_neuron(p) then
      fail("BoldMonitor: populations[%d] is not a population or population view (%s)", i, util.show(p))
    end
    if net and pop._.net ~= net then
      fail("BoldMonitor: population %q belongs to another network", pop._.name)
    end
    net = pop._.net
    out[i] = {obj = p, pop = pop, size = ranks and #ranks or pop._.size}
  end
  return out, net
end

local function check_mapping(mapping, bm, pops)
  if type(mapping) ~= "table" or getmetatable(mapping) ~= nil or args.table_kind(mapping) ~= "options"
      or next(mapping) == nil then
    fail("BoldMonitor: mapping must be a table {input = variable}, e.g. {I_CBF = \"r\"}")
  end
  local inputs = {}
  for _, x in ipairs(bm.bold.inputs) do inputs[x] = true end
  local keys = util.sorted_keys(mapping)
  for _, key in ipairs(keys) do
    if not inputs[key] then
      fail("BoldMonitor: the key %q of mapping is not an input of the BOLD model %q (inputs: %s)",
        key, bm.name, table.concat(bm.bold.inputs, ", "))
    end
    local var = mapping[key]
    if type(var) ~= "string" then
      fail("BoldMonitor: mapping[%q] must be the name of a population variable (got %s)", key, util.show(var))
    end
    for _, p in ipairs(pops) do
      if not p.pop._.A.attr[var] then
        fail("BoldMonitor: population %q has no attribute %q (mapping %s = %q)", p.pop._.name, var, key, var)
      end
    end
  end
  return keys
end

local function recorded_list(rv, bm)
  if rv == nil then rv = {} end
  if type(rv) == "string" then rv = {rv} end
  if type(rv) ~= "table" or getmetatable(rv) ~= nil then
    fail("BoldMonitor: recorded_variables must be a name or a list of names")
  end
  local set = {}
  for _, x in ipairs(rv) do set[x] = true end
  for _, x in ipairs(bm.bold.output) do set[x] = true end
  local out = util.sorted_keys(set)
  local defined = bold_model.variable_names(bm)
  for _, p in ipairs(model.parameter_names(bm)) do defined[p] = true end
  for _, x in ipairs(out) do
    if type(x) ~= "string" or not defined[x] then
      fail("BoldMonitor: %s is not a variable of the BOLD model %q", util.show(x), bm.name)
    end
  end
  return out
end

-- A population name not taken yet: the model's name, then "name (2)", "name (3)"...
local function free_name(net, name)
  if not net._.pop_by_name[name] then return name end
  local k = 2
  while net._.pop_by_name[("%s (%d)"):format(name, k)] do k = k + 1 end
  return ("%s (%d)"):format(name, k)
end

local synapses = {}
local function synapse_for(var)
  if not synapses[var] then
    synapses[var] = model.Synapse{psp = "pre." .. var, name = "BOLD accumulation of " .. var,
      description = "Sums the pre-synaptic " .. var .. " into the BOLD population (weights ignored)."}
  end
  return synapses[var]
end

-- Creates the monitor in `net` (nil: the network of the populations).
local function create(net, a)
  local bm = a.bold_model
  if bm == nil then bm = balloon_models.balloon_RN end
  if not bold_model.is_bold_model(bm) then
    fail("BoldMonitor: bold_model must be a BOLD model (ann.BoldModel{...} or a balloon model), got %s",
      util.show(bm))
  end
  local pops
  pops, net = resolve_populations(net, a.populations)
  if net.compiled then fail("BoldMonitor: the network is already compiled; create the monitor before compile()") end
  local count = #pops
  local scale = per_population("scale_factor", a.scale_factor, count)
  if not scale then
    local total = 0
    for _, p in ipairs(pops) do total = total + p.size end
    scale = {}
    for i, p in ipairs(pops) do scale[i] = p.size / total end
  end
  local normalize = per_population("normalize_input", a.normalize_input, count) or {}
  local base = {}
  for i = 1, count do
    local ms = normalize[i] or 0
    if ms < 0 then fail("BoldMonitor: normalize_input must be >= 0 ms (got %s)", util.show(ms)) end
    base[i] = ms > 0 and time.steps_floor(ms, net.dt) or 0
    if ms > 0 and base[i] < 1 then
      fail("BoldMonitor: normalize_input (%g ms) is shorter than one step (dt = %g ms)", ms, net.dt)
    end
  end
  local mapping = a.mapping or {I_CBF = "r"}
  local keys = check_mapping(mapping, bm, pops)
  local recorded = recorded_list(a.recorded_variables, bm)
  if a.start ~= nil and type(a.start) ~= "boolean" then fail("BoldMonitor: start must be a boolean") end
  local links = {}
  for _, input in ipairs(keys) do
    for i, p in ipairs(pops) do
      links[#links + 1] = {input = input, var = mapping[input], pop = p,
                             scale = scale[i], size = p.size, base = base[i]}
    end
  end
  local neuron = monitor_neuron(bm, links)
  local pop = net:create(1, neuron, {name = free_name(net, bm.name)})
  local projections = {}
  for k, pair in ipairs(links) do
    local proj = net:connect(pair.pop.obj, pop, "bold_in_" .. k, {synapse = synapse_for(pair.var)})
    proj:all_to_all(1.0)
    projections[k] = proj
  end
  if not a.start then pop:disable() end
  local mon = net:monitor(pop, recorded, {start = a.start == true})
  return setmetatable({_ = {net = net, model = bm, population = pop, monitor = mon, links = links,
                            projections = projections, recorded = recorded}}, BoldMonitor)
end

--- m:start(): starts recording, lets the BOLD model integrate, and starts the baseline window
-- of every normalised input (from the current step).
function methods.start(m)
  if m._.stopped then
    fail("BoldMonitor %q: the monitor was stopped (its recordings are deleted); create a new one",
      m._.population.name)
  end
  m._.monitor:start()
  local pop = m._.population
  pop:enable()
  for k, pair in ipairs(m._.links) do
    if pair.base > 0 then
      pop["bold_n_" .. k] = 0.0
      pop["bold_acc_" .. k] = 0.0
      pop["bold_mu_" .. k] = 0.0
    end
  end
end

--- m:stop(): stops the monitor (its unretrieved recordings are deleted, as Monitor:stop()) and
-- freezes the BOLD model.
function methods.stop(m)
  m._.monitor:stop()
  m._.population:disable()
  m._.stopped = true
end

--- m:get(variable, {keep, reshape}): the recordings of a variable, an Array {steps, 1};
-- the same arguments as Monitor:get.
function methods.get(m, ...)
  return m._.monitor:get(...)
end

local fields = {}
function fields.recorded_variables(m) return util.copy_list(m._.recorded) end

BoldMonitor.__index = util.class_index(fields, methods, function(m, k)
  local pop = m._.population
  if pop._.A.attr[k] then
    if not m._.net.compiled then
      fail("BoldMonitor %q: attributes can not be read or modified before compile()", pop.name)
    end
    return pop[k]
  end
  fail("BoldMonitor %q: '%s' is not an attribute of the BOLD model", pop.name, tostring(k))
end)

BoldMonitor.__newindex = function(m, k, v)
  local pop = m._.population
  if not pop._.A.attr[k] then
    fail("BoldMonitor %q: '%s' is not an attribute of the BOLD model", pop.name, tostring(k))
  end
  if not m._.net.compiled then
    fail("BoldMonitor %q: attributes can not be read or modified before compile()", pop.name)
  end
  pop[k] = v
end

BoldMonitor.__tostring = function(m) return ("BoldMonitor %q"):format(m._.population.name) end

--- `net:boldmonitor(populations, bold_model, mapping, scale_factor, normalize_input,
-- recorded_variables, start)` (network.lua delegates here with the network and the count of
-- arguments).
function M.boldmonitor(net, n, ...)
  return create(net, parse("Network:boldmonitor", n, ...))
end

--- `ann.BoldMonitor(...)`: the same arguments as net:boldmonitor; the monitor is created in the
-- network of the recorded populations.
function M.BoldMonitor(...)
  return create(nil, parse("ann.BoldMonitor", select("#", ...), ...))
end

return M
