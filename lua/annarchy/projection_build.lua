--- Projections at compile time (called by build.compile) and at reset: their plans (layouts,
-- storage kinds), their kernels, their runtime objects and initial values.
local kp = require("annarchy.codegen.projection")
local connectors = require("annarchy.connectors")
local attributes = require("annarchy.projection_attributes")
local util = require("annarchy.util")
local runtime = require("annarchy.runtime")
local constants = require("annarchy.constants")
local random = require("annarchy.random")

local fail = util.fail
local M = {}

-- The memory the system can still give (bytes), or nil when it does not say.
local function memory_available()
  local f = io.open("/proc/meminfo", "r")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  local kb = text:match("MemAvailable:%s*(%d+)")
  return kb and tonumber(kb) * 1024 or nil
end

local function gigabytes(b) return ("%.3g GB"):format(b / 2 ^ 30) end

-- Refuses delays whose buffers (at least one value of 8 bytes per pre-synaptic neuron and step
-- of delay) cannot fit in the memory left, before anything is allocated.
local function check_delay_memory(net, proj)
  local steps = connectors.max_delay_steps(proj)
  local pre = proj._.pre
  local need = steps * pre._.size * 8
  local have = memory_available()
  if have and need > have then
    fail("projection %q: a delay of %g ms is %d steps of %g ms: the delay buffers of population %q "
      .. "(%d neurons) would need at least %s, more than the %s of memory available",
      proj._.name, steps * net._.dt, steps, net._.dt, pre._.name, pre._.size, gigabytes(need),
      gigabytes(have))
  end
end

