--- Copy: a projection that reuses the synapses of another projection (its connectivity, its
-- current weights and its delays) with its own pre- and post-synaptic populations, psp and
-- operation. It has no weights of its own and does not learn; weight changes of the original
-- are seen at once.
--
--   local copy = net:connect(ann.Copy(pre2, post2, "exc"))
--   copy:connect_copy(original)
--
-- The kernel (annarchy.codegen.shared_weights, kind "copy") reads the original's synapses
-- through the projection link set after compile.
local util = require("annarchy.util")
local args = require("annarchy.args")
local model = require("annarchy.model")
local runtime = require("annarchy.runtime")
local connectors = require("annarchy.connectors")
local projection = require("annarchy.projection")
local shared = require("annarchy.extensions.shared_weight")

local fail = util.fail
local M = {}

local function same_geometry(a, b)
  if #a ~= #b then return false end
  for d = 1, #a do if a[d] ~= b[d] then return false end end
  return true
end

local function shape_text(s) return "(" .. table.concat(s, ", ") .. ")" end

-- The plan: the original's weight (layout), its delays (read through this projection's
-- pre-synaptic history, as long as the original's longest delay).
local function adjust_plan(proj)
  return function(P)
    local sp = proj._.special
    sp.kernel.w = shared.weight_of(sp.link, P.dtype)
    sp.kernel.delays = connectors.delay_kind(sp.link)
  end
end

-- After compile: the link, and the pre-synaptic history as long as the original's delays.
local function after_compile(proj, rt)
  local sp = proj._.special
  local O = sp.link
  local kind, v = runtime.proj_delay(rt, O._.id)
  local longest = 1
  if kind == "uniform" then
    longest = v
  elseif kind == "variable" then
    for _, list in ipairs(v) do for _, s in ipairs(list) do if s > longest then longest = s end end end
  end
  sp.steps = longest
  shared.after_compile(proj, rt)
end

local function connect_copy(self, ...)
  local a = args.parse("Copy:connect_copy", {"projection"}, select("#", ...), ...)
  local who = ("Copy %q"):format(self._.name)
  local O = a.projection
  if not projection.is_projection(O) then
    fail("%s: connect_copy needs a Projection, got %s", who, util.show(O))
  end
  if O._.special then
    fail("%s: the projection to copy must be an ordinary Projection, not a %s", who, O._.special.kind)
  end
  if O._.net ~= self._.net then fail("%s: projection %q belongs to another network", who, O._.name) end
  if not O._.connector then fail("%s: projection %q is not connected yet", who, O._.name) end
  if O._.A.kind ~= "rate" then
    fail("%s: the projection to copy must be rate-coded (%q is spiking)", who, O._.name)
  end
  local pg, qg = self._.pre._.geometry, self._.post._.geometry
  if not same_geometry(pg, O._.pre._.geometry) or not same_geometry(qg, O._.post._.geometry) then
    fail("%s: the pre- and post-synaptic geometries %s and %s must be those of projection %q (%s and %s)", who,
      shape_text(pg), shape_text(qg), O._.name, shape_text(O._.pre._.geometry), shape_text(O._.post._.geometry))
  end
  local sp = self._.special
  sp.link = O
  -- a delay of the original makes this projection read the history of its pre population, as
  -- long as the original's longest delay (known after compile: after_compile)
  local steps = connectors.delay_kind(O) ~= "none" and 2 or 1
  return shared.record(self, ("Copy of projection %q"):format(O._.name),
    {kind = "copy", operation = sp.operation}, {}, steps)
end

--- `ann.Copy(pre, post, target, {psp = "pre.r * w", operation = "sum", name})`: give it to
-- net:connect, then call `:connect_copy(projection)` (or `:copy`) on the projection.
function M.Copy(...)
  local a = shared.arguments("Copy", "pre.r * w", {"sum", "max", "min", "mean"}, select("#", ...), ...)
  local op = a.operation
  return shared.description("Copy", function(_, net)
    local pre, post = shared.sides("Copy", a, net)
    if post._.A.kind ~= "rate" then
      fail("Copy: the post-synaptic population %q must be rate-coded", post._.name)
    end
    local syn = model.Synapse{psp = a.psp, operation = op, name = "Copy",
      description = "The synapses and weights of another projection, with their own psp."}
    local sp = {kind = "Copy", operation = op, after_compile = after_compile}
    local proj = shared.connect(net, pre, post, a.target, syn, a.name, sp,
      {connect_copy = connect_copy, copy = connect_copy})
    sp.adjust_plan = adjust_plan(proj)
    return proj
  end)
end

return M
