--- Transpose: the reverse of an existing projection (pre = its post, post = its pre), through
-- the same synapses with their current weights (shared, not copied); it does not learn.
--
--   local back = net:connect(ann.Transpose(forward, "fb"))
--   back:transpose()
--
-- Rate-coded: sum(target)[q] += the sum over the forward synapses from q of w * r of their
-- post-synaptic neuron. Spiking: each spike of a forward post-synaptic neuron adds w of each
-- of its forward synapses to g_target of their pre-synaptic neuron. The kernel
-- (annarchy.codegen.shared_weights, kind "transpose") reads the forward projection through
-- the projection link; the rate-coded inverse index is data, rebuilt with the connectivity.
local util = require("annarchy.util")
local args = require("annarchy.args")
local model = require("annarchy.model")
local random = require("annarchy.random")
local runtime = require("annarchy.runtime")
local projection = require("annarchy.projection")
local shared = require("annarchy.extensions.shared_weight")
local SLOTS = require("annarchy.codegen.shared_weights").SLOTS

local fail = util.fail
local M = {}

local function adjust_plan(proj)
  return function(P)
    local sp = proj._.special
    sp.kernel.w = shared.weight_of(sp.link, P.dtype)
    if sp.kernel.spiking then
      P.pre_major, P.spike_events = true, true
    end
  end
end

-- The inverse index of a rate-coded forward projection: for each of its pre ranks q, the
-- storage index (post-major) and the post rank of every synapse from q, in storage order.
local function inverse_index(F, rt)
  local post_ranks = runtime.proj_post_ranks(rt, F._.id)
  local pre_ranks = runtime.proj_pre_ranks(rt, F._.id)
  local n = F._.pre._.size
  local by_q = {}
  for q = 1, n do by_q[q] = {} end
  local e = 0
  for d, list in ipairs(pre_ranks) do
    for _, q in ipairs(list) do
      local l = by_q[q]
      l[#l + 1] = e
      l[#l + 1] = post_ranks[d] - 1
      e = e + 1
    end
  end
  local rows, syn, rank = {0}, {}, {}
  for q = 1, n do
    local l = by_q[q]
    for k = 1, #l, 2 do
      syn[#syn + 1] = l[k]
      rank[#rank + 1] = l[k + 1]
    end
    rows[q + 1] = #syn
  end
  return {[SLOTS.rows] = rows, [SLOTS.syn] = syn, [SLOTS.rank] = rank}
end

local function after_compile(proj, rt)
  local sp = proj._.special
  if sp.kernel.spiking then
    -- the forward projection's post-major view (built once, on request: a synapse lookup)
    runtime.proj_syn_index(rt, sp.link._.id, 0, 0)
  else
    sp.data = inverse_index(sp.link, rt)
  end
  shared.after_compile(proj, rt)
end

local function has_delays(F)
  local c = F._.connector
  if c.list_delay_kind and c.list_delay_kind ~= "none" then return true end
  if random.is_distribution(c.delays) then return true end
  return type(c.delays) == "number" and c.delays > 0
end

local function connect_transpose(self, ...)
  if select("#", ...) > 0 then fail("Transpose %q: transpose() takes no argument", self._.name) end
  local sp = self._.special
  local F = sp.link
  if not F._.connector then fail("Transpose %q: projection %q is not connected yet", self._.name, F._.name) end
  if has_delays(F) then
    fail("Transpose %q: projection %q has delays: a Transpose needs a projection without delays", self._.name,
      F._.name)
  end
  if F._.A.creating or F._.A.pruning or F._.net._.config.structural_plasticity then
    fail("Transpose %q: projection %q may change its synapses (structural plasticity): a Transpose needs "
      .. "fixed synapses", self._.name, F._.name)
  end
  return shared.record(self, ("Transpose of projection %q"):format(F._.name),
    {kind = "transpose", spiking = F._.A.kind == "spike"}, {}, 1)
end

--- `ann.Transpose(projection, target, {name})`: give it to net:connect, then call
-- `:transpose()` (or `:connect_transpose()`) on the projection it returns.
function M.Transpose(...)
  local a = args.parse("Transpose", {"projection", "target", "name"}, select("#", ...), ...)
  local F = a.projection
  if not projection.is_projection(F) then fail("Transpose: the first argument must be a Projection, got %s",
    util.show(F)) end
  if F._.special then
    fail("Transpose: the projection to transpose must be an ordinary Projection, not a %s", F._.special.kind)
  end
  shared.check_target("Transpose", a.target)
  local pre_kind, post_kind = F._.pre._.A.kind, F._.post._.A.kind
  if pre_kind ~= post_kind then
    fail("Transpose: projection %q goes from a %s to a %s population: only rate-coded to rate-coded or "
      .. "spiking to spiking projections can be transposed", F._.name, pre_kind == "rate" and "rate-coded" or "spiking",
      post_kind == "rate" and "rate-coded" or "spiking")
  end
  if F._.pre_ranks0 or F._.post_ranks0 then
    fail("Transpose: projection %q connects population views: transpose a projection between whole populations",
      F._.name)
  end
  return shared.description("Transpose", function(_, net)
    if F._.net ~= net then fail("Transpose: projection %q belongs to another network", F._.name) end
    local syn = pre_kind == "rate" and model.Synapse{psp = "w * pre.r", name = "Transpose"} or
      model.Synapse{pre_spike = "g_target += w", name = "Transpose"}
    local sp = {kind = "Transpose", link = F, after_compile = after_compile}
    local proj = shared.connect(net, F._.post, F._.pre, a.target, syn, a.name, sp,
      {transpose = connect_transpose, connect_transpose = connect_transpose})
    sp.adjust_plan = adjust_plan(proj)
    return proj
  end)
end

return M