--- The plans of every projection, in id order.
function M.plan(net, pop_plans, const_index)
  local plans = {}
  local extra_gops = {}   -- population id -> number of gops added so far
  for i, proj in ipairs(net._.projs) do
    local p = proj._
    if not p.connector then
      fail("The projection between populations %s and %s has not been connected. Call a connector "
        .. "method before compiling the network.", p.pre._.name, p.post._.name)
    end
    local A = p.A
    local pre_plan, post_plan = pop_plans[p.pre._.id + 1], pop_plans[p.post._.id + 1]
    p.shared_weight = connectors.shared_weight(proj)
    local L = kp.projection_layout(A, p.shared_weight, net._.config.dtype)
    local spike_events = A.kind == "spike" and #((A.pre_spike or {}).gtarget or {}) +
      #((A.pre_spike or {}).other or {}) > 0
    local post_events = A.kind == "spike" and #(A.post_spike or {}) > 0
    local axon_events = A.kind == "spike" and #(A.pre_axon_spike or {}) > 0
    local delay_kind = connectors.delay_kind(proj)
    if axon_events and delay_kind ~= "none" then
      fail("projection %q: axonal spikes (pre_axon_spike) are transmitted without delay; the "
        .. "projection cannot have delays", p.name)
    end
    if delay_kind ~= "none" then check_delay_memory(net, proj) end
    -- pre attributes read through the delay buffers (rate-coded psp and equations)
    local delayed, rate_delays = {}, false
    if A.kind == "rate" and delay_kind ~= "none" then
      rate_delays = true
      local names = {}
      for _, tag in ipairs({"psp", "equations"}) do
        for name in pairs((A.pre_refs_by or {})[tag] or {}) do names[name] = true end
      end
      for _, name in ipairs(util.sorted_keys(names)) do
        delayed[#delayed + 1] = pre_plan.L.by_name[name].index
      end
    end
    if A.kind == "rate" and delay_kind == "variable" then
      for name in pairs((A.pre_refs_by or {}).psp or {}) do
        if pre_plan.L.by_name[name] and not pre_plan.L.by_name[name].is_local then
          fail("projection %q: the psp accesses a global variable with a non-uniform delay!", p.name)
        end
      end
    end
    -- targets in the post population: _sum_T (rate-coded post) or g_T (spiking post)
    local target_attr = {}
    for _, t in ipairs(p.targets) do
      local a = post_plan.L.sums[t] or post_plan.L.by_name["g_" .. t]
      if not a then fail("internal: population %q has no slot for target %s", p.post._.name, t) end
      target_attr[t] = a
    end
    -- global operations on pre./post. attributes are computed by those populations
    local gop_index, gops = {}, {}
    for _, g in ipairs(A.gops or {}) do
      local side_plan = g.side == "pre" and pre_plan or post_plan
      local pid = side_plan.id
      extra_gops[pid] = extra_gops[pid] or #(side_plan.A.gops or {})
      gop_index[g.name] = {side = g.side, index = extra_gops[pid]}
      gops[#gops + 1] = {pop = pid, op = g.op, attr = side_plan.L.by_name[g.var].index}
      extra_gops[pid] = extra_gops[pid] + 1
    end
    plans[i] = {
      id = i - 1, proj = proj, A = A, L = L, dtype = net._.config.dtype, pre_read = {},
      pre_plan = pre_plan, post_plan = post_plan, targets = p.targets, target_attr = target_attr,
      pre_major = spike_events or axon_events, post_events = post_events, post_index = post_events,
      spike_events = spike_events, axon_events = axon_events, delay_kind = delay_kind,
      rate_delays = rate_delays,
      delayed = delayed, gop_index = gop_index, gops = gops, const_index = const_index,
      both_spiking = p.pre._.A.kind == "spike" and p.post._.A.kind == "spike",
    }
    -- special projections (annarchy.extensions.special_projections) adjust their plan: layout, delays
    if p.special and p.special.plan then p.special.plan(plans[i], net) end
  end
  return plans
end

--- The C source of every projection.
function M.source(net, pop_plans, plans)
  local _ = net and pop_plans
  local out = {"\n/* ---- projections ---- */\n", kp.functions(plans), "\n"}
  for _, P in ipairs(plans) do out[#out + 1] = kp.projection(P) end
  return table.concat(out)
end

-- Whether synapses may be created after compile (create_synapse, `creating`).
local function may_create(net, proj)
  return net._.config.structural_plasticity or proj._.A.creating ~= nil
end

-- The value a synapse created after compile takes for attribute a: the projection's initial
-- value (the one set before compile, else the model's); a distribution is sampled once.
local function creation_value(net, P, i, a)
  local init = a.init
  if P.proj._.init_set[a.name] then init = P.proj._.init[a.name] end
  if random.is_distribution(init) and may_create(net, P.proj) then
    init = net:_draw_aside(init, 1, P.id * 4096 + i)[1]
  end
  return init
end

-- The local pre attributes the kernels read (processes exchange them at every step): those the
-- generated kernels resolved, every one for the kernels of special projections.
local function pre_read(P)
  local list = {}
  for _, a in ipairs(P.pre_plan.L.attrs) do
    if a.is_local and (P.pre_read[a.index] or P.proj._.special or P.proj._.shared_weight) then
      list[#list + 1] = a.index
    end
  end
  return list
end

-- Whether the kernels write synaptic attributes during a run.
local function plastic(P)
  local A = P.A
  return #(A.equations or {}) > 0 or #(A.post_spike or {}) > 0
    or #((A.pre_spike or {}).other or {}) > 0
end

local function desc_of(net, P)
  local attrs = {}
  for i, a in ipairs(P.L.attrs) do
    local init = creation_value(net, P, i, a)
    if type(init) ~= "number" and type(init) ~= "boolean" then init = 0 end
    attrs[i] = {type = a.code, locality = kp.LOCALITY_CODE[a.locality], init = init, name = a.name}
  end
  local w = P.L.by_name.w
  local le = P.L.by_name._last_event
  return {
    pre = P.proj._.pre._.id, post = P.proj._.post._.id, pre_major = P.pre_major,
    post_index = P.post_index, delay_kind = P.delay_kind, spike_events = P.spike_events,
    name = P.proj._.name, attrs = attrs, w_attr = w and w.index or -1, last_event_attr = le and le.index or -1,
    delayed = P.delayed, pre_read = pre_read(P), plastic = plastic(P), threads = net:_build_threads(),
    transmit_local = P.transmit_local or false,
  }
end

--- Creates the runtime projections (connectivity drawn now) and their global operations.
function M.instantiate(net, rt, pop_plans, plans)
  local _ = pop_plans
  for _, P in ipairs(plans) do
    for _, g in ipairs(P.gops) do runtime.pop_add_gop(rt, g.pop, g.op, g.attr) end
  end
  for _, P in ipairs(plans) do
    local csr = connectors.build(P.proj, net)
    local id = runtime.add_projection(rt, desc_of(net, P), csr)
    assert(id == P.id)
  end
end

--- Initial values (all attributes, or the listed ones; w only when asked or set by the user).
local function push_values(net, proj, names, with_w)
  local L = proj._.layout
  local list = names
  if not list then
    list = {}
    for _, a in ipairs(L.attrs) do
      if a.name ~= "_last_event" and (a.name ~= "w" or with_w or proj._.init_set.w) then
        list[#list + 1] = a.name
      end
    end
  end
  for _, name in ipairs(list) do
    attributes.write_runtime(proj, name, M.initial_value(net, proj, name))
  end
end

--- The initial value of an attribute: set by the user, else the model's (an init naming a
-- parameter or a constant is resolved now).
function M.initial_value(net, proj, name, depth)
  local L = proj._.layout
  local v = proj._.init[name]
  if v == nil then v = L.by_name[name].init end
  if type(v) == "table" and getmetatable(v) == nil then
    if v.param and (depth or 0) < 8 then return M.initial_value(net, proj, v.param, (depth or 0) + 1) end
    if v.const then return constants.value(net, v.const) end
    return 0.0
  end
  return v
end

local function push_flags(net, proj)
  local p = proj._
  local rt = net._.rt
  runtime.proj_flags(rt, p.id, p.flags.transmission, p.flags.update, p.flags.plasticity,
    p.flags.axon_transmission ~= false)
  runtime.proj_schedule(rt, p.id, p.schedule.period, p.schedule.offset)
end

--- After the populations' initial values: the projections' values, flags, delay buffers.
function M.after_compile(net, plans)
  for _, P in ipairs(plans) do
    local proj = P.proj
    proj._.layout = P.L
    proj._.plan = P
    proj._.home = attributes.HOMES.runtime
    push_values(net, proj, nil, false)
    push_flags(net, proj)
    -- special projections push their data (filters, indices: annarchy.extensions)
    local sp = proj._.special
    if sp and sp.after_compile then sp.after_compile(proj, net._.rt) end
  end
  runtime.proj_init_history(net._.rt, -1)
end

--- net:reset{projections, synapses}
function M.reset(net, a)
  local rt = net._.rt
  for _, proj in ipairs(net._.projs) do
    if a.synapses then
      connectors.redraw(proj)
      runtime.proj_set_connectivity(rt, proj._.id, connectors.build(proj, net))
      push_values(net, proj, nil, proj._.init_set.w)
      local sp = proj._.special
      if sp and sp.after_compile then sp.after_compile(proj, rt) end
    elseif a.projections then
      push_values(net, proj, nil, false)
    end
  end
  runtime.proj_init_history(rt, -1)
end

return M
