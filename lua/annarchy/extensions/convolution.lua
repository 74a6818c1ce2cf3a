--- Convolution: a shared-weight projection applying one filter (connect_filter) or a bank of
-- filters (connect_filters) around a centre in the pre-synaptic population for every
-- post-synaptic neuron (a cross-correlation: the filter is not flipped).
--
--   local conv = net:connect(ann.Convolution(img, out, "exc"))
--   conv:connect_filter({{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}}, {padding = "border"})
--
-- The mapping of geometries, the centres and the padding rules are in docs/convolution.md.
-- The kernel is generated (annarchy.codegen.shared_weights, kind "convolution"); the filters,
-- the centres and the pre geometry are data in the projection's extension buffers.
local util = require("annarchy.util")
local args = require("annarchy.args")
local runtime = require("annarchy.runtime")
local model = require("annarchy.model")
local shared = require("annarchy.extensions.shared_weight")
local SLOTS = require("annarchy.codegen.shared_weights").SLOTS

local fail = util.fail
local M = {}

--- The centre offset of a filter dimension of K elements: K//2 (odd) or K/2 - 1 (even).
local function offset(k) return k % 2 == 1 and (k - 1) / 2 or k / 2 - 1 end

local function shape_text(s) return "(" .. table.concat(s, ", ") .. ")" end

-- The layout of the kernel's buffer: element k of filter f at k * F + f (F = 1: unchanged).
local function transposed(values, F)
  if F == 1 then return values end
  local size = #values / F
  local out = {}
  for f = 0, F - 1 do
    for k = 0, size - 1 do out[k * F + f + 1] = values[f * size + k + 1] end
  end
  return out
end

