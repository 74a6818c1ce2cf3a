--- Special projections (reference-library §3.7, §3.8): CurrentInjection (rate -> spiking) and
-- DecodingProjection (spiking -> rate).
--
--   local inj = net:connect(ann.CurrentInjection(inp, pop, "exc"))
--   inj:connect_current()
--   local dec = net:connect(ann.DecodingProjection(pop, out, "exc", {window = 10.0}))
--   dec:all_to_all(1.0)
--
-- The constructors return a description that keeps only its arguments; `net:connect(obj)`
-- (annarchy.projection.connect, through `__special_projection`) calls `obj:_connect(net)`,
-- which creates an ordinary Projection. So the result is a Projection in every respect
-- (monitors, get_projection, save, report); the extra method (`connect_current`) and field
-- (`window`) are served from the projection's model-function table, as input populations do.
--
-- CurrentInjection is a synapse model and a connector: `psp = "pre.r"` (weights ignored)
-- with one_to_one. DecodingProjection needs a state the equation language cannot express (a
-- FIFO of the last W vectors of weighted spike counts), so it brings its own kernels through
-- two hooks: `proj._.special.plan(P, net)` (projection_build.plan) and
-- `proj._.special.kernels(P)` (codegen.projection.projection).
local util = require("annarchy.util")
local time = require("annarchy.time")
local args = require("annarchy.args")
local population = require("annarchy.population")
local projection = require("annarchy.projection")
local connectors = require("annarchy.connectors")
local model = require("annarchy.model")
local kernels = require("annarchy.codegen.population")
local decoding = require("annarchy.codegen.decoding")

local fail = util.fail
local M = {}

-- ---- the description handed to net:connect ---------------------------------------------------

local special = util.description_class("__special_projection", "_connect", "projection", "connect")

--- The population behind pre or post (a population, view, neuron or, with a network, a
-- name); nil for a name without a network.
local function side_of(obj, net)
  if type(obj) == "string" then
    if not net then return nil end
    obj = net:get_population(obj)
  end
  local pop, ranks = population.resolve(obj)
  return pop, ranks
end

local function size_of(pop, ranks) return ranks and #ranks or pop._.size end

-- Serves `methods` (called as proj:name(...)) and `fields` (read as proj.name) from the
-- projection's model-function table, which Projection.__index consults before attributes.
local function attach(proj, methods, fields)
  local fns = proj._.functions or {}
  proj._.functions = fns
  local old = getmetatable(fns)
  setmetatable(fns, {__index = function(t, k)
    local m = methods[k]
    if m then return m end
    local f = fields[k]
    if f then return f(proj) end
    if old and old.__index then
      if type(old.__index) == "function" then return old.__index(t, k) end
      return old.__index[k]
    end
    return nil
  end})
  return proj
end

local function check_target(kind, target)
  if type(target) == "string" and target:match("^[%a_][%w_]*$") then return end
  if type(target) == "table" and getmetatable(target) == nil and #target > 0 then
    for _, t in ipairs(target) do
      if type(t) ~= "string" or not t:match("^[%a_][%w_]*$") then
        fail("%s: %s is not a valid target name", kind, util.show(t))
      end
    end
    return
  end
  fail("%s: the target must be a name or a list of names, got %s", kind, util.show(target))
end

-- ---- CurrentInjection ---------------------------------------------------------------------------

local CURRENT_SYNAPSE = model.Synapse{
  psp = "pre.r",
  name = "CurrentInjection",
  description = "The pre-synaptic rate r is added to the post-synaptic conductance g_target of "
    .. "the neuron of the same rank at every step (weights are ignored).",
}

local function check_current(pre, pre_ranks, post, post_ranks)
  if pre._.A.kind ~= "rate" then
    fail("CurrentInjection: the pre-synaptic population %q must be rate-coded.", pre._.name)
  end
  if post._.A.kind ~= "spike" then
    fail("CurrentInjection: the post-synaptic population %q must be spiking.", post._.name)
  end
  local n, m = size_of(pre, pre_ranks), size_of(post, post_ranks)
  if n ~= m then
    fail("CurrentInjection: the pre- and post-synaptic populations must have the same size "
      .. "(%d and %d neurons).", n, m)
  end
end

--- `ann.CurrentInjection(pre, post, target, {name})`: a rate-coded population injected, rank
-- by rank, into the conductance `g_target` of a spiking population of the same size. Give it
-- to `net:connect`, then call `:connect_current()` on the projection it returns.
function M.CurrentInjection(...)
  local a = args.parse("CurrentInjection", {"pre", "post", "target", "name"}, select("#", ...), ...)
  if a.pre == nil or a.post == nil then fail("CurrentInjection: pre and post must be given") end
  check_target("CurrentInjection", a.target)
  local pre, pre_ranks = side_of(a.pre)
  local post, post_ranks = side_of(a.post)
  if pre and post then check_current(pre, pre_ranks, post, post_ranks) end
  return special("CurrentInjection", function(_, net)
    local p, pr = side_of(a.pre, net)
    local q, qr = side_of(a.post, net)
    if p and q then check_current(p, pr, q, qr) end
    local proj = projection.connect(net, 4, a.pre, a.post, a.target,
      {synapse = CURRENT_SYNAPSE, name = a.name})
    proj._.special = {kind = "CurrentInjection"}
    return attach(proj, {
      --- proj:connect_current(): each post neuron receives the rate of the pre neuron of the
      -- same rank (one_to_one, weight 1, no delay).
      connect_current = function(self, ...)
        if select("#", ...) > 0 then
          fail("CurrentInjection:connect_current() takes no argument")
        end
        return connectors.methods.one_to_one(self, 1.0)
      end,
    }, {})
  end)
