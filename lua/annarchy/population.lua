--- Population, PopulationView and IndividualNeuron (reference §8; API.md).
-- Ranks and coordinates are 1-based; the runtime below is 0-based.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local values = require("annarchy.values")
local state = require("annarchy.io.state")
local time = require("annarchy.time")

local fail = util.fail
local M = {}

local initial_home, runtime_home = {}, {}   -- where attribute values live (below)

local Population = {}
local PopulationView = {}
local IndividualNeuron = {}
M.Population, M.PopulationView, M.IndividualNeuron = Population, PopulationView, IndividualNeuron

--- Fields and methods of populations and views: a model attribute may not use these names.
local RESERVED = {}
for _, k in ipairs{"name", "size", "geometry", "width", "height", "depth", "dimension", "ranks",
                   "attributes", "parameters", "variables", "targets", "neuron_type", "enabled",
                   "refractory", "spike", "population", "rank", "get", "set", "reset", "clear",
                   "enable", "disable", "sum", "compute_firing_rate", "neuron", "range", "box",
                   "save", "load", "rank_from_coordinates", "coordinates_from_rank",
                   "normalized_coordinates_from_rank", "network", "functions", "id", "max_delay",
                   "neurons"} do
  RESERVED[k] = true
end
M.RESERVED = RESERVED
M.RESERVED_WHY = {}
for k in pairs(RESERVED) do
  M.RESERVED_WHY[k] = "it is a field or method of Population"
end

local function is_population(x) return getmetatable(x) == Population end
local function is_view(x) return getmetatable(x) == PopulationView end
local function is_neuron(x) return getmetatable(x) == IndividualNeuron end
M.is_population, M.is_view, M.is_neuron = is_population, is_view, is_neuron

-- ---- geometry ----------------------------------------------------------------------------

--- Normalises a geometry argument (a number or a list) into a list of positive integers.
function M.geometry(g, what)
  if type(g) == "number" then g = {g} end
  if type(g) ~= "table" or #g == 0 then
    fail("%s: the geometry must be either an integer or a list of integers", what)
  end
  local out = {}
  for i = 1, #g do
    if not util.is_integer(g[i]) or g[i] < 1 then
      fail("%s: the geometry must be either an integer or a list of integers (got %s at position %d)",
        what, util.show(g[i]), i)
    end
    out[i] = g[i]
  end
  return out
end

