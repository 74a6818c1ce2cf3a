--- Compiling a network and (re)initialising its runtime state (reference §7.3, §12).
--
-- compile: decide the attribute layouts, assemble the kernel source, compile it (or find it in
-- the cache), create the runtime objects, transfer constants and initial values, start the
-- monitors. Nothing of the network changes unless every stage succeeds.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local time = require("annarchy.time")
local kernels = require("annarchy.codegen.population")
local values = require("annarchy.values")
local population = require("annarchy.population")
local constants = require("annarchy.constants")

local fail = util.fail
local M = {}

local GOP_OPS = {min = true, max = true, mean = true, norm1 = true, norm2 = true}

--- Targets of the projections reaching each population (filled by connect).
local function incoming_targets(pop)
  return util.sorted_keys(pop._.targets)
end

local function has_refractory(pop)
  if pop._.A.kind ~= "spike" then return false end
  return pop._.A.refractory ~= nil or pop._.refractory ~= nil
end

local function plan_population(net, pop, const_index)
  local A = pop._.A
  local L = kernels.population_layout(A, incoming_targets(pop), net._.config.dtype)
  local gop_index = {}
  for i, g in ipairs(A.gops or {}) do
    if not GOP_OPS[g.op] then fail("internal: unknown global operation %s", tostring(g.op)) end
    gop_index[g.name] = i - 1
  end
  return {
    id = pop._.id, A = A, L = L,
    ctx = {gop_index = gop_index, const_index = const_index, dtype = net._.config.dtype,
           refractory = has_refractory(pop), stop = pop._.stop_condition, custom = pop._.custom},
  }
end

