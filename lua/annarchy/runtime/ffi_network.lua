--- LuaJIT only: the network runtime and its population monitors through the FFI, with the
-- behaviour of the Lua 5.4 binding (src/lua/lnetwork.c). A runtime is a table {net = the
-- ann_network pointer, freed by the collector}; a monitor a table {obj, rt}. Population ids,
-- attribute indices and ranks are 0-based here, as in the binding.
local core = require("annarchy.runtime.ffi_core")
local array = require("annarchy.runtime.ffi_array")

local ffi, C = core.ffi, core.C
local is_array = array.is_array

local M = {}

local function argerror(n, fname, msg) error(("bad argument #%d to '%s' (%s)"):format(n, fname, msg), 0) end

--- The live network of a runtime; an error once it was destroyed.
local function net_of(rt)
  if type(rt) ~= "table" or rt.net == nil then error("annarchy: the network was destroyed", 0) end
  return rt.net
end
M.net_of = net_of

local function int(v, n, fname)
  if type(v) ~= "number" or v ~= math.floor(v) then argerror(n, fname, "number has no integer representation") end
  return v
end
M.int = int

--- A population id checked against the network.
function M.check_pop(net, id, n, fname)
  int(id, n, fname)
  if id < 0 or id >= C.ann_network_population_count(net) then argerror(n, fname, "no such population") end
  return id
end
local check_pop = M.check_pop

local function check_attr(net, pop, k, n, fname)
  int(k, n, fname)
  if k < 0 or k >= C.ann_population_attr_count(net, pop) then argerror(n, fname, "no such attribute") end
  return k
end

--- An attribute value as its type reads in Lua: a boolean, an integer or a number.
function M.value(v, typ)
  if typ == C.ANN_TYPE_BOOL then return v ~= 0 end
  return v
end

local function num(v)
  if type(v) == "boolean" then return v and 1 or 0 end
  return tonumber(v) or 0
end
M.num = num

--- network_new(dt, seed)
function M.network_new(dt, seed)
  if type(dt) ~= "number" then argerror(1, "network_new", "number expected") end
  int(seed, 2, "network_new")
  if dt <= 0 then argerror(1, "network_new", "dt must be positive") end
  local net = C.ann_network_new(dt, seed)
  if net == nil then error("annarchy: out of memory", 0) end
  return {net = ffi.gc(net, C.ann_network_free)}
end

function M.add_constant(rt, v)
  local k = C.ann_network_add_constant(net_of(rt), v)
  if k < 0 then error("annarchy: out of memory", 0) end
  return k
end

function M.set_constant(rt, k, v) C.ann_network_set_constant(net_of(rt), k, v) end