local function rank_from_coordinates(geometry, coords, what)
  if type(coords) ~= "table" then coords = {coords} end
  if #coords ~= #geometry then
    fail("%s: expected %d coordinates, got %d", what, #geometry, #coords)
  end
  local r = 0
  for d = 1, #geometry do
    local c = coords[d]
    if not util.is_integer(c) or c < 1 or c > geometry[d] then
      fail("%s: coordinate %s out of range 1..%d in dimension %d", what, util.show(c), geometry[d], d)
    end
    r = r * geometry[d] + (c - 1)
  end
  return r + 1
end

local function coordinates_from_rank(geometry, size, rank, what)
  if not util.is_integer(rank) or rank < 1 or rank > size then
    fail("%s: the given rank %s is larger than the size of the population %d (ranks are 1 to %d)",
      what, util.show(rank), size, size)
  end
  local r = rank - 1
  local out = {}
  for d = #geometry, 1, -1 do
    out[d] = r % geometry[d] + 1
    r = math.floor(r / geometry[d])
  end
  return out
end

-- ---- construction ------------------------------------------------------------------------

--- Creates a population (called by Network:create).
function M.new(net, id, geometry, neuron, A, name, stop_condition)
  local size = util.product(geometry)
  for _, a in ipairs(A.attributes) do
    if RESERVED[a.name] then
      fail("neuron %q: the attribute name '%s' collides with a field or method of Population; "
        .. "rename it", A.name or "", a.name)
    end
  end
  local self = setmetatable({}, Population)
  rawset(self, "_", {
    net = net, id = id, name = name, geometry = geometry, size = size, neuron = neuron, A = A,
    init = {}, stop_condition = stop_condition, targets = {}, enabled = true, home = initial_home,
  })
  for _, a in ipairs(A.attributes) do
    self._.init[a.name] = values.initial(a, net, size)
  end
  self._.functions = M.model_functions(A, net, ("population %q"):format(name))
  return self
end

--- The model's local functions as methods applied elementwise: obj:f(list_or_array, ...)
-- returns an Array (shared with projections).
function M.model_functions(A, net, what)
  local fns = {}
  local tolua = require("annarchy.compiler.functions").to_lua
  local consts = {}
  for _, c in ipairs(require("annarchy.constants").visible(net)) do consts[c.name] = c.value end
  for _, rec in ipairs(A.functions or {}) do
    if not rec.global then
      local f = tolua(rec, consts)
      fns[rec.name] = function(_, ...)
        local args, n = {...}, select("#", ...)
        local len
        for i = 1, n do
          local v = args[i]
          if runtime.is_array(v) then v = v:flatten():totable(); args[i] = v end
          if type(v) == "table" then
            if len and #v ~= len then
              fail("%s: %s(): the lists must have the same length (%d and %d)", what, rec.name, len, #v)
            end
            len = #v
          end
        end
        if not len then return f(...) end
        local out = runtime.zeros(len)
        local call = {}
        for k = 1, len do
          for i = 1, n do
            local v = args[i]
            call[i] = type(v) == "table" and v[k] or v
          end
          local r = f((table.unpack or _G.unpack)(call, 1, n))
          out[k] = type(r) == "boolean" and (r and 1 or 0) or r
        end
        return out
      end
    end
  end
  return fns
end

-- ---- attribute access --------------------------------------------------------------------

local function attribute(pop, name)
  local a = pop._.A.attr[name]
  if not a then
    fail("population %q has no attribute '%s'", pop._.name, tostring(name))
  end
  return a
end
M.attribute = attribute

local function rt_of(pop)
  return pop._.net._.rt
end

local function reshape(arr, geometry)
  if #geometry == 1 then return arr end
  return arr:reshape(geometry)
end

-- ---- the home of the values -----------------------------------------------------------------
-- The current values of a population's attributes have one home: before compile the initial
-- values the population keeps (pop._.init), from compile on the runtime. Compiling moves the
-- population into the runtime (build.lua sets pop._.home = HOMES.runtime); reads and writes
-- go to pop._.home. get returns a number for a global, else a flat Array (of the listed
-- 0-based ranks, or of every neuron).
M.HOMES = {initial = initial_home, runtime = runtime_home}

--- The initial value of an attribute, with an init that names another attribute (`v = c`)
-- replaced by that attribute's value (0 when that one names an attribute in turn).
function M.initial_value(pop, name)
  local v = pop._.init[name]
  if type(v) == "table" and v.from then v = pop._.init[v.from] end
  if type(v) == "table" and v.from then v = 0 end
  return v
end

function initial_home.get(pop, name, a, ranks)
  local init = M.initial_value(pop, name)
  if a.locality == "global" then return values.scalar_of(init) end
  local full = values.broadcast(init, pop._.size)
  if ranks then
    local out = runtime.zeros(#ranks)
    for i = 1, #ranks do out[i] = full[ranks[i] + 1] end
    return out
  end
  return full
end

function initial_home.set(pop, name, a, value, ranks)
  if a.locality == "global" or not ranks then
    pop._.init[name] = value
  else
    local full = values.broadcast(M.initial_value(pop, name), pop._.size):copy()
    local per = runtime.is_array(value)
    for i = 1, #ranks do
      full[ranks[i] + 1] = per and value[i] or value
    end
    pop._.init[name] = full
  end
end

function runtime_home.get(pop, name, _, ranks)
  return runtime.pop_get(rt_of(pop), pop._.id, pop._.layout.by_name[name].index, ranks)
end

function runtime_home.set(pop, name, _, value, ranks)
  runtime.pop_set(rt_of(pop), pop._.id, pop._.layout.by_name[name].index, value, ranks)
end

--- Reads an attribute: a number for a global, an Array shaped like the geometry for a local.
-- ranks (0-based list) restricts a local read to those neurons (a flat Array).
function M.read(pop, name, ranks)
  local a = attribute(pop, name)
  local v = pop._.home.get(pop, name, a, ranks)
  if ranks or a.locality == "global" then return v end
  return reshape(v, pop._.geometry)
end

--- Writes an attribute. value: number, boolean, list, Array, distribution, or the name of
-- another attribute. ranks (0-based list) restricts the write to those neurons.
function M.write(pop, name, value, ranks, what)
  local a = attribute(pop, name)
  local n = ranks and #ranks or pop._.size
  what = what or ("population %q"):format(pop._.name)
  if type(value) == "string" then
    attribute(pop, value)
    value = M.read(pop, value, ranks)
  end
  if a.locality == "global" then
    if ranks then
      fail("%s: can not set the value of a global attribute ('%s') from a PopulationView", what, name)
    end
    if type(value) ~= "number" and type(value) ~= "boolean" then
      fail("%s: expected a single value for the global attribute '%s', got %s", what, name,
        values.describe(value))
    end
  else
    value = values.per_element(pop._.net, value, n, what, name)
  end
  values.check_finite(value, what, name)
  pop._.home.set(pop, name, a, value, ranks)
end

-- ---- Population fields and methods -------------------------------------------------------

local pop_fields = {}
local pop_methods = {}

function pop_fields.name(p) return p._.name end
function pop_fields.size(p) return p._.size end
function pop_fields.geometry(p) return util.copy_list(p._.geometry) end
function pop_fields.width(p) return p._.geometry[1] end
function pop_fields.height(p) return p._.geometry[2] or 1 end
function pop_fields.depth(p) return p._.geometry[3] or 1 end
function pop_fields.dimension(p) return #p._.geometry end
function pop_fields.ranks(p)
  local out = {}
  for i = 1, p._.size do out[i] = i end
  return out
end
function pop_fields.neuron_type(p) return p._.neuron end
function pop_fields.targets(p) return util.sorted_keys(p._.targets) end
function pop_fields.network(p) return p._.net end
function pop_fields.enabled(p)
  local rt = rt_of(p)
  if rt then return runtime.pop_enabled(rt, p._.id) end
  return p._.enabled
end

local function names_with(p, pred)
  local out = {}
  for _, a in ipairs(p._.A.attributes) do
    if pred(a) then out[#out + 1] = a.name end
  end
  return out
end
function pop_fields.attributes(p) return names_with(p, function() return true end) end
function pop_fields.parameters(p) return names_with(p, function(a) return a.role == "parameter" end) end
function pop_fields.variables(p) return names_with(p, function(a) return a.role ~= "parameter" end) end

function pop_fields.functions(p)
  return util.sorted_keys(p._.functions or {})
end

--- The largest delay, in steps, of the projections leaving the population (0 without any).
function pop_fields.max_delay(p)
  local out = 0
  for _, proj in ipairs(p._.net._.projs) do
    if proj._.pre == p then out = math.max(out, proj.max_delay) end
  end
  return out
end

--- Every neuron, in rank order (IndividualNeurons); `for rank, n in pairs(pop)` also visits them.
function pop_fields.neurons(p)
  local out = {}
  for r = 1, p._.size do out[r] = pop_methods.neuron(p, r) end
  return out
end

function pop_fields.spike(p)
  if p._.A.kind ~= "spike" then fail("population %q is rate-coded: it has no spikes", p._.name) end
  local rt = rt_of(p)
  if not rt then fail("population %q: spikes are only available after compile", p._.name) end
  local out = runtime.pop_spiked(rt, p._.id)
  for i = 1, #out do out[i] = out[i] + 1 end
  return out
end

function pop_fields.refractory(p)
  if p._.A.kind ~= "spike" then return nil end
  local rt = rt_of(p)
  if rt and p._.layout_refractory then
    return time.ms(runtime.pop_refractory(rt, p._.id), p._.net._.dt)
  end
  if p._.refractory ~= nil then return p._.refractory end
  local r = p._.A.refractory
  if type(r) == "table" then return M.read(p, r.name) end
  return r
end

function pop_methods.get(p, name) return M.read(p, name) end

function pop_methods.set(p, t)
  if type(t) ~= "table" or getmetatable(t) ~= nil then
    fail("population %q: set() takes a table of names and values", p._.name)
  end
  for k in pairs(t) do attribute(p, k) end   -- check every name before writing anything
  for k, v in pairs(t) do M.write(p, k, v) end
end

function pop_methods.rank_from_coordinates(p, coords)
  return rank_from_coordinates(p._.geometry, coords, ("population %q"):format(p._.name))
end

function pop_methods.coordinates_from_rank(p, rank)
  return coordinates_from_rank(p._.geometry, p._.size, rank, ("population %q"):format(p._.name))
end

function pop_methods.normalized_coordinates_from_rank(p, rank, norm)
  norm = norm or 1.0
  local c = pop_methods.coordinates_from_rank(p, rank)
  for d = 1, #c do
    local g = p._.geometry[d]
    c[d] = g > 1 and norm * (c[d] - 1) / (g - 1) or 0.0
  end
  return c
end

function pop_methods.enable(p)
  p._.enabled = true
  if rt_of(p) then runtime.pop_enabled(rt_of(p), p._.id, true) end
end

function pop_methods.disable(p)
  p._.enabled = false
  if rt_of(p) then runtime.pop_enabled(rt_of(p), p._.id, false) end
end

function pop_methods.clear(p)
  if rt_of(p) then p._.net:_clear_population(p) end
end

function pop_methods.reset(p, attributes)
  p._.net:_reset_population(p, attributes)
end

function pop_methods.save(p, filename) state.save_population(p, filename) end
function pop_methods.load(p, filename) state.load_population(p, filename) end

function pop_methods.sum(p, target)
  if p._.A.kind == "spike" then
    if not p._.A.attr["g_" .. target] and not (p._.layout and p._.layout.by_name["g_" .. target]) then
      util.warn(p._.net, "population %q receives no projection with target '%s'", p._.name, target)
      return runtime.zeros(p._.geometry)
    end
    if p._.layout then
      local v = runtime.pop_get(rt_of(p), p._.id, p._.layout.by_name["g_" .. target].index)
      return reshape(v, p._.geometry)
    end
    return M.read(p, "g_" .. target)
  end
  local L = p._.layout
  if not (L and L.sums[target]) then
    if not p._.targets[target] then
      util.warn(p._.net, "population %q receives no projection with target '%s'", p._.name, target)
    end
    return runtime.zeros(p._.geometry)
  end
  return reshape(runtime.pop_get(rt_of(p), p._.id, L.sums[target].index), p._.geometry)
end

function pop_methods.compute_firing_rate(p, window)
  if p._.A.kind ~= "spike" then
    fail("population %q: compute_firing_rate(): the neuron is already rate-coded", p._.name)
  end
  if type(window) ~= "number" or window < 0 then
    fail("population %q: compute_firing_rate(): the window must be a duration in ms", p._.name)
  end
  p._.rate_window = window
  if rt_of(p) then p._.net:_apply_rate_window(p) end
end

function pop_methods.neuron(p, ...)
  local n = select("#", ...)
  local rank
  if n == 1 and type((...)) == "number" then
    rank = ...
    if not util.is_integer(rank) or rank < 1 or rank > p._.size then
      fail("population %q has only %d neurons (geometry %s): no neuron of rank %s", p._.name,
        p._.size, table.concat(p._.geometry, "x"), util.show(rank))
    end
  else
    local coords = n == 1 and type((...)) == "table" and (...) or {...}
    rank = pop_methods.rank_from_coordinates(p, coords)
  end
  return setmetatable({_ = {population = p, rank = rank}}, IndividualNeuron)
end

local function make_view(p, ranks0, geometry)
  return setmetatable({_ = {population = p, ranks = ranks0, geometry = geometry}}, PopulationView)
end
M.make_view = make_view

function pop_methods.range(p, first, last, step)
  step = step or 1
  last = last or p._.size
  for _, v in ipairs{first, last, step} do
    if not util.is_integer(v) then fail("population %q: range() takes whole numbers", p._.name) end
  end
  if first < 1 or last > p._.size or step == 0 then
    fail("population %q: range(%d, %d, %d) is outside 1..%d", p._.name, first, last, step, p._.size)
  end
  local ranks = {}
  for r = first, last, step do ranks[#ranks + 1] = r - 1 end
  return make_view(p, ranks, {#ranks})
end

function pop_methods.box(p, ...)
  local bounds = {...}
  local g = p._.geometry
  if #bounds ~= #g then
    fail("population %q: box() needs one {first, last} pair per dimension (%d)", p._.name, #g)
  end
  local lens = {}
  for d = 1, #g do
    local b = bounds[d]
    if type(b) == "number" then b = {b, b} end
    if type(b) ~= "table" or not util.is_integer(b[1]) or not util.is_integer(b[2])
        or b[1] < 1 or b[2] > g[d] or b[1] > b[2] then
      fail("population %q: box() bounds of dimension %d must be {first, last} within 1..%d",
        p._.name, d, g[d])
    end
    bounds[d] = b
    lens[d] = b[2] - b[1] + 1
  end
  local ranks = {}
  local idx = {}
  for d = 1, #g do idx[d] = bounds[d][1] end
  while true do
    ranks[#ranks + 1] = rank_from_coordinates(g, idx, "box") - 1
    local d = #g
    while d >= 1 do
      idx[d] = idx[d] + 1
      if idx[d] <= bounds[d][2] then break end
      idx[d] = bounds[d][1]
      d = d - 1
    end
    if d < 1 then break end
  end
  return make_view(p, ranks, lens)
end

--- Local functions of the model, callable elementwise from Lua (filled by the network).
local function model_function(p, name)
  local fns = p._.functions
  return fns and fns[name]
end

Population.__index = util.class_index(pop_fields, pop_methods, function(p, k)
  local c = rawget(p, "_").custom
  if c then
    if c.methods and c.methods[k] then return c.methods[k] end
    if c.fields and c.fields[k] and c.fields[k].get then return c.fields[k].get(p) end
  end
  if type(k) == "number" then
    if not util.is_integer(k) or k < 1 or k > p._.size then
      fail("population %q: rank %s out of range 1..%d", p._.name, util.show(k), p._.size)
    end
    return make_view(p, {k - 1}, {1})
  end
  if type(k) == "table" and getmetatable(k) == nil then
    local ranks = {}
    for i = 1, #k do
      if not util.is_integer(k[i]) or k[i] < 1 or k[i] > p._.size then
        fail("population %q: rank %s out of range 1..%d", p._.name, util.show(k[i]), p._.size)
      end
      ranks[i] = k[i] - 1
    end
    return make_view(p, ranks, {#ranks})
  end
  if type(k) == "string" then
    local fn = model_function(p, k)
    if fn then return fn end
  end
  return M.read(p, k)
end)

Population.__newindex = function(p, k, v)
  local c = p._.custom
  local cf = c and c.fields and c.fields[k]
  if cf then   -- a special population's own fields (spike_times of a SpikeSourceArray...)
    if not cf.set then fail("population %q: '%s' is read-only", p._.name, tostring(k)) end
    cf.set(p, v)
    return
  end
  if k == "enabled" then
    if v then pop_methods.enable(p) else pop_methods.disable(p) end
    return
  end
  if k == "refractory" then
    p._.net:_set_refractory(p, v)
    return
  end
  if pop_fields[k] or pop_methods[k] then
    fail("population %q: '%s' is read-only", p._.name, tostring(k))
  end
  M.write(p, k, v)
end

Population.__len = function(p) return p._.size end
Population.__pairs = function(p)
  local r = 0
  return function()
    if r >= p._.size then return nil end
    r = r + 1
    return r, pop_methods.neuron(p, r)
  end, p, nil
end
Population.__tostring = function(p)
  return ("Population %q (%s neurons of type %q, geometry %s)"):format(p._.name, p._.size,
    p._.A.name or "", table.concat(p._.geometry, "x"))
end

-- ---- PopulationView ------------------------------------------------------------------------

local view_fields = {}
local view_methods = {}

function view_fields.population(v) return v._.population end
function view_fields.size(v) return #v._.ranks end
function view_fields.geometry(v) return v._.geometry and util.copy_list(v._.geometry) or {#v._.ranks} end
function view_fields.ranks(v)
  local out = {}
  for i, r in ipairs(v._.ranks) do out[i] = r + 1 end
  return out
end
function view_fields.name(v) return v._.population._.name end
function view_fields.attributes(v) return pop_fields.attributes(v._.population) end
function view_fields.parameters(v) return pop_fields.parameters(v._.population) end
function view_fields.variables(v) return pop_fields.variables(v._.population) end
function view_fields.targets(v) return pop_fields.targets(v._.population) end

--- The rank of the neuron at `coords`: in the population (a population rank), or with
-- is_local = true, in the view's own geometry (a position in the view, 1 to size).
function view_methods.rank_from_coordinates(v, coords, is_local)
  local pop = v._.population
  if not is_local then return pop_methods.rank_from_coordinates(pop, coords) end
  return rank_from_coordinates(view_fields.geometry(v), coords,
    ("view of population %q"):format(pop._.name))
end

--- The coordinates of a population rank, or with is_local = true, of a position in the view
-- (1 to size) in the view's own geometry.
function view_methods.coordinates_from_rank(v, rank, is_local)
  local pop = v._.population
  if not is_local then return pop_methods.coordinates_from_rank(pop, rank) end
  return coordinates_from_rank(view_fields.geometry(v), #v._.ranks, rank,
    ("view of population %q"):format(pop._.name))
end
function view_fields.spike(v)
  local all = pop_fields.spike(v._.population)
  local member = {}
  for _, r in ipairs(v._.ranks) do member[r + 1] = true end
  local out = {}
  for _, r in ipairs(all) do if member[r] then out[#out + 1] = r end end
  return out
end

function view_methods.get(v, name)
  local pop = v._.population
  local a = attribute(pop, name)
  if a.locality == "global" then return M.read(pop, name) end
  return M.read(pop, name, v._.ranks)
end

function view_methods.set(v, t)
  local pop = v._.population
  if type(t) ~= "table" or getmetatable(t) ~= nil then
    fail("population %q: set() takes a table of names and values", pop._.name)
  end
  for k in pairs(t) do
    if attribute(pop, k).locality == "global" then
      fail("population %q: can not set the value of a global attribute ('%s') from a PopulationView",
        pop._.name, k)
    end
  end
  for k, val in pairs(t) do M.write(pop, k, val, v._.ranks) end
end

function view_methods.sum(v, target)
  local full = pop_methods.sum(v._.population, target):flatten()
  local out = runtime.zeros(#v._.ranks)
  for i, r in ipairs(v._.ranks) do out[i] = full[r + 1] end
  return out
end

local function union(a, b)
  local pa = is_neuron(a) and a._.population or a._.population
  local pb = is_neuron(b) and b._.population or b._.population
  if pa ~= pb then fail("can only add two PopulationViews of the same population") end
  local set = {}
  local function add(x)
    if is_neuron(x) then set[x._.rank - 1] = true
    else for _, r in ipairs(x._.ranks) do set[r] = true end end
  end
  add(a); add(b)
  local ranks = util.sorted_keys(set)
  return make_view(pa, ranks, nil)
end

PopulationView.__index = util.class_index(view_fields, view_methods, function(v, k)
  return view_methods.get(v, k)
end)

PopulationView.__newindex = function(v, k, val)
  if view_fields[k] or view_methods[k] then
    fail("population %q: '%s' is read-only on a view", v._.population._.name, tostring(k))
  end
  view_methods.set(v, {[k] = val})
end

PopulationView.__len = function(v) return #v._.ranks end
PopulationView.__add = union
PopulationView.__tostring = function(v)
  return ("PopulationView of %q (%d neurons)"):format(v._.population._.name, #v._.ranks)
end

-- ---- IndividualNeuron ------------------------------------------------------------------------

IndividualNeuron.__index = function(n, k)
  if k == "rank" then return n._.rank end
  if k == "population" then return n._.population end
  if k == "_" then return nil end
  local pop = n._.population
  if attribute(pop, k).locality == "global" then return M.read(pop, k) end
  return M.read(pop, k, {n._.rank - 1})[1]
end

IndividualNeuron.__newindex = function(n, k, v)
  if k == "rank" or k == "population" then fail("IndividualNeuron: '%s' is read-only", k) end
  local pop = n._.population
  if attribute(pop, k).locality == "global" then
    M.write(pop, k, v)
  else
    M.write(pop, k, v, {n._.rank - 1})
  end
end

IndividualNeuron.__add = union
IndividualNeuron.__tostring = function(n)
  return ("IndividualNeuron %d of %q"):format(n._.rank, n._.population._.name)
end

--- The population and 0-based ranks behind a population, a view or a neuron.
function M.resolve(obj)
  if is_population(obj) then return obj, nil end
  if is_view(obj) then return obj._.population, obj._.ranks end
  if is_neuron(obj) then return obj._.population, {obj._.rank - 1} end
  return nil
end

return M
