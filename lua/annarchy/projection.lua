--- Projection (reference §9; API.md "Projection, Dendrite, IndividualSynapse").
-- Ranks and dendrites are 1-based here; the runtime below is 0-based.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local time = require("annarchy.time")
local args = require("annarchy.args")
local random = require("annarchy.random")
local population = require("annarchy.population")
local connectors = require("annarchy.connectors")
local attributes = require("annarchy.projection_attributes")
local state = require("annarchy.io.state")

local fail = util.fail
local M = {}

local Projection = {}
M.Projection = Projection

local function is_projection(x) return getmetatable(x) == Projection end
M.is_projection = is_projection

--- Fields and methods of projections and dendrites: a synapse attribute may not use them.
local RESERVED = {}
for _, k in ipairs{"name", "size", "nb_synapses", "nb_synapses_per_dendrite", "post_ranks",
                   "pre_ranks", "target", "targets", "pre", "post", "transmission", "update",
                   "plasticity", "delay", "get", "set", "dendrite", "synapse", "synapses",
                   "dendrites", "enable_learning", "disable_learning", "reset",
                   "connectivity_matrix", "receptive_fields", "receptive_field",
                   "save_connectivity", "save", "load", "start_creating", "stop_creating",
                   "start_pruning", "stop_pruning", "attributes", "parameters", "variables",
                   "synapse_type", "network", "id", "post_rank", "proj", "create_synapse",
                   "create_synapses", "prune_synapse", "prune_synapses", "functions",
                   "axon_transmission", "max_delay", "uniform_delay"} do
  RESERVED[k] = "it is a field or method of Projection or Dendrite"
end
for k in pairs(connectors.methods) do RESERVED[k] = "it is a connector method of Projection" end
M.RESERVED = RESERVED

local where = attributes.where
M.where = where
local attribute, index, check_compiled = attributes.attribute, attributes.index, attributes.check_compiled

local function rt_of(proj) return proj._.net._.rt end

-- ---- creation ---------------------------------------------------------------------------------

local function default_synapse(kind)
  local model = require("annarchy.model")
  if kind == "spike" then return model.Synapse{pre_spike = "g_target += w", name = "Spiking synapse"} end
  return model.Synapse{psp = "w * pre.r", name = "Rate-coded synapse"}
end

local function side(net, obj, what)
  if obj == nil then fail("Network:connect(): the %s population must be provided.", what) end
  if type(obj) == "string" then obj = net:get_population(obj) end
  local pop, ranks = population.resolve(obj)
  if not pop then
    fail("Network:connect(): the %s population must be a Population, a PopulationView, an "
      .. "IndividualNeuron or a population name, got %s", what, util.show(obj))
  end
  if pop._.net ~= net then fail("Network:connect(): population %q belongs to another network", pop._.name) end
  return pop, ranks, obj
end