--- add_population(size, specs, spiking): specs = list of {type = 0..3, local = bool}
function M.add_population(rt, size, specs, spiking)
  local net = net_of(rt)
  int(size, 2, "add_population")
  if type(specs) ~= "table" then argerror(3, "add_population", "table expected") end
  local s = ffi.new("ann_attr_spec[?]", #specs + 1)
  for k, spec in ipairs(specs) do
    s[k - 1].type = int(spec.type, 3, "add_population")
    s[k - 1]["local"] = spec["local"] and 1 or 0
  end
  if size <= 0 or size > 2147483647 then argerror(2, "add_population", "population size out of range") end
  local st = core.status()
  local id = C.ann_network_add_population(net, size, #specs, s, spiking and 1 or 0, st)
  if id < 0 then core.raise(st) end
  return id
end

function M.pop_mark_sum(rt, pop, k)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_mark_sum")
  local st = core.status()
  if C.ann_population_mark_sum(net, pop, check_attr(net, pop, k, 3, "pop_mark_sum"), st) ~= 0 then core.raise(st) end
end

local gops = {min = 0, max = 1, mean = 2, norm1 = 3, norm2 = 4}
function M.pop_add_gop(rt, pop, op, k)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_add_gop")
  if gops[op] == nil then argerror(3, "pop_add_gop", ("invalid option '%s'"):format(tostring(op))) end
  local st = core.status()
  local g = C.ann_population_add_gop(net, pop, gops[op], check_attr(net, pop, k, 4, "pop_add_gop"), st)
  if g < 0 then core.raise(st) end
  return g
end

function M.pop_enable_refractory(rt, pop)
  local net = net_of(rt)
  local st = core.status()
  if C.ann_population_enable_refractory(net, check_pop(net, pop, 2, "pop_enable_refractory"), st) ~= 0 then
    core.raise(st)
  end
end

function M.pop_set_rate_window(rt, pop, steps, r)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_set_rate_window")
  local st = core.status()
  if C.ann_population_set_rate_window(net, pop, int(steps, 3, "pop_set_rate_window"), r or 0, st) ~= 0 then
    core.raise(st)
  end
end

function M.pop_clear(rt, pop)
  local net = net_of(rt)
  C.ann_population_clear(net, check_pop(net, pop, 2, "pop_clear"))
end

--- pop_get(id, k, ranks?) -> number (global) or 1-D Array (local; of the listed ranks)
function M.pop_get(rt, pop, k, ranks)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_get")
  check_attr(net, pop, k, 3, "pop_get")
  if C.ann_population_attr_local(net, pop, k) == 0 then
    return M.value(C.ann_population_get(net, pop, k, 0), C.ann_population_attr_type(net, pop, k))
  end
  local size = C.ann_population_size(net, pop)
  if ranks == nil then
    local a = array.new({size})
    for i = 0, size - 1 do a.d_[i] = C.ann_population_get(net, pop, k, i) end
    return a
  end
  if type(ranks) ~= "table" then argerror(4, "pop_get", "table expected") end
  local a = array.new({#ranks})
  for i = 1, #ranks do
    local r = ranks[i]
    if r < 0 or r >= size then error(("annarchy: rank %d out of range"):format(r + 1), 0) end
    a.d_[i - 1] = C.ann_population_get(net, pop, k, r)
  end
  return a
end

-- Value i (0-based) of a number, a boolean, an Array or a list.
local function value_at(v, i)
  if is_array(v) then return v.a_.data[i] end
  if type(v) == "table" then return num(v[i + 1]) end
  return num(v)
end

local function length(v) return is_array(v) and tonumber(v.a_.size) or #v end

--- pop_set(id, k, value, ranks?): a number/boolean (broadcast), an Array or a list with one
-- value per neuron (per listed rank).
function M.pop_set(rt, pop, k, value, ranks)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_set")
  check_attr(net, pop, k, 3, "pop_set")
  local scalar = not is_array(value) and type(value) ~= "table"
  if scalar and type(value) ~= "number" and type(value) ~= "boolean" then
    error("annarchy: expected a number, a boolean, a list or an Array", 0)
  end
  local size = C.ann_population_size(net, pop)
  if C.ann_population_attr_local(net, pop, k) == 0 then
    if not scalar then error("annarchy: a global attribute takes a single value", 0) end
    C.ann_population_set(net, pop, k, 0, num(value))
    return
  end
  local n = ranks == nil and size or #ranks
  if not scalar and length(value) ~= n then
    error(("annarchy: expected %d values, got %d"):format(n, length(value)), 0)
  end
  for i = 0, n - 1 do
    local r = i
    if ranks ~= nil then
      r = ranks[i + 1]
      if r < 0 or r >= size then error(("annarchy: rank %d out of range"):format(r + 1), 0) end
    end
    C.ann_population_set(net, pop, k, r, scalar and num(value) or value_at(value, i))
  end
end

--- pop_refractory(id[, steps]) -> Array of per-neuron refractory steps; sets when given.
function M.pop_refractory(rt, pop, steps)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_refractory")
  local size = C.ann_population_size(net, pop)
  local st = core.status()
  if C.ann_population_enable_refractory(net, pop, st) ~= 0 then core.raise(st) end
  if steps ~= nil then
    local scalar = not is_array(steps) and type(steps) ~= "table"
    if not scalar and length(steps) ~= size then
      error(("annarchy: expected %d values, got %d"):format(size, length(steps)), 0)
    end
    for i = 0, size - 1 do
      C.ann_population_set_refractory(net, pop, i, scalar and num(steps) or value_at(steps, i))
    end
    return
  end
  local a = array.new({size})
  for i = 0, size - 1 do a.d_[i] = C.ann_population_refractory(net, pop, i) end
  return a
end

--- pop_set_ext(id, k, values): extension buffer k (an Array or a list of numbers)
function M.pop_set_ext(rt, pop, k, values)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_set_ext")
  local st = core.status()
  local data, n
  if is_array(values) then
    data, n = values.a_.data, values.a_.size
  else
    if type(values) ~= "table" then argerror(4, "pop_set_ext", "table expected") end
    n = #values
    data = ffi.new("double[?]", n + 1)
    for i = 1, n do data[i - 1] = tonumber(values[i]) or 0 end
  end
  if C.ann_population_set_ext(net, pop, k, data, n, st) ~= 0 then core.raise(st) end
end

--- pop_get_ext(id, k) -> Array
function M.pop_get_ext(rt, pop, k)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_get_ext")
  if k < 0 or k >= C.ann_population_ext_count(net, pop) then argerror(3, "pop_get_ext", "no such extension buffer") end
  local n = ffi.new("int64_t[1]")
  local ext = C.ann_population_ext(net, pop, k, n)
  return array.from_pointer(ext, tonumber(n[0]))
end

local n32 = ffi.new("int32_t[1]")

--- pop_spiked(id) -> list of 0-based ranks that spiked in the last step
function M.pop_spiked(rt, pop)
  local net = net_of(rt)
  local s = C.ann_population_spiked(net, check_pop(net, pop, 2, "pop_spiked"), n32)
  local out = {}
  for i = 0, n32[0] - 1 do out[i + 1] = s[i] end
  return out
end

function M.pop_enabled(rt, pop, on)
  local net = net_of(rt)
  check_pop(net, pop, 2, "pop_enabled")
  if on ~= nil then C.ann_population_set_enabled(net, pop, on and 1 or 0) end
  return C.ann_population_enabled(net, pop) ~= 0
end

--- bind(module): looks the kernels up; the network keeps the module alive.
function M.bind(rt, module)
  local net = net_of(rt)
  if type(module) ~= "table" or module.ptr == nil then error("annarchy: the kernel module was released", 0) end
  local st = core.status()
  if C.ann_network_bind(net, module.ptr, st) ~= 0 then core.raise(st) end
  rt.module = module
end

local modes = {none = 0, ["and"] = 1, ["or"] = 2}
-- run's output buffers, reused: a status is 2 KB that ffi.new would clear at every call
local run_done, run_status = ffi.new("int64_t[1]"), ffi.new("ann_status")

--- run(nsteps[, mode, pops]) -> steps done (and the message when it stopped early). Ctrl-C is
-- the host's business under LuaJIT: this backend installs no signal handler.
function M.run(rt, n, mode, pops)
  local net = net_of(rt)
  int(n, 2, "run")
  local m = modes[mode or "none"]
  if m == nil then argerror(3, "run", ("invalid option '%s'"):format(tostring(mode))) end
  local ids, npops = nil, 0
  if m ~= 0 then
    if type(pops) ~= "table" then argerror(4, "run", "table expected") end
    if #pops > 64 then argerror(4, "run", "too many populations") end
    ids = ffi.new("int32_t[?]", #pops + 1)
    for i, p in ipairs(pops) do ids[i - 1] = check_pop(net, p, 4, "run") end
    npops = #pops
  end
  if C.ann_network_run(net, n, m, ids, npops, run_done, run_status) ~= 0 then
    return tonumber(run_done[0]), ffi.string(run_status.msg)
  end
  return tonumber(run_done[0])
end

function M.step_count(rt, step)
  local net = net_of(rt)
  if step ~= nil then C.ann_network_set_step_count(net, int(step, 2, "step_count")) end
  return tonumber(C.ann_network_step_count(net))
end

-- ---- zero-copy access (annarchy.ffi) --------------------------------------------------------

local pointer_types = {[0] = "double *", "float *", "int32_t *", "uint8_t *"}   -- ANN_TYPE_*

--- attr_pointer(id, k) -> a typed pointer on local attribute k of population id (0-based).
function M.attr_pointer(rt, pop, k)
  local net = net_of(rt)
  local st = core.status()
  local p = C.ann_population_data(net, pop, k, nil, nil, st)
  if p == nil then core.raise(st) end
  return ffi.cast(pointer_types[C.ann_population_attr_type(net, pop, k)], p)
end

--- pop_spiked_pointer(id) -> const int32_t * on the ranks that spiked in the last step, count
function M.pop_spiked_pointer(rt, pop)
  local net = net_of(rt)
  local n = ffi.new("int32_t[1]")
  local p = C.ann_population_spiked(net, check_pop(net, pop, 2, "pop_spiked_pointer"), n)
  return p, n[0]
end

--- network_pointer() -> the runtime's ann_network *.
function M.network_pointer(rt) return net_of(rt) end

--- seed([seed]) -> the network's seed, set first when given
function M.seed(rt, seed)
  local net = net_of(rt)
  if seed ~= nil then C.ann_network_set_seed(net, int(seed, 2, "seed")) end
  return tonumber(C.ann_network_seed(net))
end

--- threads(rt [, n]) -> the number of threads running its steps, after setting it to n.
function M.threads(rt, n)
  local net = net_of(rt)
  if n ~= nil then
    local st = core.status()
    if C.ann_network_set_threads(net, int(n, 2, "threads"), st) ~= 0 then core.raise(st) end
  end
  return tonumber(C.ann_network_threads(net))
end

--- divide_synapses(rt [, on]) -> whether projections keep their synapses only on the process of
--- their post neurons, after setting it.
function M.divide_synapses(rt, on)
  local net = net_of(rt)
  if on ~= nil then C.ann_network_set_divide_synapses(net, on and 1 or 0) end
  return C.ann_network_divide_synapses(net) ~= 0
end

--- cpu_count() -> the processors the machine offers this process.
function M.cpu_count() return tonumber(C.ann_cpu_count()) end
--- mpi_rank(), mpi_size() -> this process's rank (0-based) and the processes of the run.
function M.mpi_rank() return tonumber(C.ann_mpi_rank()) end
function M.mpi_size() return tonumber(C.ann_mpi_size()) end

-- ---- monitors --------------------------------------------------------------------------------

--- An owned object's handle {obj, rt}: checks that the object and its network are alive.
function M.owned(h, what)
  if h.rt.net == nil then error("annarchy: the network was destroyed", 0) end
  if h.obj == nil then error(("annarchy: the %s was stopped"):format(what), 0) end
  return h.obj
end
local owned = M.owned

local function mon(h) return owned(h, "monitor") end

--- monitor_new(pop, ranks|nil, period, period_offset)
function M.monitor_new(rt, pop, ranks, period, offset)
  local net = net_of(rt)
  check_pop(net, pop, 2, "monitor_new")
  int(period, 4, "monitor_new")
  int(offset, 5, "monitor_new")
  local size = C.ann_population_size(net, pop)
  local r, n = nil, 0
  if ranks ~= nil then
    if type(ranks) ~= "table" then argerror(3, "monitor_new", "table expected") end
    n = #ranks
    r = ffi.new("int32_t[?]", n + 1)
    for i = 1, n do
      if ranks[i] < 0 or ranks[i] >= size then error(("annarchy: rank %d out of range"):format(ranks[i] + 1), 0) end
      r[i - 1] = ranks[i]
    end
  end
  local st = core.status()
  local m = C.ann_monitor_new(net, pop, r, n, period, offset, st)
  if m == nil then core.raise(st) end
  return {obj = m, rt = rt}
end

--- Detaches an owned object from its handle and frees it with free(net, obj) while the
-- network lives (the network frees it otherwise).
function M.release(h, free)
  local obj = h.obj
  h.obj = nil
  if obj ~= nil and h.rt.net ~= nil then free(h.rt.net, obj) end
end

function M.monitor_free(h) M.release(h, C.ann_monitor_free) end

--- monitor_add_variable(attr, spike, phase_b): spike 0 (values), 1 (spikes), 2 (axonal spikes)
function M.monitor_add_variable(h, k, spike, phase_b)
  local st = core.status()
  local v = C.ann_monitor_add_variable(mon(h), k, int(spike, 3, "monitor_add_variable"), phase_b and 1 or 0, st)
  if v < 0 then core.raise(st) end
  return v
end

function M.monitor_set_name(h, name)
  local st = core.status()
  if C.ann_monitor_set_name(mon(h), name, st) ~= 0 then core.raise(st) end
end

function M.monitor_set_recording(h, on) C.ann_monitor_set_recording(mon(h), on and 1 or 0) end
function M.monitor_set_period(h, period, offset) C.ann_monitor_set_period(mon(h), period, offset) end

--- data(v) -> Array {records, width}
function M.monitor_data(h, v)
  local nrec, width = ffi.new("int64_t[1]"), ffi.new("int64_t[1]")
  local d = C.ann_monitor_data(mon(h), v, nrec, width)
  local r, w = tonumber(nrec[0]), tonumber(width[0])
  local a = array.new({r, w})
  if r * w > 0 then ffi.copy(a.d_, d, r * w * 8) end
  return a
end

--- spikes(v) -> table 0-based rank -> list of steps (only ranks that spiked)
function M.monitor_spikes(h, v)
  local n = ffi.new("int64_t[1]")
  local s = C.ann_monitor_spikes(mon(h), v, n)
  local out = {}
  for i = 0, tonumber(n[0]) - 1 do
    local rank = tonumber(s[2 * i])
    local list = out[rank]
    if not list then list = {}; out[rank] = list end
    list[#list + 1] = tonumber(s[2 * i + 1])
  end
  return out
end

function M.monitor_clear(h, v) C.ann_monitor_clear(mon(h), v or -1) end

function M.monitor_bytes(h, nsteps)
  if nsteps == nil then return tonumber(C.ann_monitor_bytes(mon(h))) end
  return tonumber(C.ann_monitor_bytes_needed(mon(h), nsteps))
end

return M
