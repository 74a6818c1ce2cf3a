--- LuaJIT only: projections, their recorders and the connectors through the FFI, with the
-- behaviour of the Lua 5.4 binding (src/lua/lprojection.c, lconnect.c). Projection ids,
-- attribute and dendrite indices are 0-based; rank lists handed back are 1-based (they go
-- straight to users), rank lists given are 0-based.
local core = require("annarchy.runtime.ffi_core")
local array = require("annarchy.runtime.ffi_array")
local network = require("annarchy.runtime.ffi_network")

local ffi, C = core.ffi, core.C
local net_of, int, num, is_array = network.net_of, network.int, network.num, array.is_array

local M = {}

local function argerror(n, fname, msg) error(("bad argument #%d to '%s' (%s)"):format(n, fname, msg), 0) end

local function check_proj(net, id, fname)
  int(id, 2, fname)
  if id < 0 or id >= C.ann_network_projection_count(net) then argerror(2, fname, "no such projection") end
  return id
end

local function check_attr(net, id, k, fname)
  int(k, 3, fname)
  if k < 0 or k >= C.ann_projection_attr_count(net, id) then argerror(3, fname, "no such attribute") end
  return k
end

-- A list (a table or an Array) as a C array of int32_t or double; nil and 0 for nil.
local function c_list(v, ctype)
  if v == nil then return nil, 0 end
  local n = is_array(v) and tonumber(v.a_.size) or #v
  local out = ffi.new(ctype .. "[?]", n + 1)
  for i = 0, n - 1 do out[i] = is_array(v) and v.a_.data[i] or num(v[i + 1]) end
  return out, n
end

-- ---- connectors ------------------------------------------------------------------------------

local function syn_value(v, def)
  if type(v) == "table" then
    local d = ffi.new("ann_dist")
    d.kind = C.ann_dist_kind_from_name(tostring(v.kind))
    if d.kind < 0 then error("annarchy: unknown distribution", 0) end
    d.p1, d.p2 = v.p1 or 0, v.p2 or 0
    d.has_min, d.min = v.min ~= nil and 1 or 0, v.min or 0
    d.has_max, d.max = v.max ~= nil and 1 or 0, v.max or 0
    return C.ann_value_dist(d)
  end
  return C.ann_value_const(v or def)
end

local kinds = {all_to_all = true, one_to_one = true, fixed_probability = true, fixed_number_pre = true,
  fixed_number_post = true, fixed_total_number = true, gaussian = true, dog = true, from_lists = true}

