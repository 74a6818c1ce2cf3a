--- Connector methods of projections (reference §9.2; API.md "Projection"): each records its
-- request (checked now, so errors come at the call); the synapses are drawn at compile by the
-- C builders of src/connect.c, from the network's seed and a stream reserved at the call,
-- so a script gives the same network whatever happens in between. Also LILConnectivity.
local runtime = require("annarchy.runtime")
local random = require("annarchy.random")
local util = require("annarchy.util")
local time = require("annarchy.time")
local args = require("annarchy.args")
local state = require("annarchy.io.state")

local fail = util.fail
local M = {}

-- Host-side draws use streams above this (the convention of network.lua's _draw).
local HOST_STREAM = 0x40000000

local UNBOUNDED = {Normal = true, LogNormal = true, Exponential = true, Gamma = true}

local function where(proj) return ("projection %q"):format(proj._.name) end

local function check_weights(proj, w, name)
  if type(w) == "number" or random.is_distribution(w) then return w end
  fail("%s: %s must be a number or a random distribution, got %s", where(proj), name or "weights",
    util.show(w))
end

local function check_delays(proj, d)
  if d == nil then return 0.0 end
  if type(d) == "number" then
    if d < 0 or d ~= d then fail("%s: Projection connector: delays are not valid!", where(proj)) end
    return d
  end
  if random.is_distribution(d) then
    if UNBOUNDED[d.kind] and d.max == nil then
      fail("%s: the delays are drawn from %s: you need to set the max argument to limit the "
        .. "maximal delay.", where(proj), tostring(d))
    end
    return d
  end
  fail("%s: Projection connector: delays are not valid! (a number of ms or a distribution)", where(proj))
end

local function reserve_stream(net)
  net._.draws = net._.draws + 1
  return HOST_STREAM + net._.draws
end

local function record(proj, c)
  if proj._.net._.rt then   -- a compiled projection gets new connectivity of the same structure
    c.stream = reserve_stream(proj._.net)
    return proj:_reconnect(c)
  end
  if proj._.connector then
    util.warn(proj._.net, "Projection %s was already connected: its data will be overwritten.",
      proj._.name)
  end
  c.stream = reserve_stream(proj._.net)
  proj._.connector = c
  return proj
end

local function common(proj, a)
  return {
    weights = a.weights ~= nil and check_weights(proj, a.weights) or nil,
    delays = check_delays(proj, a.delays),
    allow_self = a.allow_self_connections == true,
    force_multiple = a.force_multiple_weights == true,
  }
end

local STORAGE = {"storage_format", "storage_order"}   -- accepted and ignored (layout is ours)
local function names(list)
  local out = {}
  for _, n in ipairs(list) do out[#out + 1] = n end
  for _, n in ipairs(STORAGE) do out[#out + 1] = n end
  return out
end

local methods = {}
M.methods = methods

function methods.all_to_all(proj, ...)
  local a = args.parse("Projection:all_to_all", names{"weights", "delays", "allow_self_connections",
    "force_multiple_weights"}, select("#", ...), ...)
  if a.weights == nil then fail("%s: all_to_all needs weights", where(proj)) end
  local c = common(proj, a)
  c.kind = "all_to_all"
  return record(proj, c)
end

function methods.one_to_one(proj, ...)
  local a = args.parse("Projection:one_to_one", names{"weights", "delays", "force_multiple_weights"},
    select("#", ...), ...)
  if a.storage_format == "dense" then
    fail("%s: The usage of 'dense' storage format on one-to-one pattern is not allowed.", where(proj))
  end
  if a.weights == nil then a.weights = 1.0 end
  local c = common(proj, a)
  c.kind = "one_to_one"
  local npre, npost = proj._.pre_size, proj._.post_size
  if npre ~= npost then
    util.warn(proj._.net, "%s: one_to_one between %d and %d neurons: only the first %d are connected",
      where(proj), npre, npost, math.min(npre, npost))
  end
  return record(proj, c)
end

function methods.fixed_probability(proj, ...)
  local a = args.parse("Projection:fixed_probability", names{"probability", "weights", "delays",
    "allow_self_connections", "force_multiple_weights"}, select("#", ...), ...)
  if type(a.probability) ~= "number" or not (a.probability >= 0 and a.probability <= 1) then
    fail("%s: fixed_probability: the probability must be a number between 0 and 1, got %s",
      where(proj), util.show(a.probability))
  end
  if a.weights == nil then fail("%s: fixed_probability needs weights", where(proj)) end
  local c = common(proj, a)
  c.kind = "fixed_probability"
  c.p = a.probability
  return record(proj, c)
end

local function check_number(proj, n, what)
  if not util.is_integer(n) or n < 0 then
    fail("%s: %s: the number of synapses must be a non-negative integer", where(proj), what)
  end
end

function methods.fixed_number_pre(proj, ...)
  local a = args.parse("Projection:fixed_number_pre", names{"number", "weights", "delays",
    "allow_self_connections", "force_multiple_weights"}, select("#", ...), ...)
  check_number(proj, a.number, "fixed_number_pre")
  if a.number > proj._.pre_size then
    fail("%s: fixed_number_pre: the number of pre-synaptic neurons (%d) exceeds the size of the "
      .. "population (%d).", where(proj), a.number, proj._.pre_size)
  end
  if a.weights == nil then fail("%s: fixed_number_pre needs weights", where(proj)) end
  local c = common(proj, a)
  c.kind = "fixed_number_pre"
  c.number = a.number
  return record(proj, c)
end

function methods.fixed_number_post(proj, ...)
  local a = args.parse("Projection:fixed_number_post", names{"number", "weights", "delays",
    "allow_self_connections", "force_multiple_weights"}, select("#", ...), ...)
  check_number(proj, a.number, "fixed_number_post")
  if a.number > proj._.post_size then
    fail("%s: fixed_number_post: the number of post-synaptic neurons (%d) exceeds the size of the "
      .. "population (%d).", where(proj), a.number, proj._.post_size)
  end
  if a.weights == nil then a.weights = 1.0 end
  local c = common(proj, a)
  c.kind = "fixed_number_post"
  c.number = a.number
  return record(proj, c)
end

--- fixed_total_number(number, weights, delays, {allow_self_connections, allow_multapses}): an
-- annlua extension (PyNN's FixedTotalNumberConnector, NEST's fixed_total_number): exactly
-- `number` synapses, each a uniform draw of a (pre, post) pair; with allow_multapses (the
-- default) a pair may be drawn several times and then holds several synapses, without it the
-- pairs are distinct.
function methods.fixed_total_number(proj, ...)
  local a = args.parse("Projection:fixed_total_number", names{"number", "weights", "delays",
    "allow_self_connections", "allow_multapses", "force_multiple_weights"}, select("#", ...), ...)
  check_number(proj, a.number, "fixed_total_number")
  if a.weights == nil then fail("%s: fixed_total_number needs weights", where(proj)) end
  local c = common(proj, a)
  c.kind = "fixed_total_number"
  c.number = a.number
  c.allow_multapses = a.allow_multapses ~= false
  local p = proj._
  local pairs_n = p.pre_size * p.post_size
  if not c.allow_self and M.same_objects(p) then pairs_n = pairs_n - p.pre_size end
  if a.number > 0 and pairs_n == 0 then
    fail("%s: fixed_total_number: %d synapses requested, but there is no candidate pair",
      where(proj), a.number)
  end
  if not c.allow_multapses and a.number > pairs_n then
    fail("%s: fixed_total_number: %d synapses requested without multapses, but there are only "
      .. "%d candidate pairs", where(proj), a.number, pairs_n)
  end
  return record(proj, c)
end

local function field_connector(proj, kind, a, label)
  if proj._.pre_ranks0 or proj._.post_ranks0 then
    fail("%s: %s connector is only possible on whole populations, not PopulationViews.",
      where(proj), label)
  end
  if #proj._.pre._.geometry ~= #proj._.post._.geometry then
    fail("%s: %s connector: the pre- and post-synaptic populations must have the same number "
      .. "of dimensions", where(proj), label)
  end
  local c = {kind = kind, delays = check_delays(proj, a.delays),
             allow_self = a.allow_self_connections == true, limit = a.limit or 0.01,
             weights = 0.0, force_multiple = true}
  return c
end

function methods.gaussian(proj, ...)
  local a = args.parse("Projection:gaussian", names{"amp", "sigma", "delays", "limit",
    "allow_self_connections"}, select("#", ...), ...)
  local c = field_connector(proj, "gaussian", a, "Gaussian")
  if type(a.amp) ~= "number" or type(a.sigma) ~= "number" then
    fail("%s: gaussian(amp, sigma): numbers expected", where(proj))
  end
  c.amp, c.sigma = a.amp, a.sigma
  return record(proj, c)
end

function methods.dog(proj, ...)
  local a = args.parse("Projection:dog", names{"amp_pos", "sigma_pos", "amp_neg", "sigma_neg",
    "delays", "limit", "allow_self_connections"}, select("#", ...), ...)
  local c = field_connector(proj, "dog", a, "DoG")
  for _, k in ipairs{"amp_pos", "sigma_pos", "amp_neg", "sigma_neg"} do
    if type(a[k]) ~= "number" then fail("%s: dog: %s must be a number", where(proj), k) end
  end
  c.amp, c.sigma, c.amp_neg, c.sigma_neg = a.amp_pos, a.sigma_pos, a.amp_neg, a.sigma_neg
  return record(proj, c)
end

-- ---- user connectivity: lists of (post, pre, w, delay) ------------------------------------------


--- Records lists: post ranks and pre ranks are 0-based ranks of the underlying populations;
-- w a list (one per synapse) or nil with `weights`; delay_ms a list or nil.
local function record_lists(proj, kind, lists, weights, delays)
  local dt = proj._.net._.dt
  local c = {kind = "from_lists", label = kind, lists = lists, weights = weights or 0.0,
             delays = 0.0, force_multiple = true}
  if delays ~= nil and type(delays) ~= "table" then c.delays = check_delays(proj, delays) end
  -- the delay kind is structure: decided here from the values
  local first, variable = nil, false
  for _, l in ipairs(lists) do
    for k = 1, #l.pre do
      local d = l.delay and l.delay[k] or (type(c.delays) == "number" and c.delays or 0)
      local s = time.delay_steps(d, dt)
      if first == nil then first = s elseif s ~= first then variable = true end
    end
  end
  c.list_delay_kind = variable and "variable" or ((first or 1) > 1 and "uniform" or "none")
  return record(proj, c)
end

local function is_missing(v)
  return v == nil or v == false or (type(v) == "number" and v ~= v)
end

local function matrix_at(m, r, c)
  if runtime.is_array(m) then return m[r][c] end
  local row = m[r]
  if row == nil then return nil end
  return row[c]
end

local function matrix_shape(m)
  if runtime.is_array(m) then
    local s = m.shape
    if #s ~= 2 then return nil end
    return s[1], s[2]
  end
  if type(m) ~= "table" then return nil end
  local nr = #m
  local nc = type(m[1]) == "table" and #m[1] or 0
  for r = 1, nr do
    if type(m[r]) ~= "table" or #m[r] ~= nc then return nil end
  end
  return nr, nc
end

local function view_ranks(proj, side)
  local ranks0 = proj._[side .. "_ranks0"]
  local size = proj._[side .. "_size"]
  return function(i)   -- 1-based index in the view -> 0-based rank
    if ranks0 then return ranks0[i] end
    return i - 1
  end, size
end

function methods.from_matrix(proj, ...)
  local a = args.parse("Projection:from_matrix", names{"weights", "delays", "pre_post"},
    select("#", ...), ...)
  local m = a.weights
  local nr, nc = matrix_shape(m)
  local pre_of, npre = view_ranks(proj, "pre")
  local post_of, npost = view_ranks(proj, "post")
  local want_r, want_c = npost, npre
  if a.pre_post then want_r, want_c = npre, npost end
  if nr ~= want_r or nc ~= want_c then
    fail("%s: from_matrix: the matrix must have the shape (%d, %d) (%s), got %s", where(proj),
      want_r, want_c, a.pre_post and "pre, post" or "post, pre",
      nr and ("(" .. nr .. ", " .. nc .. ")") or "something else")
  end
  local dm = a.delays
  local dmatrix = type(dm) == "table" and not random.is_distribution(dm) or runtime.is_array(dm)
  if dmatrix then
    local dr, dc = matrix_shape(dm)
    if dr ~= nr or dc ~= nc then fail("%s: from_matrix: the delays must have the shape of the weights", where(proj)) end
  end
  local lists = {}
  for q = 1, npost do
    local l = {post = post_of(q), pre = {}, w = {}, delay = dmatrix and {} or nil}
    for p = 1, npre do
      local r, c = q, p
      if a.pre_post then r, c = p, q end
      local v = matrix_at(m, r, c)
      if not is_missing(v) then
        if type(v) ~= "number" then fail("%s: from_matrix: entries must be numbers, false or NaN", where(proj)) end
        l.pre[#l.pre + 1] = pre_of(p)
        l.w[#l.w + 1] = v
        if dmatrix then l.delay[#l.delay + 1] = matrix_at(dm, r, c) end
      end
    end
    if #l.pre > 0 then lists[#lists + 1] = l end
  end
  return record_lists(proj, "from_matrix", lists, nil, not dmatrix and dm or nil)
end

function methods.from_sparse(proj, ...)
  local a = args.parse("Projection:from_sparse", names{"pre_ranks", "post_ranks", "weights", "delays"},
    select("#", ...), ...)
  local pr, qr, w = a.pre_ranks, a.post_ranks, a.weights
  if type(pr) ~= "table" or type(qr) ~= "table" or #pr ~= #qr then
    fail("%s: from_sparse{pre_ranks, post_ranks, weights}: two lists of the same length", where(proj))
  end
  -- delays: a number, or one per entry (QUIRKS library 23; ann.sparse_delays_from_weights)
  local dl = a.delays
  if dl ~= nil and type(dl) ~= "number" and not (args.is_plain(dl) and args.table_kind(dl) == "list"
      and #dl == #pr) then
    fail("%s: from_sparse(): only constant delays or one delay per entry are allowed for sparse "
      .. "matrices.", where(proj))
  end
  if type(dl) ~= "table" then dl = nil end
  local pre_of, npre = view_ranks(proj, "pre")
  local post_of, npost = view_ranks(proj, "post")
  local by_post, order = {}, {}
  for k = 1, #pr do
    local p, q = pr[k], qr[k]
    if not util.is_integer(p) or p < 1 or p > npre or not util.is_integer(q) or q < 1 or q > npost then
      fail("%s: from_sparse: entry %d (pre %s, post %s) is outside the populations", where(proj), k,
        util.show(p), util.show(q))
    end
    local l = by_post[q]
    if not l then
      l = {post = post_of(q), pre = {}, w = {}, delay = dl and {} or nil}
      by_post[q] = l
      order[#order + 1] = q
    end
    l.pre[#l.pre + 1] = pre_of(p)
    local v = type(w) == "table" and w[k] or w
    if type(v) ~= "number" then fail("%s: from_sparse: weight %d is not a number", where(proj), k) end
    l.w[#l.w + 1] = v
    if dl then
      if type(dl[k]) ~= "number" then fail("%s: from_sparse: delay %d is not a number", where(proj), k) end
      l.delay[#l.delay + 1] = check_delays(proj, dl[k])
    end
  end
  table.sort(order)
  local lists = {}
  for _, q in ipairs(order) do lists[#lists + 1] = by_post[q] end
  return record_lists(proj, "from_sparse", lists, nil, not dl and a.delays or nil)
end

-- LILConnectivity ------------------------------------------------------------------------------

local LIL = {}
LIL.__index = LIL
M.LIL = LIL

--- ann.LILConnectivity(dt): lists of synapses built by a user's connector.
function M.LILConnectivity(dt)
  return setmetatable({dt = dt or 1.0, lists = {}, max_delay = 0, uniform_delay = true}, LIL)
end

--- lil:add(post_rank, pre_ranks, weights, delays): 1-based ranks; weights and delays (ms) one
-- value or one per pre rank.
function LIL.add(self, post_rank, pre_ranks, weights, delays)
  if not util.is_integer(post_rank) or post_rank < 1 then
    fail("LILConnectivity:add: the post rank must be a positive integer")
  end
  if type(pre_ranks) ~= "table" then fail("LILConnectivity:add: pre_ranks must be a list") end
  if #pre_ranks == 0 then return end
  local l = {post1 = post_rank, pre1 = {}, w = {}, delay = {}}
  for k, r in ipairs(pre_ranks) do
    if not util.is_integer(r) or r < 1 then fail("LILConnectivity:add: pre ranks must be positive integers") end
    l.pre1[k] = r
    local w = type(weights) == "table" and (#weights == 1 and weights[1] or weights[k]) or weights
    if type(w) ~= "number" then fail("LILConnectivity:add: weights: one number or one per pre rank") end
    l.w[k] = w
    local d = type(delays) == "table" and (#delays == 1 and delays[1] or delays[k]) or (delays or 0)
    if type(d) ~= "number" then fail("LILConnectivity:add: delays: one number or one per pre rank") end
    l.delay[k] = d
    local s = time.steps_round(d, self.dt)
    if s > self.max_delay then self.max_delay = s end
  end
  self.lists[#self.lists + 1] = l
end
LIL.push_back = LIL.add

function methods.from_function(proj, fn, ...)
  if type(fn) ~= "function" then fail("%s: from_function(fn, ...): fn must be a function", where(proj)) end
  local lil = fn(proj._.pre_obj, proj._.post_obj, proj._.net._.dt, ...)
  if getmetatable(lil) ~= LIL then
    fail("%s: from_function: the function must return an ann.LILConnectivity", where(proj))
  end
  local pre_size, post_size = proj._.pre._.size, proj._.post._.size
  local lists = {}
  for _, l in ipairs(lil.lists) do
    if l.post1 > post_size then fail("%s: from_function: post rank %d out of range", where(proj), l.post1) end
    local pre = {}
    for k, r in ipairs(l.pre1) do
      if r > pre_size then fail("%s: from_function: pre rank %d out of range", where(proj), r) end
      pre[k] = r - 1
    end
    lists[#lists + 1] = {post = l.post1 - 1, pre = pre, w = l.w, delay = l.delay}
  end
  return record_lists(proj, "from_function", lists)
end

--- from_file(filename): the connectivity of a state file (save_connectivity, proj:save or
-- net:save; annarchy.io.state).
function methods.from_file(proj, filename)
  local lists, delay = state.connectivity_lists(proj, filename)
  return record_lists(proj, "from_file", lists, nil, delay)
end

--- from_matrix_market(filename, {delays}): the weights of a Matrix Market file (coordinate
-- form) of shape (post, pre), as from_matrix; stored entries become synapses.
function methods.from_matrix_market(proj, ...)
  local a = args.parse("Projection:from_matrix_market", names{"filename", "delays"}, select("#", ...), ...)
  if type(a.filename) ~= "string" then fail("%s: from_matrix_market(filename): a file name is needed", where(proj)) end
  local m = require("annarchy.io.matrix_market").read(a.filename, where(proj) .. ": from_matrix_market")
  local pre_of, npre = view_ranks(proj, "pre")
  local post_of, npost = view_ranks(proj, "post")
  if m.rows ~= npost or m.cols ~= npre then
    fail("%s: from_matrix_market: the matrix must have the shape (%d, %d) (post, pre), got (%d, %d)",
      where(proj), npost, npre, m.rows, m.cols)
  end
  local by_post, order = {}, {}
  for k = 1, #m.i do
    local q = m.i[k]
    local l = by_post[q]
    if not l then
      l = {post = post_of(q), pre = {}, w = {}}
      by_post[q] = l
      order[#order + 1] = q
    end
    l.pre[#l.pre + 1] = pre_of(m.j[k])
    l.w[#l.w + 1] = m.v[k]
  end
  table.sort(order)
  local lists = {}
  for _, q in ipairs(order) do
    local l = by_post[q]
    local idx = {}
    for k = 1, #l.pre do idx[k] = k end
    table.sort(idx, function(x, y) return l.pre[x] < l.pre[y] end)
    local pre, w = {}, {}
    for k, i in ipairs(idx) do pre[k], w[k] = l.pre[i], l.w[i] end
    lists[#lists + 1] = {post = l.post, pre = pre, w = w}
  end
  return record_lists(proj, "from_matrix_market", lists, nil, a.delays)
end

-- 4.x names
for _, name in ipairs{"all_to_all", "one_to_one", "fixed_probability", "fixed_number_pre",
                      "fixed_number_post", "gaussian", "dog", "from_matrix", "from_sparse",
                      "from_file"} do
  methods["connect_" .. name] = methods[name]
end
methods.connect_with_func = methods.from_function

-- ---- at compile ---------------------------------------------------------------------------------

--- Is the weight stored once for the whole projection (reference §9.4)?
function M.shared_weight(proj)
  local c = proj._.connector
  local A = proj._.A
  if not c or c.force_multiple or type(c.weights) ~= "number" or c.kind == "from_lists" then return false end
  if A.plastic or A.creating or A.pruning then return false end
  if proj._.net._.config.structural_plasticity then return false end
  if A.attr.w and A.attr.w.role == "variable" then return false end
  return true
end

--- "none", "uniform" or "variable": the storage kind of the delays (structure).
function M.delay_kind(proj)
  local c = proj._.connector
  if c.list_delay_kind then return c.list_delay_kind end
  if random.is_distribution(c.delays) then return "variable" end
  local s = time.steps_round(c.delays or 0, proj._.net._.dt)
  return s > 1 and "uniform" or "none"
end

--- The largest delay of the connector in steps (at least 1), known before compile.
function M.max_delay_steps(proj)
  local c = proj._.connector
  local dt = proj._.net._.dt
  if not c then return 1 end
  local ms = 0
  if random.is_distribution(c.delays) then
    ms = c.delays.max or 0
  elseif type(c.delays) == "number" then
    ms = c.delays
  end
  local out = time.delay_steps(ms, dt)
  for _, l in ipairs(c.lists or {}) do
    for k = 1, l.delay and #l.delay or 0 do out = math.max(out, time.delay_steps(l.delay[k], dt)) end
  end
  return out
end

--- Do pre and post count as the same population for the self-connection rule (the objects
-- passed, or the same whole population)? p is the projection's private table.
function M.same_objects(p)
  return rawequal(p.pre_obj, p.post_obj)
    or (p.pre == p.post and p.pre_ranks0 == nil and p.post_ranks0 == nil)
end

local function value_arg(v)
  if random.is_distribution(v) then return v:descriptor() end
  return v
end

local function rank_list(ranks0, size)
  if ranks0 then return ranks0 end
  local out = {}
  for r = 1, size do out[r] = r - 1 end
  return out
end

--- New draws for a rebuild (reset{synapses = true}): the connector gets a fresh stream.
function M.redraw(proj)
  proj._.connector.stream = reserve_stream(proj._.net)
end

--- Draws the connectivity of a projection: a Connectivity userdata for runtime.add_projection.
function M.build(proj, net)
  local p = proj._
  local c = p.connector
  local t = {
    pre_size = p.pre._.size, post_size = p.post._.size, weights = value_arg(c.weights),
    delays = value_arg(c.delays), dt = net._.dt, shared = M.shared_weight(proj),
    seed = net._.seed, stream = c.stream, allow_self = c.allow_self, threads = net:_build_threads(),
    -- at compile, dividing the synapses: each process draws and keeps the rows of its neurons
    divide = net._.config.divide_synapses and not net._.rt or nil,
  }
  if c.kind == "from_lists" then
    local list_post, list_row, pre, w, delay = {}, {0}, {}, {}, {}
    local has_delay = false
    for i, l in ipairs(c.lists) do
      list_post[i] = l.post
      for k = 1, #l.pre do
        pre[#pre + 1] = l.pre[k]
        w[#w + 1] = l.w[k]
        if l.delay then has_delay = true end
        delay[#delay + 1] = l.delay and l.delay[k] or (type(c.delays) == "number" and c.delays or 0)
      end
      list_row[i + 1] = #pre
    end
    t.list_post, t.list_row, t.pre, t.w = list_post, list_row, pre, w
    if has_delay then t.delay_ms = delay end
    return runtime.connect("from_lists", t)
  end
  if c.kind == "gaussian" or c.kind == "dog" then
    t.pre_geom, t.post_geom = p.pre._.geometry, p.post._.geometry
    t.same = p.pre == p.post
    t.amp, t.sigma, t.amp_neg, t.sigma_neg, t.limit = c.amp, c.sigma, c.amp_neg, c.sigma_neg, c.limit
    return runtime.connect(c.kind, t)
  end
  t.pre_ranks = rank_list(p.pre_ranks0, p.pre._.size)
  t.post_ranks = rank_list(p.post_ranks0, p.post._.size)
  if c.kind == "all_to_all" then
    t.same = p.pre == p.post
  else
    t.same = M.same_objects(p)
  end
  t.p, t.number, t.allow_multapses = c.p, c.number, c.allow_multapses
  return runtime.connect(c.kind, t)
end

return M