--- Pushes the initial values of a population's attributes (all, or the listed names).
local function push_initial(net, pop, names)
  local rt, L = net._.rt, pop._.layout
  local list = names
  if not list then
    list = {}
    for _, a in ipairs(pop._.A.attributes) do list[#list + 1] = a.name end
  end
  for _, name in ipairs(list) do
    runtime.pop_set(rt, pop._.id, L.by_name[name].index, population.initial_value(pop, name))
  end
end

local function refractory_steps(net, pop, v)
  local dt = net._.dt
  if type(v) == "number" then return time.steps_floor(v, dt) end
  local arr = values.per_element(net, v, pop._.size, ("population %q"):format(pop._.name), "refractory")
  if type(arr) == "number" then return time.steps_floor(arr, dt) end
  local out = runtime.zeros(pop._.size)
  for i = 1, pop._.size do out[i] = time.steps_floor(arr[i], dt) end
  return out
end

local function push_refractory(net, pop)
  local v = pop._.refractory
  if v == nil then v = pop._.A.refractory end
  if type(v) == "table" and getmetatable(v) == nil and v.name then
    return   -- read from the attribute at spike time
  end
  runtime.pop_refractory(net._.rt, pop._.id, refractory_steps(net, pop, v or 0))
end

function M.apply_rate_window(net, pop)
  local w = pop._.rate_window
  local steps = w and time.steps_floor(w, net._.dt) or 0
  runtime.pop_set_rate_window(net._.rt, pop._.id, steps, pop._.layout.by_name.r.index)
end

--- Creates the runtime of a network from its plans and the compiled module.
local function instantiate(net, plans, module, visible, pb, proj_plans)
  local rt = runtime.network_new(net._.dt, net._.seed)
  -- dividing the synapses, each process keeps those of its neurons as each projection is
  -- added: for the blocks of the threads it will run (the machine's processors when the
  -- network chooses: it does for a network that large)
  if net._.config.divide_synapses then
    runtime.divide_synapses(rt, true)
    runtime.threads(rt, net:_build_threads())
  end
  for k, c in ipairs(visible) do runtime.add_constant(rt, c.value) ; constants.attach(c, rt, k - 1) end
  for i, pop in ipairs(net._.pops) do
    local plan = plans[i]
    local specs = {}
    for j, a in ipairs(plan.L.attrs) do specs[j] = {type = a.code, ["local"] = a.is_local, name = a.name} end
    local id = runtime.add_population(rt, pop._.size, specs, pop._.A.kind == "spike", pop._.name)
    assert(id == pop._.id)
    for _, a in ipairs(plan.L.sum_list) do runtime.pop_mark_sum(rt, id, a.index) end
    for _, g in ipairs(pop._.A.gops or {}) do runtime.pop_add_gop(rt, id, g.op, plan.L.by_name[g.var].index) end
    if plan.ctx.refractory then runtime.pop_enable_refractory(rt, id) end
  end
  if pb then pb.instantiate(net, rt, plans, proj_plans) end
  runtime.bind(rt, module)
  runtime.threads(rt, net:_threads(rt))
  return rt
end

-- The compiler for a source: cc, unless a statement is this long (a model equation of
-- thousands of terms), which takes cc minutes and gigabytes at any optimisation level and tcc
-- seconds; both compute the same (no contraction of floating-point operations).
local LONG_STATEMENT = 20000
local function compiler_for(net, source, compiler)
  if compiler == "tcc" then return compiler end
  local longest = 0
  for line in source:gmatch("[^\n]+") do
    if #line > longest then longest = #line end
  end
  if longest <= LONG_STATEMENT then return compiler end
  io.stderr:write(("annlua: note: network %d: the generated code has a statement of %d characters; "
    .. "compiled with tcc (cc takes minutes and gigabytes on such code; the results are the same)\n")
    :format(net._.id, longest))
  return "tcc"
end

function M.compile(net, a)
  local visible = constants.visible(net)
  local const_index = {}
  for k, c in ipairs(visible) do const_index[c.name] = k - 1 end
  local plans = {}
  for i, pop in ipairs(net._.pops) do plans[i] = plan_population(net, pop, const_index) end
  -- projections (annarchy.projection_build): their plans, kernels and runtime objects
  local pb = #net._.projs > 0 and require("annarchy.projection_build") or nil
  local proj_plans = pb and pb.plan(net, plans, const_index) or nil
  local extra = pb and pb.source(net, plans, proj_plans) or nil
  local source = kernels.source(runtime.kernel_header(), plans, net._.config.dtype, extra)
  local flags = a.compiler_flags
  if flags ~= nil and type(flags) ~= "string" then fail("Network:compile: compiler_flags must be a string") end
  local compiler = a.compiler or "cc"
  if compiler ~= "cc" and compiler ~= "tcc" and compiler ~= "gcc" then
    fail("Network:compile: compiler must be \"cc\" or \"tcc\", got %s", util.show(compiler))
  end
  if a.compiler == nil and flags == nil then compiler = compiler_for(net, source, compiler) end
  local module, from_cache = runtime.compile(source, {
    compiler = compiler, flags = flags, directory = a.directory,
    label = ("network %d"):format(net._.id), verbose = net._.config.verbose,
    rebuild = a.clean == true or require("annarchy.flags").current.clean,
  })
  local rt = instantiate(net, plans, module, visible, pb, proj_plans)
  -- every stage succeeded: the network becomes compiled
  net._.rt = rt
  net._.module = module
  net._.source = source
  net._.from_cache = from_cache
  net._.directory = a.directory
  runtime.step_count(rt, net._.step)
  for i, pop in ipairs(net._.pops) do
    pop._.layout = plans[i].L
    pop._.home = population.HOMES.runtime
    pop._.layout_refractory = plans[i].ctx.refractory
    push_initial(net, pop)
    if not pop._.enabled then runtime.pop_enabled(rt, pop._.id, false) end
    if plans[i].ctx.refractory then push_refractory(net, pop) end
    if pop._.rate_window then M.apply_rate_window(net, pop) end
    if pop._.custom and pop._.custom.after_compile then pop._.custom.after_compile(pop, rt) end
  end
  if pb then pb.after_compile(net, proj_plans) end
  local monitor = require("annarchy.monitor")
  for _, m in ipairs(net._.mons) do monitor.instantiate(m) end
  if not a.silent and os.getenv("ANNLUA_VERBOSE") and runtime.mpi_rank() == 0 then
    io.stderr:write(("annlua: network %d ready (%s)\n"):format(net._.id,
      from_cache and "kernels from the cache" or "kernels compiled"))
  end
end

function M.reset_population(net, pop, attributes)
  if not net._.rt then return end
  if attributes ~= nil then
    if type(attributes) == "string" then attributes = {attributes} end
    for _, name in ipairs(attributes) do population.attribute(pop, name) end
  end
  push_initial(net, pop, attributes)
  runtime.pop_clear(net._.rt, pop._.id)
  if pop._.custom and pop._.custom.reset then pop._.custom.reset(pop, net._.rt) end
end

function M.reset(net, a)
  if not net._.rt then
    net._.step = 0
    return
  end
  if a.populations ~= false then
    for _, pop in ipairs(net._.pops) do M.reset_population(net, pop) end
  end
  if #net._.projs > 0 and (a.projections or a.synapses) then
    require("annarchy.projection_build").reset(net, a)
  end
  if a.monitors ~= false then
    for _, m in ipairs(net._.mons) do m:reset() end
  end
  runtime.step_count(net._.rt, 0)
end

function M.set_refractory(net, pop, v)
  if pop._.A.kind ~= "spike" then
    util.warn(net, "population %q is rate-coded: refractory has no effect", pop._.name)
    return
  end
  if type(pop._.A.refractory) == "table" then
    util.warn(net, "population %q: the refractory period is the attribute '%s'; change that "
      .. "attribute instead", pop._.name, pop._.A.refractory.name)
    return
  end
  if net._.rt then
    if not pop._.layout_refractory then
      fail("population %q: the refractory period must be set before compile when the neuron "
        .. "has none", pop._.name)
    end
    runtime.pop_refractory(net._.rt, pop._.id, refractory_steps(net, pop, v))
  else
    refractory_steps(net, pop, v)   -- checks the value now
    pop._.refractory = v
  end
end

function M.memory_footprint(net)
  local out = {}
  for _, pop in ipairs(net._.pops) do
    local bytes = 0
    if pop._.layout then
      for _, a in ipairs(pop._.layout.attrs) do
        local size = a.type == "int" and 4 or a.type == "bool" and 1 or
          (net._.config.dtype == "float32" and 4 or 8)
        bytes = bytes + size * (a.is_local and pop._.size or 1)
      end
    end
    out[pop._.name] = bytes
  end
  for _, proj in ipairs(net._.projs) do
    out[proj._.name] = net._.rt and runtime.proj_bytes(net._.rt, proj._.id) or 0
  end
  local monitor = require("annarchy.monitor")
  for _, m in ipairs(net._.mons) do out[m.name] = monitor.bytes(m) end
  return out
end

return M