-- The candidate centres of pre dimension d (1-based) along post dimension d: the pre
-- dimension is divided into blocks of s = pre/post elements, whose middle ((s - 1)//2) is
-- the centre.
local function subsampled(who, pre_g, post_g, d)
  local s = math.floor(pre_g[d] / post_g[d])
  if s * post_g[d] ~= pre_g[d] then
    fail("%s: the pre-synaptic dimension %d (%d neurons) is not a multiple of the post-synaptic "
      .. "dimension %d (%d neurons): give the centres with subsampling", who, d, pre_g[d], d, post_g[d])
  end
  local list = {}
  for i = 0, post_g[d] - 1 do list[#list + 1] = math.floor((s - 1) / 2) + s * i end
  return list
end

-- The Cartesian product of the candidate lists, row-major (the last list varies fastest).
local function product(lists)
  local out = {{}}
  for _, list in ipairs(lists) do
    local nxt = {}
    for _, prefix in ipairs(out) do
      for _, v in ipairs(list) do
        local c = util.copy_list(prefix)
        c[#c + 1] = v
        nxt[#nxt + 1] = c
      end
    end
    out = nxt
  end
  return out
end

-- Centres given by the user: `count` lists of dp 1-based pre coordinates.
local function given_centres(who, sub, count, pre_g)
  if type(sub) ~= "table" or getmetatable(sub) ~= nil or #sub ~= count then
    fail("%s: subsampling must be a list of %d centres (one per post-synaptic neuron, per filter for a "
      .. "bank), each a list of %d pre-synaptic coordinates", who, count, #pre_g)
  end
  local out = {}
  for i, c in ipairs(sub) do
    if type(c) ~= "table" or #c ~= #pre_g then
      fail("%s: subsampling centre %d must be a list of %d pre-synaptic coordinates", who, i, #pre_g)
    end
    local z = {}
    for d = 1, #pre_g do
      local x = c[d]
      if not util.is_integer(x) or x < 1 or x > pre_g[d] then
        fail("%s: subsampling centre %d: coordinate %s out of range 1..%d in dimension %d", who, i,
          util.show(x), pre_g[d], d)
      end
      z[d] = x - 1
    end
    out[i] = z
  end
  return out
end

-- Checks a filter (or bank) against the geometries and computes the kernel declaration and
-- the centres (0-based) of every post rank: {decl, centres, K}.
local function mapping(proj, w, o, bank)
  local who = ("Convolution %q"):format(proj._.name)
  local pre_g, post_g = proj._.pre._.geometry, proj._.post._.geometry
  local dp, dq, dk = #pre_g, #post_g, #w.shape
  if dp > 4 then fail("%s: the pre-synaptic population has %d dimensions (at most 4)", who, dp) end
  if dq > 4 then fail("%s: the post-synaptic population has %d dimensions (at most 4)", who, dq) end
  if dk > (bank and 5 or 4) then
    fail("%s: the %s has %d dimensions (at most %d)", who, bank and "filter bank" or "filter", dk, bank and 5 or 4)
  end
  local K, F = w.shape, nil
  if bank then
    if dk < 2 then fail("%s: connect_filters needs a bank of filters (filter index first), got shape %s", who,
      shape_text(w.shape)) end
    F = w.shape[1]
    K = {}
    for d = 2, dk do K[#K + 1] = w.shape[d] end
    if post_g[dq] ~= F then
      fail("%s: the last dimension of the post-synaptic population (%d) must be the number of filters (%d)",
        who, post_g[dq], F)
    end
  elseif dk > dp then
    fail("%s: the filter has more dimensions (%d) than the pre-synaptic population (%d): use connect_filters "
      .. "for a bank of filters", who, dk, dp)
  end
  local n = #K
  if n > dp then
    fail("%s: the filters have more dimensions (%d) than the pre-synaptic population (%d)", who, n, dp)
  end
  local keep_last = false
  if n < dp then
    if not o.keep_last then
      fail("%s: the filter has fewer dimensions (%d) than the pre-synaptic population (%d): set "
        .. "keep_last_dimension = true to apply it to each slice of the last dimension", who, n, dp)
    end
    if n ~= dp - 1 then
      fail("%s: with keep_last_dimension the filter must have one dimension less than the pre-synaptic "
        .. "population (%d), not %d", who, dp - 1, n)
    end
    if pre_g[dp] ~= post_g[bank and dq - 1 or dq] then
      fail("%s: with keep_last_dimension the last dimension of the pre-synaptic population (%d) must be "
        .. "the last dimension of the post-synaptic population (%d)", who, pre_g[dp], post_g[bank and dq - 1 or dq])
    end
    keep_last = true
  end
  local sdq = bank and dq - 1 or dq   -- the post dimensions that subsample pre dimensions
  if sdq < dp and not keep_last and K[n] ~= pre_g[dp] then
    fail("%s: the post-synaptic population has fewer dimensions than the pre-synaptic one: the last "
      .. "dimension of the filter (%d) must cover the last pre-synaptic dimension (%d)", who, K[n], pre_g[dp])
  end
  local per_filter = util.product(post_g) / (bank and F or 1)
  local centres
  if o.subsampling ~= nil then
    centres = given_centres(who, o.subsampling, per_filter, pre_g)
  else
    local lists = {}
    for d = 1, dp do
      if d <= sdq then
        lists[d] = subsampled(who, pre_g, post_g, d)
      elseif keep_last then
        local list = {}
        for i = 0, pre_g[d] - 1 do list[#list + 1] = i end
        lists[d] = list
      else
        lists[d] = {offset(K[d])}
      end
    end
    centres = product(lists)
    if #centres ~= per_filter then
      fail("%s: the post-synaptic geometry %s does not match the pre-synaptic geometry %s with this filter "
        .. "(%d centres for %d post-synaptic neurons%s)", who, shape_text(post_g), shape_text(pre_g), #centres,
        per_filter, bank and " per filter" or "")
    end
  end
  local flat = {}
  for _, c in ipairs(centres) do
    if bank then
      for f = 0, F - 1 do
        for d = 1, dp do flat[#flat + 1] = c[d] end
        flat[#flat + 1] = f
      end
    else
      for d = 1, dp do flat[#flat + 1] = c[d] end
    end
  end
  return {dp = dp, kshape = K, bank = F, keep_last = keep_last, padding = o.padding_mode,
          operation = proj._.special.operation}, flat
end

local function connect(bank)
  local fname = bank and "connect_filters" or "connect_filter"
  return function(self, ...)
    local a = args.parse("Convolution:" .. fname, {"weights", "delays", "keep_last_dimension", "padding",
      "subsampling"}, select("#", ...), ...)
    local who = ("Convolution %q"):format(self._.name)
    if a.weights == nil then fail("%s: %s needs the weights", who, fname) end
    local w = shared.tensor(a.weights, who, "the weights")
    local steps = shared.delay_steps(who, a.delays, self._.net._.dt)
    local padding = a.padding
    if padding == nil then padding = 0.0 end
    local mode
    if type(padding) == "number" then
      if padding ~= padding then fail("%s: the padding must be a number or \"border\", got nan", who) end
      mode = "value"
    elseif type(padding) == "string" then
      mode = "border"
    else
      fail("%s: the padding must be a number or \"border\", got %s", who, util.show(padding))
    end
    local decl, centres = mapping(self, w, {keep_last = a.keep_last_dimension == true, padding_mode = mode,
      subsampling = a.subsampling}, bank)
    decl.kind = "convolution"
    local geometry = util.copy_list(self._.pre._.geometry)
    geometry[#geometry + 1] = mode == "value" and padding or 0.0
    local sp = self._.special
    sp.shape, sp.values, sp.centres, sp.dp = w.shape, w.values, centres, decl.dp
    local label = ("%s %s%s, padding %s%s"):format(bank and "Bank of filters" or "Filter", shape_text(w.shape),
      decl.keep_last and " applied to each slice of the last dimension" or "",
      mode == "value" and tostring(padding) or "border",
      steps > 1 and (", delays %s ms"):format(tostring(a.delays)) or "")
    return shared.record(self, label, decl, {[SLOTS.weights] = transposed(w.values, decl.bank or 1),
      [SLOTS.centres] = centres, [SLOTS.geometry] = geometry}, steps)
  end
end

-- proj.weights and proj:get("weights"): the filter (or bank) as an Array; a write keeps the shape.
local weights_field = {
  get = function(p)
    local sp = p._.special
    if not sp.data then fail("Convolution %q: no filter yet: call connect_filter or connect_filters", p._.name) end
    local a = runtime.array(sp.values)
    if #sp.shape > 1 then a = a:reshape(sp.shape) end
    return a
  end,
  set = function(p, v)
    local sp = p._.special
    local who = ("Convolution %q"):format(p._.name)
    if not sp.data then fail("%s: no filter yet: call connect_filter or connect_filters", who) end
    local w = shared.tensor(v, who, "the weights")
    local same = #w.shape == #sp.shape
    for d = 1, #w.shape do same = same and w.shape[d] == sp.shape[d] end
    if not same then
      fail("%s: the new weights must have the shape %s of the filter given at connection, got %s", who,
        shape_text(sp.shape), shape_text(w.shape))
    end
    sp.values = w.values
    sp.data[SLOTS.weights] = transposed(w.values, sp.kernel.bank or 1)
    local rt = p._.net._.rt
    if rt then shared.push(p, rt, SLOTS.weights, sp.data[SLOTS.weights]) end
  end,
}

--- proj:center(rank) or proj:center(coordinates): the 1-based pre-synaptic coordinates of the
-- centre of a post-synaptic neuron (rank 1-based, or its coordinates in the post geometry).
local function center(self, ...)
  local sp = self._.special
  local who = ("Convolution %q"):format(self._.name)
  if not sp.data then fail("%s: no filter yet: call connect_filter or connect_filters", who) end
  local post_g = self._.post._.geometry
  local x = ...
  local rank
  if select("#", ...) == 1 and util.is_integer(x) then
    rank = x
  else
    local coords = select("#", ...) == 1 and type(x) == "table" and x or {...}
    if #coords ~= #post_g then fail("%s: center() takes a post rank or %d coordinates", who, #post_g) end
    rank = 0
    for d = 1, #post_g do
      local c = coords[d]
      if not util.is_integer(c) or c < 1 or c > post_g[d] then
        fail("%s: center(): coordinate %s out of range 1..%d in dimension %d", who, util.show(c), post_g[d], d)
      end
      rank = rank * post_g[d] + c - 1
    end
    rank = rank + 1
  end
  if not util.is_integer(rank) or rank < 1 or rank > self._.post._.size then
    fail("%s: center(): no post-synaptic rank %s", who, util.show(rank))
  end
  local stride = sp.dp + (sp.kernel.bank and 1 or 0)
  local out = {}
  for d = 1, sp.dp do out[d] = sp.centres[(rank - 1) * stride + d] + 1 end
  return out
end

--- `ann.Convolution(pre, post, target, {psp = "pre.r * w", operation = "sum", name})`: give it
-- to net:connect, then call `:connect_filter(weights, {...})` or `:connect_filters(bank, {...})`
-- on the projection it returns.
function M.Convolution(...)
  local a = shared.arguments("Convolution", "pre.r * w", {"sum", "max", "min", "mean"}, select("#", ...), ...)
  return shared.description("Convolution", function(_, net)
    local pre, post = shared.sides("Convolution", a, net)
    local syn = model.Synapse{psp = a.psp, operation = a.operation, name = "Convolution",
      description = "A filter shared by every post-synaptic neuron, applied around its centre in the "
        .. "pre-synaptic population."}
    return shared.connect(net, pre, post, a.target, syn, a.name,
      {kind = "Convolution", operation = a.operation, fields = {weights = weights_field}},
      {connect_filter = connect(false), connect_filters = connect(true), center = center})
  end)
end

return M
