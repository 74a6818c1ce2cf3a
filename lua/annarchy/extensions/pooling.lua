--- Pooling: a shared-weight projection where each post-synaptic neuron reduces (max, min,
-- mean or sum) the psp over a region of the pre-synaptic population.
--
--   local pool = net:connect(ann.Pooling(conv_out, out, "exc", {operation = "max"}))
--   pool:pooling()                       -- extent = pre geometry / post geometry
--   pool:pooling{extent = {2, 2, 10}}    -- explicit extent
--
-- The region of post neuron (i, j, ...) starts at (i*e1, j*e2, ...) in the pre population
-- (0 for pre dimensions the post population lacks) and spans e_d elements per dimension;
-- elements outside the pre population are skipped. The kernel is generated
-- (annarchy.codegen.shared_weights, kind "pooling"); the corners are data.
local util = require("annarchy.util")
local args = require("annarchy.args")
local model = require("annarchy.model")
local shared = require("annarchy.extensions.shared_weight")
local SLOTS = require("annarchy.codegen.shared_weights").SLOTS

local fail = util.fail
local M = {}

local function extent_of(proj, extent)
  local who = ("Pooling %q"):format(proj._.name)
  local pre_g, post_g = proj._.pre._.geometry, proj._.post._.geometry
  local dp, dq = #pre_g, #post_g
  if dq > dp then
    fail("%s: the post-synaptic population has more dimensions (%d) than the pre-synaptic one (%d)", who, dq, dp)
  end
  if dp == 4 and dq ~= 4 then
    fail("%s: a 4-dimensional pre-synaptic population needs a 4-dimensional post-synaptic population", who)
  end
  local e = {}
  if extent == nil then
    if dp ~= dq then
      fail("%s: without an extent the pre- and post-synaptic populations must have the same number of "
        .. "dimensions (%d and %d): give the extent", who, dp, dq)
    end
    for d = 1, dp do
      e[d] = pre_g[d] / post_g[d]
      if e[d] ~= math.floor(e[d]) then
        fail("%s: the pre-synaptic dimension %d (%d neurons) is not a multiple of the post-synaptic one (%d "
          .. "neurons): give the extent", who, d, pre_g[d], post_g[d])
      end
      e[d] = math.floor(e[d])
    end
    return e
  end
  if type(extent) ~= "table" or getmetatable(extent) ~= nil or #extent < dp then
    fail("%s: the extent must be a list of at least %d numbers (one per pre-synaptic dimension), got %s", who,
      dp, util.show(extent))
  end
  for d = 1, dp do
    if not util.is_integer(extent[d]) or extent[d] < 1 then
      fail("%s: the extent must hold positive integers, got %s in dimension %d", who, util.show(extent[d]), d)
    end
    e[d] = extent[d]
  end
  return e
end

local function pooling(self, ...)
  local a = args.parse("Pooling:pooling", {"extent", "delays"}, select("#", ...), ...)
  local who = ("Pooling %q"):format(self._.name)
  local e = extent_of(self, a.extent)
  local steps = shared.delay_steps(who, a.delays, self._.net._.dt)
  local pre_g, post_g = self._.pre._.geometry, self._.post._.geometry
  local corners = {}
  for r = 0, self._.post._.size - 1 do
    local c = shared.coordinates(post_g, r)
    for d = 1, #pre_g do corners[#corners + 1] = d <= #post_g and c[d] * e[d] or 0 end
  end
  local label = ("%s pooling over %s%s"):format(self._.special.operation, table.concat(e, "x"),
    steps > 1 and (", delays %s ms"):format(tostring(a.delays)) or "")
  return shared.record(self, label, {kind = "pooling", dp = #pre_g, extent = e, operation = self._.special.operation},
    {[SLOTS.centres] = corners, [SLOTS.geometry] = util.copy_list(pre_g)}, steps)
end

--- `ann.Pooling(pre, post, target, {psp = "pre.r", operation = "max", name})`: give it to
-- net:connect, then call `:pooling{extent, delays}` (or `:connect_pooling`) on the projection.
function M.Pooling(...)
  local a = shared.arguments("Pooling", "pre.r", {"max", "min", "mean", "sum"}, select("#", ...), ...)
  local op = a.operation
  return shared.description("Pooling", function(_, net)
    local pre, post = shared.sides("Pooling", a, net)
    local syn = model.Synapse{psp = a.psp, name = "Pooling",
      description = ("The %s of the psp over a region of the pre-synaptic population."):format(op)}
    return shared.connect(net, pre, post, a.target, syn, a.name, {kind = "Pooling", operation = op},
      {pooling = pooling, connect_pooling = pooling})
  end)
end

return M