--- connect(kind, args) -> Connectivity (an ann_csr). args as for the C module's core.connect:
-- pre_ranks, post_ranks (0-based lists), pre_size, post_size, same, allow_self, weights,
-- delays (numbers or descriptors {kind, p1, p2, min, max}), dt, shared, seed, stream, threads, and per
-- kind p, number, amp, sigma, amp_neg, sigma_neg, limit, pre_geom, post_geom, list_post,
-- list_row, pre, w, delay_ms.
function M.connect(kind, t)
  if not kinds[kind] then argerror(1, "connect", ("invalid option '%s'"):format(tostring(kind))) end
  if type(t) ~= "table" then argerror(2, "connect", "table expected") end
  local pre, npre = c_list(t.pre_ranks, "int32_t")
  local post, npost = c_list(t.post_ranks, "int32_t")
  local pre_size, post_size = t.pre_size or 0, t.post_size or 0
  local same, allow = t.same and 1 or 0, t.allow_self and 1 or 0
  local v = ffi.new("ann_syn_values")
  v.weights = syn_value(t.weights, 0.0)
  v.delays = syn_value(t.delays, 0.0)
  v.dt = t.dt or 1.0
  v.shared_weight = t.shared and 1 or 0
  v.rows.threads = t.threads or 1
  v.rows.divide_size = t.divide and post_size or 0
  local rng = ffi.new("ann_rng")
  C.ann_rng_init(rng, t.seed or 0, t.stream or 0)
  local c = ffi.gc(ffi.new("ann_csr[1]"), C.ann_csr_free)
  local st = core.status()
  local rc
  if kind == "all_to_all" then
    rc = C.ann_connect_all_to_all(c, pre, npre, pre_size, post, npost, post_size, same, allow, v, rng, st)
  elseif kind == "one_to_one" then
    rc = C.ann_connect_one_to_one(c, pre, npre, pre_size, post, npost, post_size, v, rng, st)
  elseif kind == "fixed_probability" then
    rc = C.ann_connect_fixed_probability(c, pre, npre, pre_size, post, npost, post_size, same, t.p or 0, allow, v,
      rng, st)
  elseif kind == "fixed_number_pre" then
    rc = C.ann_connect_fixed_number_pre(c, pre, npre, pre_size, post, npost, post_size, same, t.number or 0, allow,
      v, rng, st)
  elseif kind == "fixed_number_post" then
    rc = C.ann_connect_fixed_number_post(c, pre, npre, pre_size, post, npost, post_size, same, t.number or 0, allow,
      v, rng, st)
  elseif kind == "fixed_total_number" then
    rc = C.ann_connect_fixed_total_number(c, pre, npre, pre_size, post, npost, post_size, same, t.number or 0,
      allow, t.allow_multapses and 1 or 0, v, rng, st)
  elseif kind == "gaussian" or kind == "dog" then
    local pg, pnd = c_list(t.pre_geom, "int32_t")
    local qg, qnd = c_list(t.post_geom, "int32_t")
    if kind == "gaussian" then
      rc = C.ann_connect_gaussian(c, pg, pnd, qg, qnd, same, t.amp or 0, t.sigma or 0, t.limit or 0.01, allow, v,
        rng, st)
    else
      rc = C.ann_connect_dog(c, pg, pnd, qg, qnd, same, t.amp or 0, t.sigma or 0, t.amp_neg or 0, t.sigma_neg or 0,
        t.limit or 0.01, allow, v, rng, st)
    end
  else
    local lpost, nl = c_list(t.list_post, "int32_t")
    local rowd, nsyn = c_list(t.list_row, "double")
    local lpre = c_list(t.pre, "int32_t")
    local w = c_list(t.w, "double")
    local dms = c_list(t.delay_ms, "double")
    local row = ffi.new("int64_t[?]", nl + 1)
    for i = 0, nl do row[i] = i < nsyn and rowd[i] or 0 end
    rc = C.ann_connect_from_lists(c, nl, lpost, row, lpre, w, dms, pre_size, post_size, v, rng, st)
  end
  if rc ~= 0 then core.raise_plain(st) end
  return c
end

-- ---- the runtime -----------------------------------------------------------------------------

local delay_kinds = {none = 0, uniform = 1, variable = 2}