--- net:connect(pre, post, target, {synapse, name})
function M.connect(net, n, ...)
  local first = ...
  if n == 1 and type(first) == "table" and getmetatable(first) and rawget(getmetatable(first), "__special_projection") then
    return first:_connect(net)
  end
  local a = args.parse("Network:connect", {"pre", "post", "target", "synapse", "name", "projection"}, n, ...)
  if a.projection ~= nil then
    local mt = type(a.projection) == "table" and getmetatable(a.projection)
    if not (mt and rawget(mt, "__special_projection")) then
      fail("Network:connect(): 'projection' takes a projection such as ann.CurrentInjection(...), got %s",
        util.show(a.projection))
    end
    for _, k in ipairs{"pre", "post", "target", "synapse", "name"} do
      if a[k] ~= nil then
        fail("Network:connect(): '%s' cannot be given with 'projection': give it to the projection's "
          .. "constructor", k)
      end
    end
    return a.projection:_connect(net)
  end
  local pre, pre_ranks0, pre_obj = side(net, a.pre, "pre")
  local post, post_ranks0, post_obj = side(net, a.post, "post")
  local targets = a.target
  if targets == nil then fail("Network:connect(): the target must be specified.") end
  if type(targets) == "string" then targets = {targets} end
  if type(targets) ~= "table" or #targets == 0 then
    fail("Network:connect(): the target must be a name or a list of names")
  end
  for _, t in ipairs(targets) do
    if type(t) ~= "string" or not t:match("^[%a_][%w_]*$") then
      fail("Network:connect(): %s is not a valid target name", util.show(t))
    end
  end
  local model = require("annarchy.model")
  local syn = a.synapse
  if syn == nil then syn = default_synapse(pre._.A.kind) end
  if not model.is_synapse(syn) then
    fail("Network:connect(): synapse must be a synapse model (ann.Synapse{...}), got %s", type(syn))
  end
  local A = require("annarchy.compiler.analyse").synapse(syn, net:_env{
    kind = pre._.A.kind, targets = targets, pre = pre._.A, post = post._.A, reserved = RESERVED})
  local id = #net._.projs
  local name = a.name
  if name == nil or tostring(name):match("^proj%d+$") then name = "proj" .. id end
  if net._.proj_by_name[name] then fail("Network:connect(): a projection is already named %q", name) end
  -- reference §4.7: pre.sum(t) needs that target
  for t in pairs(A.pre_sum_refs or {}) do
    local ok = pre._.targets[t]
    for _, x in ipairs(pre._.A.targets or {}) do if x == t then ok = true end end
    if not ok then
      fail("The pre-synaptic population %s receives no projection with the type %s", pre._.name, t)
    end
  end
  for _, t in ipairs(targets) do post._.targets[t] = true end
  local self = setmetatable({}, Projection)
  rawset(self, "_", {
    net = net, id = id, name = name, pre = pre, post = post, pre_obj = pre_obj, post_obj = post_obj,
    pre_ranks0 = pre_ranks0, post_ranks0 = post_ranks0,
    pre_size = pre_ranks0 and #pre_ranks0 or pre._.size,
    post_size = post_ranks0 and #post_ranks0 or post._.size,
    targets = targets, synapse = syn, A = A, init = {}, init_set = {}, home = attributes.HOMES.initial,
    flags = {transmission = true, update = true, plasticity = true},
    schedule = {period = 1, offset = 0},
  })
  for _, at in ipairs(A.attributes) do
    if at.init ~= nil and type(at.init) ~= "table" then self._.init[at.name] = at.init end
    if random.is_distribution(at.init) then self._.init[at.name] = at.init end
  end
  self._.functions = population.model_functions(A, net, where(self))
  net._.projs[#net._.projs + 1] = self
  net._.proj_by_name[name] = self
  return self
end

-- ---- fields and methods ----------------------------------------------------------------------

local fields = {}
local methods = {}
M.fields, M.methods = fields, methods

function fields.name(p) return p._.name end
function fields.pre(p) return p._.pre_obj end
function fields.post(p) return p._.post_obj end
function fields.network(p) return p._.net end
function fields.id(p) return p._.id end
function fields.target(p)
  if #p._.targets == 1 then return p._.targets[1] end
  return util.copy_list(p._.targets)
end
function fields.synapse_type(p) return p._.synapse end
function fields.attributes(p)
  local out = {}
  for _, a in ipairs(p._.A.attributes) do out[#out + 1] = a.name end
  return out
end
function fields.parameters(p)
  local out = {}
  for _, a in ipairs(p._.A.attributes) do if a.role == "parameter" then out[#out + 1] = a.name end end
  return out
end
function fields.variables(p)
  local out = {}
  for _, a in ipairs(p._.A.attributes) do if a.role ~= "parameter" then out[#out + 1] = a.name end end
  return out
end

function fields.size(p)
  check_compiled(p, "size")
  return (runtime.proj_size(rt_of(p), p._.id))
end
function fields.nb_synapses(p)
  check_compiled(p, "nb_synapses")
  local _, n = runtime.proj_size(rt_of(p), p._.id)
  return n
end
function fields.nb_synapses_per_dendrite(p)
  check_compiled(p, "nb_synapses_per_dendrite")
  return runtime.proj_dendrite_sizes(rt_of(p), p._.id)
end
function fields.post_ranks(p)
  check_compiled(p, "post_ranks")
  return runtime.proj_post_ranks(rt_of(p), p._.id)
end
function fields.pre_ranks(p)
  check_compiled(p, "pre_ranks")
  return runtime.proj_pre_ranks(rt_of(p), p._.id)
end

for _, flag in ipairs{"transmission", "update", "plasticity"} do
  fields[flag] = function(p) return p._.flags[flag] end
end
function fields.axon_transmission(p) return p._.flags.axon_transmission ~= false end

local function push_flags(p)
  local rt = rt_of(p)
  if rt then
    runtime.proj_flags(rt, p._.id, p._.flags.transmission, p._.flags.update, p._.flags.plasticity,
      p._.flags.axon_transmission ~= false)
    runtime.proj_schedule(rt, p._.id, p._.schedule.period, p._.schedule.offset)
  end
end

--- proj.delay: dt without delays; the uniform delay in ms; per-synapse: lists of ms.
function fields.delay(p)
  local dt = p._.net._.dt
  local rt = rt_of(p)
  if not rt then
    local c = p._.connector
    if c and type(c.delays) == "number" then return time.ms(time.delay_steps(c.delays, dt), dt) end
    return c and c.delays or dt
  end
  local kind, v = runtime.proj_delay(rt, p._.id)
  if kind ~= "variable" then return v * dt end
  for _, row in ipairs(v) do
    for k = 1, #row do row[k] = time.ms(row[k], dt) end
  end
  return v
end

-- The delays in steps: "none"/"uniform" and a number, or "variable" and the largest one;
-- before compile from the connector.
local function delay_steps(p)
  local rt = rt_of(p)
  if not rt then
    if p._.connector and connectors.delay_kind(p) == "variable" then return "variable", connectors.max_delay_steps(p) end
    return "uniform", connectors.max_delay_steps(p)
  end
  local kind, v = runtime.proj_delay(rt, p._.id)
  if kind ~= "variable" then return kind, math.max(1, v) end
  local m = 1
  for _, row in ipairs(v) do
    for k = 1, #row do m = math.max(m, row[k]) end
  end
  return kind, m
end

--- The largest delay in steps (1 when the projection has no delay).
function fields.max_delay(p)
  local _, steps = delay_steps(p)
  return steps
end

--- The delay in steps when every synapse has the same (1 without delay), else -1.
function fields.uniform_delay(p)
  local kind, steps = delay_steps(p)
  return kind == "variable" and -1 or steps
end

local function set_delay(p, v)
  local rt = rt_of(p)
  if not rt then fail("%s: setting delays before compile is not implemented yet (give them to the connector)", where(p)) end
  local dt = p._.net._.dt
  local axonal = p._.A.kind == "spike" and #(p._.A.pre_axon_spike or {}) > 0
  local function steps(ms)
    if type(ms) ~= "number" or ms < 0 or ms ~= ms then fail("%s: delays must be non-negative numbers of ms", where(p)) end
    local s = time.delay_steps(ms, dt)
    if axonal and s > 1 then
      fail("%s: axonal spikes (pre_axon_spike) are transmitted without delay; the projection cannot "
        .. "have delays", where(p))
    end
    return s
  end
  if type(v) == "number" then
    runtime.proj_set_delay(rt, p._.id, steps(v))
    return
  end
  if type(v) ~= "table" then fail("%s: delay takes a number or a list of lists of ms", where(p)) end
  local sizes = runtime.proj_dendrite_sizes(rt, p._.id)
  if #v ~= #sizes then
    fail("%s: the projection has %d post-synaptic neurons, the list must have the same size.", where(p), #sizes)
  end
  local flat = {}
  for d = 1, #sizes do
    local row = v[d]
    if type(row) ~= "table" or #row ~= sizes[d] then
      fail("%s: the dendrite %d receives %d synapses: give %d delays", where(p), d, sizes[d], sizes[d])
    end
    for k = 1, #row do flat[#flat + 1] = steps(row[k]) end
  end
  runtime.proj_set_delay(rt, p._.id, flat)
end

-- The fields a special projection serves itself (proj._.special.fields: name -> {get, set}),
-- read and written like attributes (the filter of a Convolution).
local function special_field(p, name)
  local sp = p._.special
  return sp and sp.fields and sp.fields[name]
end

function methods.get(p, name)
  local sf = special_field(p, name)
  if sf then return sf.get(p) end
  return attributes.read(p, name)
end

function methods.set(p, t)
  if type(t) ~= "table" or getmetatable(t) ~= nil then
    fail("%s: set() takes a table of names and values", where(p))
  end
  for k in pairs(t) do if not special_field(p, k) then attribute(p, k) end end
  for k, v in pairs(t) do
    local sf = special_field(p, k)
    if sf then sf.set(p, v) else attributes.write(p, k, v) end
  end
end

local function dendrite_index(p, rank_or_coords, what)
  check_compiled(p, "dendrites")
  local post = p._.post
  local rank = rank_or_coords
  if type(rank) == "table" then rank = post:rank_from_coordinates(rank) end
  if not util.is_integer(rank) or rank < 1 or rank > post._.size then
    fail("%s: %s: the post-synaptic rank %s is out of range 1..%d", where(p), what, util.show(rank_or_coords),
      post._.size)
  end
  local d = runtime.proj_dendrite_of(rt_of(p), p._.id, rank - 1)
  if d < 0 then fail("%s: the neuron of rank %d has no dendrite in this projection.", where(p), rank) end
  return d, rank
end
M.dendrite_index = dendrite_index

function methods.dendrite(p, ...)
  local x = ...
  if select("#", ...) > 1 then x = {...} end
  local d, rank = dendrite_index(p, x, "dendrite()")
  return require("annarchy.dendrite").new(p, d, rank)
end

function methods.synapse(p, pre_rank, post_rank)
  return methods.dendrite(p, post_rank):synapse(pre_rank)
end

--- for d in proj:dendrites() do ... end
function methods.dendrites(p)
  check_compiled(p, "dendrites")
  local post = runtime.proj_post_ranks(rt_of(p), p._.id)
  local k = 0
  return function()
    k = k + 1
    if post[k] == nil then return nil end
    return require("annarchy.dendrite").new(p, k - 1, post[k])
  end
end

function methods.enable_learning(p, opts)
  opts = opts or {}
  local a = args.parse("Projection:enable_learning", {"period", "offset"}, 1, opts)
  local net = p._.net
  if a.offset ~= nil and a.period == nil then
    fail("%s: enable_learning(): if you define an offset, you have to define a period.", where(p))
  end
  if a.period ~= nil and a.offset ~= nil and a.offset >= a.period then
    fail("%s: enable_learning(): the offset must be smaller than the period.", where(p))
  end
  if not rt_of(p) then
    util.warn(p._.net, "%s: enable_learning() is only possible after compile", where(p))
    return
  end
  local dt = net._.dt
  local period = a.period and math.max(1, time.steps_floor(a.period, dt)) or 1
  local offset = a.offset and time.steps_floor(a.offset, dt) or 0
  p._.flags.update, p._.flags.plasticity = true, true
  p._.schedule.period = period
  p._.schedule.offset = net.current_step + offset   -- QUIRKS 17: the projection's own network time
  push_flags(p)
end

--- The learning flags and schedule (period in steps, offset an absolute step), as net:save keeps
-- them (io/dynamic_state.lua).
function methods._learning(p)
  local f, s = p._.flags, p._.schedule
  return {transmission = f.transmission, update = f.update, plasticity = f.plasticity,
          period = s.period, offset = s.offset}
end

--- Gives the projection the flags and schedule _learning returned (net:load).
function methods._restore_learning(p, t)
  p._.flags.transmission, p._.flags.update, p._.flags.plasticity = t.transmission, t.update, t.plasticity
  p._.schedule.period, p._.schedule.offset = t.period, t.offset
  push_flags(p)
end

function methods.disable_learning(p)
  if p._.A.kind == "rate" then p._.flags.update = false else p._.flags.plasticity = false end
  push_flags(p)
end

function methods.reset(p, opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("%s: reset() takes a table of options", where(p)) end
  local a = args.parse("Projection:reset", {"attributes", "synapses"}, 1, opts)
  local rt = rt_of(p)
  if not rt then return end
  if a.synapses then
    connectors.redraw(p)
    runtime.proj_set_connectivity(rt, p._.id, connectors.build(p, p._.net))
  end
  local names = a.attributes
  if type(names) == "string" then names = {names} end
  if names == nil or names == -1 then
    names = {}
    for _, at in ipairs(p._.layout.attrs) do
      if at.name ~= "_last_event" and (at.name ~= "w" or p._.init_set.w) then names[#names + 1] = at.name end
    end
  end
  for _, name in ipairs(names) do
    attribute(p, name)
    attributes.write_runtime(p, name, require("annarchy.projection_build").initial_value(p._.net, p, name))
  end
end

-- A special projection may declare methods that make no sense for it (proj._.special.refuse:
-- name -> reason): they fail with that reason instead of answering with empty data.
local function refuse(p, name)
  local sp = p._.special
  local why = sp and sp.refuse and sp.refuse[name]
  if why then fail("%s %q: %s() %s", sp.kind, p._.name, name, why) end
end

--- Replaces the connectivity of a compiled projection by the one connector c draws (a
-- connector method called after compile, as after reset{synapses = true}): the storage chosen
-- at compile must suit it. Attributes other than the weights take their initial values.
function methods._reconnect(p, c)
  local old = p._.connector
  p._.connector = c
  if connectors.shared_weight(p) ~= p._.shared_weight then
    p._.connector = old
    fail("%s: the network is compiled with %s; the new connectivity needs %s: connect it so "
      .. "before compile", where(p), p._.shared_weight and "one weight shared by every synapse"
      or "one weight per synapse", p._.shared_weight and "one weight per synapse" or "one shared weight")
  end
  local ok, err = pcall(runtime.proj_set_connectivity, rt_of(p), p._.id, connectors.build(p, p._.net))
  if not ok then
    p._.connector = old
    error(err, 0)
  end
  local names = {}
  for _, at in ipairs(p._.layout.attrs) do
    if at.name ~= "_last_event" and at.name ~= "w" then names[#names + 1] = at.name end
  end
  methods.reset(p, {attributes = names})
  runtime.proj_init_history(rt_of(p), p._.id)
  return p
end

function methods.connectivity_matrix(p, opts)
  refuse(p, "connectivity_matrix")
  opts = opts or {}
  local a = args.parse("Projection:connectivity_matrix", {"fill"}, 1, opts)
  check_compiled(p, "connectivity_matrix()")
  return runtime.proj_matrix(rt_of(p), p._.id, index(p, "w"), a.fill or 0.0)
end

--- The receptive fields of every post neuron, tiled (2-D populations) for visualisation.
function methods.receptive_fields(p, opts)
  refuse(p, "receptive_fields")
  opts = opts or {}
  local a = args.parse("Projection:receptive_fields", {"variable", "in_post_geometry"}, 1, opts)
  check_compiled(p, "receptive_fields()")
  local var = a.variable or "w"
  local pre_g, post_g = p._.pre._.geometry, p._.post._.geometry
  local pw, ph = pre_g[1], pre_g[2] or 1
  local qw, qh
  if a.in_post_geometry ~= false then
    qw, qh = post_g[1], post_g[2] or 1
  else
    qw, qh = p._.post._.size, 1
  end
  local out = runtime.zeros({qw * pw, qh * ph})
  local rt = rt_of(p)
  for q = 1, p._.post._.size do
    local d = runtime.proj_dendrite_of(rt, p._.id, q - 1)
    if d >= 0 then
      local dd = require("annarchy.dendrite").new(p, d, q)
      local field = dd:receptive_field{variable = var}:flatten()
      local qx, qy = math.floor((q - 1) / qh), (q - 1) % qh
      for r = 1, p._.pre._.size do
        local px, py = math.floor((r - 1) / ph), (r - 1) % ph
        out[qx * pw + px + 1][qy * ph + py + 1] = field[r]
      end
    end
  end
  return out
end

-- Files: annarchy.io.state (docs/saving.md).
function methods.save_connectivity(p, filename) state.save_connectivity(p, filename) end
function methods.save(p, filename) state.save_projection(p, filename) end
function methods.load(p, filename) state.load_projection(p, filename) end

local function structural_check(p, what)
  if not rt_of(p) then fail("%s: can not start %s if the network is not compiled.", where(p), what) end
  if not p._.net._.config.structural_plasticity and not (p._.A.creating or p._.A.pruning) then
    fail("%s: you must set 'structural_plasticity' to true in config() to start %s connections.",
      where(p), what)
  end
end

-- The period in steps of start_creating/start_pruning (`what`): `period` or `{period = ms}`,
-- dt by default, at least one step.
local function schedule_steps(p, what, ...)
  local a = args.parse("Projection:" .. what, {"period"}, select("#", ...), ...)
  local dt = p._.net._.dt
  local period = a.period or dt
  if type(period) ~= "number" or not (period > 0 and period < math.huge) then
    fail("%s: %s: the period must be a positive, finite number of ms, got %s", where(p), what,
      util.show(period))
  end
  return math.max(1, time.steps_floor(period, dt))
end

function methods.start_creating(p, ...)
  structural_check(p, "creating")
  if not p._.A.creating then fail("%s: the synapse does not define a 'creating' argument.", where(p)) end
  local dt = p._.net._.dt
  local steps = schedule_steps(p, "start_creating", ...)
  local c = p._.A.creating
  local delay = 1
  if c.d then
    delay = time.delay_steps(c.d, dt)
  else
    local kind, v = runtime.proj_delay(rt_of(p), p._.id)
    if kind ~= "variable" then delay = v end
  end
  runtime.proj_creating(rt_of(p), p._.id, steps, c.w or 0.0, delay)
end
function methods.stop_creating(p) if rt_of(p) then runtime.proj_creating(rt_of(p), p._.id, 0) end end

function methods.start_pruning(p, ...)
  structural_check(p, "pruning")
  if not p._.A.pruning then fail("%s: the synapse does not define a 'pruning' argument.", where(p)) end
  runtime.proj_pruning(rt_of(p), p._.id, schedule_steps(p, "start_pruning", ...))
end
function methods.stop_pruning(p) if rt_of(p) then runtime.proj_pruning(rt_of(p), p._.id, 0) end end

--- Local functions of the synapse model, elementwise on lists (reference §2.7).
local function model_function(p, name)
  local fns = p._.functions
  return fns and fns[name]
end

for k, fn in pairs(connectors.methods) do methods[k] = fn end

Projection.__index = util.class_index(fields, methods, function(p, k)
  if type(k) == "number" then return methods.dendrite(p, k) end
  if type(k) == "string" then
    local fn = model_function(p, k)
    if fn then return fn end
    local sf = special_field(p, k)
    if sf then return sf.get(p) end
  end
  return attributes.read(p, k)
end)

Projection.__newindex = function(p, k, v)
  if k == "transmission" or k == "update" or k == "plasticity" then
    p._.flags[k] = v and true or false
    push_flags(p)
    return
  end
  if k == "axon_transmission" then
    p._.flags.axon_transmission = v and true or false
    push_flags(p)
    return
  end
  if k == "delay" then set_delay(p, v) return end
  if fields[k] or methods[k] then fail("%s: '%s' is read-only", where(p), tostring(k)) end
  local sf = special_field(p, k)
  if sf then return sf.set(p, v) end
  attributes.write(p, k, v)
end

Projection.__len = function(p) return fields.size(p) end
Projection.__tostring = function(p)
  return ("Projection %q (%s -> %s, target %s)"):format(p._.name, p._.pre._.name, p._.post._.name,
    table.concat(p._.targets, ","))
end

-- ---- monitors on projections and dendrites ---------------------------------------------------


return M