end

-- ---- DecodingProjection -----------------------------------------------------------------------

local DECODING_SYNAPSE = model.Synapse{
  pre_spike = "g_target += w",
  name = "DecodingProjection",
  description = "Weighted pre-synaptic spikes counted over a sliding window and turned into a "
    .. "firing rate in Hz: sum(target) += (sum of the weighted spikes of the last W steps) / W "
    .. "* 1000/dt / (number of synapses of the dendrite).",
}

-- Hidden state: W semiglobal slots (the FIFO), their running sum, the current slot. They are
-- in A.attr (so save/load and reset treat them as attributes) but not in A.attributes (so
-- proj.attributes shows the model's only); the plan hook puts them into the layout.
local SLOT_PREFIX, RUN, POS = decoding.SLOT_PREFIX, decoding.RUN, decoding.POS

local function hidden_attributes(W)
  local out = {}
  for m = 1, W do
    out[#out + 1] = {name = SLOT_PREFIX .. m, role = "variable", locality = "semiglobal",
                     type = "float", init = 0.0, implicit = true}
  end
  out[#out + 1] = {name = RUN, role = "variable", locality = "semiglobal", type = "float", init = 0.0,
                   implicit = true}
  out[#out + 1] = {name = POS, role = "variable", locality = "global", type = "int", init = 0,
                   implicit = true}
  return out
end

local function check_decoding(pre, post)
  if pre._.A.kind ~= "spike" then
    fail("DecodingProjection: the pre-synaptic population %q must be spiking.", pre._.name)
  end
  if post._.A.kind ~= "rate" then
    fail("DecodingProjection: the post-synaptic population %q must be rate-coded.", post._.name)
  end
end

--- Window length in steps: W = floor(window/dt) (QUIRKS core 23), window 0 meaning dt.
local function window_steps(window, dt)
  if window == 0 then return 1 end
  local W = time.steps_floor(window, dt)
  if W < 1 then
    fail("DecodingProjection: the window (%g ms) must be 0 or at least one step (dt = %g ms)", window, dt)
  end
  return W
end

-- Delays are ignored (reference §3.8): the connector's delays are dropped before the
-- connectivity is drawn, with a warning when there were some.
local function drop_delays(proj)
  local c = proj._.connector
  local had = false
  if c.kind == "from_lists" then
    for _, l in ipairs(c.lists) do
      if l.delay then
        for _, d in ipairs(l.delay) do if d ~= 0 then had = true end end
        l.delay = nil
      end
    end
    had = had or (c.list_delay_kind ~= nil and c.list_delay_kind ~= "none")
    c.list_delay_kind = "none"
  end
  if c.delays ~= nil and c.delays ~= 0 then had = true end
  c.delays = 0.0
  if had and not proj._.special.warned then
    proj._.special.warned = true
    util.warn(proj._.net, "DecodingProjection %q: delays are ignored.", proj._.name)
  end
end

local function decoding_plan(proj, W)
  return function(P)
    drop_delays(proj)
    P.delay_kind = "none"
    local L = P.L
    for _, h in ipairs(hidden_attributes(W)) do
      local ctype, code = kernels.attr_type(h.type, P.dtype)
      local a = {name = h.name, type = h.type, ctype = ctype, code = code, locality = h.locality,
                 index = #L.attrs, init = h.init}
      L.attrs[#L.attrs + 1] = a
      L.by_name[h.name] = a
    end
  end
end

--- `ann.DecodingProjection(pre, post, target, {window = 0, name})`: weighted spikes of a
-- spiking population decoded into `sum(target)` of a rate-coded one, in Hz, averaged over a
-- sliding window (ms; 0 means one step). Any connector; delays are ignored.
function M.DecodingProjection(...)
  local a = args.parse("DecodingProjection", {"pre", "post", "target", "window", "name"},
    select("#", ...), ...)
  if a.pre == nil or a.post == nil then fail("DecodingProjection: pre and post must be given") end
  check_target("DecodingProjection", a.target)
  local window = a.window
  if window == nil then window = 0.0 end
  if type(window) ~= "number" or window < 0 or window ~= window or window == math.huge then
    fail("DecodingProjection: the window must be a non-negative number of ms, got %s", util.show(window))
  end
  local pre = side_of(a.pre)
  local post = side_of(a.post)
  if pre and post then check_decoding(pre, post) end
  return special("DecodingProjection", function(_, net)
    local p = side_of(a.pre, net)
    local q = side_of(a.post, net)
    if p and q then check_decoding(p, q) end
    local W = window_steps(window, net._.dt)
    local proj = projection.connect(net, 4, a.pre, a.post, a.target,
      {synapse = DECODING_SYNAPSE, name = a.name})
    for _, h in ipairs(hidden_attributes(W)) do proj._.A.attr[h.name] = h end
    proj._.special = {kind = "DecodingProjection", window = window, window_steps = W,
                      plan = decoding_plan(proj, W), kernel = {kind = "decoding", window_steps = W}}
    return attach(proj, {}, {
      window = function(self) return self._.special.window end,
    })
  end)
end

-- Shared with the other special projections (annarchy.extensions.shared_weight).
M.description = special
M.side_of = side_of
M.attach = attach
M.check_target = check_target

--- True for a projection created from a special projection ("CurrentInjection" or
-- "DecodingProjection" is returned), false otherwise.
function M.kind(proj)
  local s = type(proj) == "table" and rawget(proj, "_") and proj._.special
  return s and s.kind or false
end

return M