--- add_projection(desc, csr) -> id (desc as for the C module's rt:add_projection)
function M.add_projection(rt, desc, csr)
  local net = net_of(rt)
  if type(desc) ~= "table" then argerror(2, "add_projection", "table expected") end
  local d = ffi.new("ann_proj_desc")
  d.pre, d.post = desc.pre or -1, desc.post or -1
  d.pre_major, d.post_index = desc.pre_major and 1 or 0, desc.post_index and 1 or 0
  d.spike_events = desc.spike_events and 1 or 0
  d.delay_kind = delay_kinds[desc.delay_kind or "none"]
  if d.delay_kind == nil then argerror(2, "add_projection", "invalid delay_kind") end
  d.w_attr, d.last_event_attr = desc.w_attr or -1, desc.last_event_attr or -1
  if type(desc.attrs) ~= "table" then argerror(2, "add_projection", "attrs: table expected") end
  local attrs = ffi.new("ann_proj_attr[?]", #desc.attrs + 1)
  for k, a in ipairs(desc.attrs) do
    attrs[k - 1].type = a.type or C.ANN_TYPE_F64
    attrs[k - 1].locality = a.locality or C.ANN_LOC_LOCAL
    attrs[k - 1].init = num(a.init)
  end
  d.nattr, d.attrs = #desc.attrs, attrs
  local delayed, nd = c_list(desc.delayed, "int32_t")
  d.delayed, d.ndelayed = delayed, nd
  local pre_read, nr = c_list(desc.pre_read, "int32_t")
  d.pre_read, d.npre_read = pre_read, nr
  d.plastic = desc.plastic and 1 or 0
  d.transmit_local = desc.transmit_local and 1 or 0
  d.threads = desc.threads or 1
  local st = core.status()
  local id = C.ann_network_add_projection(net, d, csr, st)
  if id < 0 then core.raise(st) end
  return id
end
-- d holds the only references to attrs, delayed and pre_read (pointers): interpreted, the function keeps
-- its locals alive until it returns; compiled code may let the collector free them earlier.
require("jit").off(M.add_projection)

function M.proj_set_connectivity(rt, id, csr)
  local net = net_of(rt)
  local st = core.status()
  if C.ann_projection_set_connectivity(net, check_proj(net, id, "proj_set_connectivity"), csr, st) ~= 0 then
    core.raise(st)
  end
end

--- proj_release(id): a divided projection gathered for reading goes back to this process's part.
function M.proj_release(rt, id)
  local net = net_of(rt)
  local st = core.status()
  if C.ann_projection_release(net, check_proj(net, id, "proj_release"), st) ~= 0 then core.raise(st) end
end

--- proj_size(id) -> ndend, nsyn
function M.proj_size(rt, id)
  local net = net_of(rt)
  check_proj(net, id, "proj_size")
  return C.ann_projection_dendrite_count(net, id), tonumber(C.ann_projection_synapse_count(net, id))
end

--- proj_post_ranks(id) -> list of 1-based post ranks
function M.proj_post_ranks(rt, id)
  local net = net_of(rt)
  check_proj(net, id, "proj_post_ranks")
  local r, out = C.ann_projection_post_ranks(net, id), {}
  for d = 0, C.ann_projection_dendrite_count(net, id) - 1 do out[d + 1] = r[d] + 1 end
  return out
end

local function range(net, id, d0, d1)
  local ndend = C.ann_projection_dendrite_count(net, id)
  d0, d1 = d0 or 0, d1 or ndend
  if d0 < 0 or d1 > ndend or d0 > d1 then error("annarchy: dendrite range out of bounds", 0) end
  return d0, d1
end

local function rows(net, id)
  local row, pre = C.ann_projection_row(net, id), C.ann_projection_pre_ranks(net, id)
  if pre == nil and C.ann_projection_synapse_count(net, id) > 0 then error("annarchy: out of memory", 0) end
  return row, pre
end

--- proj_pre_ranks(id[, d0, d1]) -> list (one per dendrite) of lists of 1-based pre ranks
function M.proj_pre_ranks(rt, id, d0, d1)
  local net = net_of(rt)
  check_proj(net, id, "proj_pre_ranks")
  d0, d1 = range(net, id, d0, d1)
  local row, pre = rows(net, id)
  local out = {}
  for d = d0, d1 - 1 do
    local list = {}
    for k = tonumber(row[d]), tonumber(row[d + 1]) - 1 do list[#list + 1] = pre[k] + 1 end
    out[d - d0 + 1] = list
  end
  return out
end

--- proj_dendrite_sizes(id) -> list of synapse counts
function M.proj_dendrite_sizes(rt, id)
  local net = net_of(rt)
  check_proj(net, id, "proj_dendrite_sizes")
  local row, out = C.ann_projection_row(net, id), {}
  for d = 0, C.ann_projection_dendrite_count(net, id) - 1 do out[d + 1] = tonumber(row[d + 1] - row[d]) end
  return out
end

function M.proj_dendrite_of(rt, id, rank)
  local net = net_of(rt)
  return C.ann_projection_dendrite_of(net, check_proj(net, id, "proj_dendrite_of"), rank)
end

function M.proj_syn_index(rt, id, dend, rank)
  local net = net_of(rt)
  return tonumber(C.ann_projection_synapse_index(net, check_proj(net, id, "proj_syn_index"), dend, rank))
end

--- proj_get(id, attr[, d0, d1, split]) -> global: number; semiglobal: Array (one per
-- dendrite); local: a flat Array, or with split a list of Arrays (one per dendrite).
function M.proj_get(rt, id, attr, d0, d1, split)
  local net = net_of(rt)
  check_proj(net, id, "proj_get")
  check_attr(net, id, attr, "proj_get")
  d0, d1 = range(net, id, d0, d1)
  local loc = C.ann_projection_attr_locality(net, id, attr)
  local st = core.status()
  if loc == C.ANN_LOC_GLOBAL then
    local v = ffi.new("double[1]")
    C.ann_projection_read(net, id, attr, 0, 0, v, st)
    return network.value(v[0], C.ann_projection_attr_type(net, id, attr))
  end
  local n = tonumber(C.ann_projection_count_values(net, id, attr, d0, d1))
  if loc == C.ANN_LOC_LOCAL and split then
    local row = C.ann_projection_row(net, id)
    local tmp = ffi.new("double[?]", n + 1)
    if C.ann_projection_read(net, id, attr, d0, d1, tmp, st) ~= 0 then core.raise(st) end
    local out = {}
    for d = d0, d1 - 1 do
      out[d - d0 + 1] = array.from_pointer(tmp + (row[d] - row[d0]), tonumber(row[d + 1] - row[d]))
    end
    return out
  end
  local a = array.new({n})
  if C.ann_projection_read(net, id, attr, d0, d1, a.d_, st) ~= 0 then core.raise(st) end
  return a
end

-- A number, a boolean, an Array or nested lists flattened into a C array of doubles.
local function flatten(v)
  local out = {}
  local function walk(x)
    if is_array(x) then
      for i = 0, tonumber(x.a_.size) - 1 do out[#out + 1] = x.a_.data[i] end
    elseif type(x) == "table" then
      for i = 1, #x do walk(x[i]) end
    else
      out[#out + 1] = num(x)
    end
  end
  walk(v)
  local buf = ffi.new("double[?]", #out + 1)
  for i = 1, #out do buf[i - 1] = out[i] end
  return buf, #out
end

--- proj_set(id, attr, value[, d0, d1]): a number (all), or flat/nested values in post-major order
function M.proj_set(rt, id, attr, value, d0, d1)
  local net = net_of(rt)
  check_proj(net, id, "proj_set")
  check_attr(net, id, attr, "proj_set")
  d0, d1 = range(net, id, d0, d1)
  local buf, n = flatten(value)
  if C.ann_projection_count_values(net, id, attr, d0, d1) == 0 then return end
  local st = core.status()
  if C.ann_projection_write(net, id, attr, d0, d1, buf, n, st) ~= 0 then core.raise(st) end
end

function M.proj_get1(rt, id, attr, k)
  local net = net_of(rt)
  check_proj(net, id, "proj_get1")
  check_attr(net, id, attr, "proj_get1")
  return network.value(C.ann_projection_get1(net, id, attr, k), C.ann_projection_attr_type(net, id, attr))
end

function M.proj_set1(rt, id, attr, k, v)
  local net = net_of(rt)
  check_proj(net, id, "proj_set1")
  check_attr(net, id, attr, "proj_set1")
  C.ann_projection_set1(net, id, attr, k, num(v))
end

--- proj_delay(id) -> "none"|"uniform", steps  or  "variable", list of lists of steps
function M.proj_delay(rt, id)
  local net = net_of(rt)
  check_proj(net, id, "proj_delay")
  local kind = C.ann_projection_delay_kind(net, id)
  if kind ~= C.ANN_DELAY_VARIABLE then
    return kind == C.ANN_DELAY_NONE and "none" or "uniform", C.ann_projection_uniform_delay(net, id)
  end
  local tmp = ffi.new("int32_t[?]", tonumber(C.ann_projection_synapse_count(net, id)) + 1)
  local st = core.status()
  if C.ann_projection_delays(net, id, tmp, st) ~= 0 then core.raise(st) end
  local row, out = C.ann_projection_row(net, id), {}
  for d = 0, C.ann_projection_dendrite_count(net, id) - 1 do
    local list = {}
    for k = tonumber(row[d]), tonumber(row[d + 1]) - 1 do list[#list + 1] = tmp[k] end
    out[d + 1] = list
  end
  return "variable", out
end

--- proj_set_delay(id, steps): a number (uniform) or nested lists in post-major order
function M.proj_set_delay(rt, id, steps)
  local net = net_of(rt)
  check_proj(net, id, "proj_set_delay")
  local st = core.status()
  if type(steps) == "number" then
    if C.ann_projection_set_uniform_delay(net, id, steps, st) ~= 0 then core.raise(st) end
    return
  end
  local buf, n = flatten(steps)
  local nsyn = tonumber(C.ann_projection_synapse_count(net, id))
  if n ~= nsyn then error(("annarchy: expected %d delays, got %d"):format(nsyn, n), 0) end
  local s = ffi.new("int32_t[?]", n + 1)
  for k = 0, n - 1 do s[k] = buf[k] end
  if C.ann_projection_set_delays(net, id, s, st) ~= 0 then core.raise(st) end
end

function M.proj_flags(rt, id, transmission, update, plasticity, axon_transmission)
  local net = net_of(rt)
  id = check_proj(net, id, "proj_flags")
  C.ann_projection_set_flags(net, id, transmission and 1 or 0, update and 1 or 0, plasticity and 1 or 0)
  C.ann_projection_set_axon_transmission(net, id, (axon_transmission == nil or axon_transmission) and 1 or 0)
end

function M.proj_schedule(rt, id, period, offset)
  local net = net_of(rt)
  C.ann_projection_set_schedule(net, check_proj(net, id, "proj_schedule"), int(period, 3, "proj_schedule"),
    int(offset, 4, "proj_schedule"))
end

--- proj_create(id, dend, ranks0, weights|nil, delay_steps|nil)
function M.proj_create(rt, id, dend, ranks, weights, delays)
  local net = net_of(rt)
  check_proj(net, id, "proj_create")
  local r, n = flatten(ranks)
  local w, nw, dl, nd
  if weights ~= nil then w, nw = flatten(weights) end
  if delays ~= nil then dl, nd = flatten(delays) end
  if (w and nw ~= n) or (dl and nd ~= n) then error("annarchy: lists of different lengths", 0) end
  local ri, di = ffi.new("int32_t[?]", n + 1), ffi.new("int32_t[?]", n + 1)
  for i = 0, n - 1 do ri[i] = r[i]; di[i] = dl and dl[i] or 1 end
  local st = core.status()
  if C.ann_projection_create_synapses(net, id, dend, n, ri, w, dl and di or nil, st) ~= 0 then core.raise(st) end
end

function M.proj_prune(rt, id, dend, ranks)
  local net = net_of(rt)
  check_proj(net, id, "proj_prune")
  local r, n = flatten(ranks)
  local ri = ffi.new("int32_t[?]", n + 1)
  for i = 0, n - 1 do ri[i] = r[i] end
  local st = core.status()
  if C.ann_projection_prune_synapses(net, id, dend, n, ri, st) ~= 0 then core.raise(st) end
end

function M.proj_creating(rt, id, period, w, delay)
  local net = net_of(rt)
  C.ann_projection_set_creating(net, check_proj(net, id, "proj_creating"), period, w or 0, delay or 1)
end

function M.proj_pruning(rt, id, period)
  local net = net_of(rt)
  C.ann_projection_set_pruning(net, check_proj(net, id, "proj_pruning"), period)
end

--- proj_set_ext(id, k, array): extension buffer k of a shared-weight projection
function M.proj_set_ext(rt, id, k, values)
  local net = net_of(rt)
  check_proj(net, id, "proj_set_ext")
  if not is_array(values) then argerror(4, "proj_set_ext", "ann.Array expected") end
  local st = core.status()
  if C.ann_projection_set_ext(net, id, int(k, 3, "proj_set_ext"), values.a_.data, values.a_.size, st) ~= 0 then
    core.raise(st)
  end
end

--- proj_link(id, other): the projection a Copy or a Transpose reads (nil or -1: none)
function M.proj_link(rt, id, other)
  local net = net_of(rt)
  check_proj(net, id, "proj_link")
  if other == nil or other < 0 then other = -1 else check_proj(net, other, "proj_link") end
  C.ann_projection_link(net, id, other)
end

function M.proj_init_history(rt, pop) C.ann_projections_init_history(net_of(rt), pop or -1) end

function M.proj_bytes(rt, id)
  local net = net_of(rt)
  return tonumber(C.ann_projection_bytes(net, check_proj(net, id, "proj_bytes")))
end

--- proj_matrix(id, attr, fill) -> Array {post size, pre size}
function M.proj_matrix(rt, id, attr, fill)
  local net = net_of(rt)
  check_proj(net, id, "proj_matrix")
  check_attr(net, id, attr, "proj_matrix")
  local npre = C.ann_population_size(net, C.ann_projection_pre(net, id))
  local a = array.new({C.ann_population_size(net, C.ann_projection_post(net, id)), npre})
  a:fill(fill or 0.0)
  local row, pre = rows(net, id)
  local post = C.ann_projection_post_ranks(net, id)
  local semi = C.ann_projection_attr_locality(net, id, attr) == C.ANN_LOC_SEMIGLOBAL
  for d = 0, C.ann_projection_dendrite_count(net, id) - 1 do
    local base = post[d] * npre
    for k = tonumber(row[d]), tonumber(row[d + 1]) - 1 do
      a.d_[base + pre[k]] = C.ann_projection_get1(net, id, attr, semi and d or k)
    end
  end
  return a
end

-- ---- recorders -------------------------------------------------------------------------------

local function rec(h) return network.owned(h, "monitor") end

--- proj_recorder(id, attr, dends0|nil, period, offset)
function M.proj_recorder(rt, id, attr, dends, period, offset)
  local net = net_of(rt)
  check_proj(net, id, "proj_recorder")
  check_attr(net, id, attr, "proj_recorder")
  local d, n = c_list(dends, "int32_t")
  local st = core.status()
  local r = C.ann_proj_recorder_new(net, id, attr, d, n, int(period, 5, "proj_recorder"),
    int(offset, 6, "proj_recorder"), st)
  if r == nil then core.raise(st) end
  return {obj = r, rt = rt}
end

function M.recorder_free(h) network.release(h, C.ann_proj_recorder_free) end

function M.recorder_set_name(h, name)
  local st = core.status()
  if C.ann_proj_recorder_set_name(rec(h), name, st) ~= 0 then core.raise(st) end
end

function M.recorder_set_recording(h, on) C.ann_proj_recorder_set_recording(rec(h), on and 1 or 0) end
function M.recorder_set_period(h, period, offset) C.ann_proj_recorder_set_period(rec(h), period, offset) end

--- recorder_data() -> list of flat Arrays, one per record
function M.recorder_data(h)
  local nrec, widths = ffi.new("int64_t[1]"), ffi.new("const int64_t *[1]")
  local d = C.ann_proj_recorder_data(rec(h), nrec, widths)
  local out, off = {}, 0
  for i = 0, tonumber(nrec[0]) - 1 do
    local w = tonumber(widths[0][i])
    out[i + 1] = array.from_pointer(d + off, w)
    off = off + w
  end
  return out
end

function M.recorder_clear(h) C.ann_proj_recorder_clear(rec(h)) end
function M.recorder_bytes(h) return tonumber(C.ann_proj_recorder_bytes(rec(h))) end

return M
