--- Network: the container of populations, projections and monitors; compiling and running
-- (reference §7; API.md "Network").
local runtime = require("annarchy.runtime")
local args = require("annarchy.args")
local util = require("annarchy.util")
local time = require("annarchy.time")
local random = require("annarchy.random")
local population = require("annarchy.population")
local monitor = require("annarchy.monitor")
local build = require("annarchy.build")
local callbacks = require("annarchy.callbacks")
local state = require("annarchy.io.state")
local parameters = require("annarchy.io.parameters")
local progress = require("annarchy.io.progress")
local config = require("annarchy.config")
local processes = require("annarchy.processes")

local fail = util.fail
local M = {}

local Network = {}
M.Network = Network

-- Host-side draws (initial values, connectors) use streams above this, kernels below.
local HOST_STREAM = 0x40000000
local ASIDE_STREAM = 0x80000000   -- _draw_aside: the streams above the host range


local network_count = 0          -- net.id: 1 for the first network of the process
local newest = setmetatable({}, {__mode = "v"})   -- [1]: the network created last, weakly
local notes_given = {}           -- one-time notes of net:config

local function entropy_seed()
  return runtime.seed_from_entropy()
end

--- ann.Network{dt = 1.0, seed = nil}
function M.new(...)
  local a = args.parse("ann.Network", {"dt", "seed"}, select("#", ...), ...)
  local dt = a.dt or 1.0
  if type(dt) ~= "number" or not (dt > 0 and dt < math.huge) then
    fail("ann.Network: dt must be a positive, finite number of ms, got %s", util.show(dt))
  end
  if a.seed ~= nil and not util.is_integer(a.seed) then
    fail("ann.Network: the seed must be an integer")
  end
  network_count = network_count + 1
  local self = setmetatable({}, Network)
  local cfg = {}
  for k, v in pairs(config.DEFAULTS) do cfg[k] = v end
  for k, v in pairs(require("annarchy.flags").current.config) do cfg[k] = v end   -- the script's flags
  rawset(self, "_", {
    id = network_count, dt = dt, seed = a.seed or entropy_seed(), config = cfg,
    pops = {}, pop_by_name = {}, projs = {}, proj_by_name = {}, mons = {}, mon_by_name = {},
    constants = {}, constant_list = {}, functions = {}, draws = 0, step = 0,
    callbacks = callbacks.new(), callbacks_enabled = true, rt = nil,
  })
  newest[1] = self
  return self
end

--- The network created last in this Lua state, while it is alive (nil otherwise).
function M.last_created() return newest[1] end

local fields = {}
local methods = {}

function fields.dt(n) return n._.dt end
function fields.seed(n) return n._.seed end
function fields.id(n) return n._.id end
function fields.compiled(n) return n._.rt ~= nil end
--- The number of threads the compiled network runs on (before compile: num_threads of its
-- config, or nil).
function fields.num_threads(n)
  if n._.rt then return runtime.threads(n._.rt) end
  return n._.config.num_threads
end
function fields.current_step(n)
  if n._.rt then return runtime.step_count(n._.rt) end
  return n._.step
end
function fields.time(n) return time.ms(fields.current_step(n), n._.dt) end
--- The directory of the compiled kernels: the one given to compile{directory}, else the cache's.
function fields.directory(n)
  if n._.directory then return n._.directory end
  return (runtime.cache_info())
end

-- A population, projection or monitor of a cleared network: every use is an error.
local Cleared = {}
local function cleared(o)
  local what, id = rawget(o, "_cleared_what"), rawget(o, "_cleared_net")
  if what == "network " .. id then fail("network %d was cleared (net:clear()): create a new network", id) end
  fail("%s belongs to network %d, which was cleared (net:clear())", what, id)
end
Cleared.__index = function(o, k) if k == "_" then return nil end cleared(o) end
Cleared.__newindex = cleared
Cleared.__tostring = function(o) return rawget(o, "_cleared_what") .. " (cleared)" end
Cleared.__len = cleared

--- Releases everything the network holds (its compiled kernels, the data of its objects and
-- monitors): the network and its objects are unusable afterwards.
function methods.clear(n)
  local function drop(o, what)
    rawset(o, "_cleared_what", what)
    rawset(o, "_cleared_net", n._.id)
    rawset(o, "_", nil)
    setmetatable(o, Cleared)
  end
  for _, m in ipairs(n._.mons) do
    m:stop()
    drop(m, ("Monitor %q"):format(m.name))
  end
  for _, p in ipairs(n._.projs) do drop(p, ("projection %q"):format(p.name)) end
  for _, p in ipairs(n._.pops) do drop(p, ("population %q"):format(p.name)) end
  drop(n, "network " .. n._.id)
  collectgarbage("collect")   -- the runtime and its kernels are released now
end

--- Draws n values of a distribution from the network's seed (a fresh stream per draw, in
-- script order), or from the distribution's own seed when it has one.
function methods._draw(n, dist, count)
  n._.draws = n._.draws + 1
  return random.sample(dist, n._.seed, HOST_STREAM + n._.draws, count, 0)
end

--- Draws n values of a distribution from a stream of its own (key: a non-negative integer
-- below 2^30), outside the sequence of _draw: for values a compile needs only in some
-- networks, so that the draws of every other network stay as they were.
function methods._draw_aside(n, dist, count, key)
  return random.sample(dist, n._.seed, ASIDE_STREAM + key, count, 0)
end

function methods.config(n, t)
  local notes = config.check("Network:config", t)
  if n._.rt and (t.dtype or t.method) then
    fail("Network:config: the network is already compiled: 'dtype' and 'method' are given before compile")
  end
  for k, v in pairs(t) do
    if k == "seed" then
      n._.seed = v
      if n._.rt then runtime.seed(n._.rt, v) end   -- re-seeds the draws of the coming steps
    else
      n._.config[k] = v
    end
  end
  for _, note in ipairs(notes) do
    if not notes_given[note] then
      notes_given[note] = true
      io.stderr:write("annlua: note: ", note, "\n")
    end
  end
  if t.num_threads and n._.rt then runtime.threads(n._.rt, t.num_threads) end
  if t.divide_synapses ~= nil and n._.rt then runtime.divide_synapses(n._.rt, t.divide_synapses) end
end

-- Below this much work per thread (neurons / NEURONS_PER_THREAD + synapses /
-- SYNAPSES_PER_THREAD), the meeting of the threads at each step costs more than it saves: by
-- default a small network runs on fewer threads (the results are the same).
local NEURONS_PER_THREAD, SYNAPSES_PER_THREAD = 4096, 262144

--- The number of threads a compiled network runs on: num_threads of its config, else the
-- environment variable ANNLUA_NUM_THREADS, else the machine's processors, as many as the
-- network has work for. rt: the network's runtime, its connectivity built.
--- The threads asked for: num_threads of the config, else ANNLUA_NUM_THREADS, else nil.
function methods._chosen_threads(n)
  if n._.config.num_threads then return n._.config.num_threads end
  local env = os.getenv("ANNLUA_NUM_THREADS")
  if env and env ~= "" then
    local v = tonumber(env)
    if not v or not util.is_integer(v) or v < 1 or v > 1024 then
      fail("ANNLUA_NUM_THREADS must be an integer from 1 to 1024, not '%s'", env)
    end
    return v
  end
end

--- The threads drawing the connectivity (the same synapses for any number): the threads
-- asked for, else the machine's processors.
function methods._build_threads(n)
  return n:_chosen_threads() or runtime.cpu_count()
end

function methods._threads(n, rt)
  local chosen = n:_chosen_threads()
  if chosen then return chosen end
  local neurons, synapses = 0, 0
  for _, pop in ipairs(n._.pops) do neurons = neurons + pop._.size end
  for _, proj in ipairs(n._.projs) do
    local _, count = runtime.proj_size(rt, proj._.id)
    synapses = synapses + count
  end
  local work = math.floor(neurons / NEURONS_PER_THREAD) + math.floor(synapses / SYNAPSES_PER_THREAD)
  return math.max(1, math.min(runtime.cpu_count(), work))
end

--- The analysis environment for models used in this network.
function methods._env(n, extra)
  local consts = {}
  for name in pairs(n._.constants) do consts[name] = true end
  for name in pairs(require("annarchy.constants").global_names()) do consts[name] = true end
  local env = {network_name = ("network %d"):format(n._.id), constants = consts,
               functions = require("annarchy.functions").registry(), method = n._.config.method,
               dtype = n._.config.dtype}
  for k, v in pairs(extra or {}) do env[k] = v end
  return env
end

local function check_not_compiled(n, what)
  if n._.rt then fail("you cannot add a %s after the network has been compiled", what) end
end

function methods.create(n, ...)
  check_not_compiled(n, "population")
  local first = ...
  if type(first) == "table" and getmetatable(first) and first.__special_population then
    if select("#", ...) > 1 then
      fail("Network:create(): a population such as ann.PoissonPopulation{...} is passed alone: "
        .. "give its name and other options to its constructor")
    end
    return first:_create(n)
  end
  local a = args.parse("Network:create", {"geometry", "neuron", "name", "stop_condition", "population"},
    select("#", ...), ...)
  if a.population then
    for _, k in ipairs{"geometry", "neuron", "name", "stop_condition"} do
      if a[k] ~= nil then
        fail("Network:create(): '%s' cannot be given with 'population': give it to the population's "
          .. "constructor (ann.PoissonPopulation{..., %s = ...})", k, k)
      end
    end
    return a.population:_create(n)
  end
  if a.geometry == nil then
    fail("Network:create(): either 'geometry' or 'population' must be provided")
  end
  local geometry = population.geometry(a.geometry, "Network:create()")
  local model = require("annarchy.model")
  if not model.is_neuron(a.neuron) then
    fail("Network:create(): the second argument must be a neuron model (ann.Neuron{...}), got %s",
      type(a.neuron))
  end
  local A = require("annarchy.compiler.analyse").neuron(a.neuron,
    methods._env(n, {reserved = population.RESERVED_WHY}))
  local id = #n._.pops
  local name = a.name
  if name == nil or tostring(name):match("^pop%d+$") then name = "pop" .. id end
  if n._.pop_by_name[name] then fail("Network:create(): a population is already named %q", name) end
  local stop
  if a.stop_condition ~= nil then
    stop = require("annarchy.compiler.analyse").condition(a.stop_condition, A, methods._env(n))
  end
  local pop = population.new(n, id, geometry, a.neuron, A, name, stop)
  n._.pops[#n._.pops + 1] = pop
  n._.pop_by_name[name] = pop
  return pop
end

function methods.connect(n, ...)
  check_not_compiled(n, "projection")
  return require("annarchy.projection").connect(n, select("#", ...), ...)
end

function methods.enable_learning(n, projections, opts)
  for _, p in ipairs(projections or n._.projs) do p:enable_learning(opts) end
end

function methods.disable_learning(n, projections)
  for _, p in ipairs(projections or n._.projs) do p:disable_learning() end
end

function methods.monitor(n, ...)
  local a = args.parse("Network:monitor", {"obj", "variables", "period", "period_offset", "start", "name"},
    select("#", ...), ...)
  local m = monitor.new(n, a)
  n._.mons[#n._.mons + 1] = m
  n._.mon_by_name[m.name] = m
  return m
end

--- net:boldmonitor(populations, bold_model, mapping, scale_factor, normalize_input,
-- recorded_variables, start): a BOLD monitor (annarchy.extensions.bold).
function methods.boldmonitor(n, ...)
  return require("annarchy.extensions.bold").boldmonitor(n, select("#", ...), ...)
end

function methods.constant(n, name, value)
  local c = require("annarchy.constants").new(name, value, n)
  n._.constants[name] = c
  n._.constant_list[#n._.constant_list + 1] = c
  return c
end

function methods.compile(n, ...)
  local a = args.parse("Network:compile", {"directory", "clean", "compiler", "compiler_flags", "silent"},
    select("#", ...), ...)
  if n._.rt then
    if not a.silent then io.stdout:write("annarchy: the network is already compiled\n") end
    return
  end
  build.compile(n, a)
end

local function check_compiled(n, what)
  if not n._.rt then fail("%s: the network is not compiled yet", what) end
end

--- Runs nsteps in C (the caller warns first when monitors would need too much memory).
local function run_failed(n, err)
  if err == "interrupted" then
    fail("simulation interrupted at t = %g ms (step %d); the network is valid",
      fields.time(n), fields.current_step(n))
  end
  fail("%s", err)
end

local function run_steps(n, nsteps, mode, pops)
  local done, err = runtime.run(n._.rt, nsteps, mode, pops)
  if err then run_failed(n, err) end
  return done
end

-- The number of steps of a duration in ms given to `what`: a finite, non-negative number whose
-- steps fit in the step counter.
local function duration_steps(n, what, name, ms)
  if type(ms) ~= "number" or not (ms >= 0 and ms < math.huge) then
    fail("%s: the %s must be a finite, non-negative number of ms, got %s", what, name, util.show(ms))
  end
  local steps = time.steps_ceil(ms, n._.dt)
  if steps >= 2 ^ 53 then
    fail("%s: the %s of %g ms is %.0f steps of %g ms, more than the step counter holds (2^53)",
      what, name, ms, steps, n._.dt)
  end
  return (math.tointeger and math.tointeger(steps)) or steps
end

function methods.simulate(n, ...)
  local a = args.parse("Network:simulate", {"duration", "measure_time", "progress"}, select("#", ...), ...)
  check_compiled(n, "simulate()")
  local nsteps = duration_steps(n, "simulate()", "duration", a.duration)
  local t0 = runtime.clock()
  monitor.check_memory(n, nsteps)
  local bar = progress.new(nsteps, n._.dt, a.progress)
  local function run(k) return bar:run(k, function(c) return run_steps(n, c, "none") end) end
  if n._.callbacks_enabled and n._.callbacks:count() > 0 then
    n._.callbacks:run(n, nsteps, run)
  else
    run(nsteps)
  end
  bar:finish()
  if a.measure_time and runtime.mpi_rank() == 0 then
    io.stdout:write(progress.time_report(a.duration, runtime.clock() - t0))
  end
end

function methods.step(n)
  -- the per-frame call of a host: only what one step needs
  local rt = n._.rt
  if not rt then check_compiled(n, "step()") end
  if n._.mons[1] then monitor.check_memory(n, 1) end
  local _, err = runtime.run(rt, 1, "none")
  if err then run_failed(n, err) end
end

function methods.simulate_until(n, ...)
  local a = args.parse("Network:simulate_until", {"max_duration", "populations", "operator", "measure_time"},
    select("#", ...), ...)
  check_compiled(n, "simulate_until()")
  local pops = a.populations
  if population.is_population(pops) then pops = {pops} end
  if type(pops) ~= "table" or #pops == 0 then
    fail("simulate_until(): give a population or a list of populations with stop conditions")
  end
  local ids = {}
  for i, p in ipairs(pops) do
    if not population.is_population(p) then fail("simulate_until(): item %d is not a population", i) end
    if not p._.stop_condition then
      fail("simulate_until(): population %q has no stop condition", p._.name)
    end
    ids[i] = p._.id
  end
  local op = a.operator or "and"
  if op ~= "and" and op ~= "or" then fail("simulate_until(): operator must be \"and\" or \"or\"") end
  local nsteps = duration_steps(n, "simulate_until()", "max_duration", a.max_duration)
  local t0 = runtime.clock()
  monitor.check_memory(n, nsteps)
  local done = run_steps(n, nsteps, op, ids)
  if a.measure_time and runtime.mpi_rank() == 0 then
    io.stdout:write(progress.time_report(time.ms(done, n._.dt), runtime.clock() - t0))
  end
  return time.ms(done, n._.dt)
end

function methods.reset(n, opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("Network:reset takes a table of options") end
  local a = args.parse("Network:reset", {"populations", "projections", "synapses", "monitors", "reseed_rng"},
    1, opts)
  build.reset(n, a)
  if n._.rt then
    -- random variables of the equations are drawn from (seed, step): from step 0 again they
    -- repeat the first run's draws (reseed_rng, the default); else they continue with a seed
    -- of their own for each reset
    if a.reseed_rng == false then
      n._.rng_epoch = (n._.rng_epoch or 0) + 1
      runtime.seed(n._.rt, n._.seed + n._.rng_epoch * 0x9E3779B9)
    else
      n._.rng_epoch = 0
      runtime.seed(n._.rt, n._.seed)
    end
  end
end

function methods._reset_population(n, p, attributes)
  build.reset_population(n, p, attributes)
end

function methods._clear_population(n, p)
  runtime.pop_clear(n._.rt, p._.id)
  local c = p._.custom
  if c and c.clear then c.clear(p, n._.rt) end
end

function methods._set_refractory(n, p, v)
  build.set_refractory(n, p, v)
end

function methods._apply_rate_window(n, p)
  build.apply_rate_window(n, p)
end

-- ---- look-ups --------------------------------------------------------------------------------

local function lookup(tbl, name, what)
  local obj = tbl[name]
  if not obj then fail("the network has no %s named %q", what, tostring(name)) end
  return obj
end

function methods.get_population(n, name) return lookup(n._.pop_by_name, name, "population") end
function methods.get_projection(n, name) return lookup(n._.proj_by_name, name, "projection") end
function methods.get_monitor(n, name) return lookup(n._.mon_by_name, name, "monitor") end
function methods.get_constant(n, name) return lookup(n._.constants, name, "constant") end
function methods.get_populations(n) return util.copy_list(n._.pops) end
--- Every constant the network's equations see: its own, then the global ones it does not shadow.
function methods.get_constants(n) return require("annarchy.constants").visible(n) end
--- net:get_projections{pre, post, target, suppress_error}: every projection, or those from
-- `pre`, to `post` (populations or their names) and with `target`; an error when a filter
-- matches nothing, unless suppress_error.
function methods.get_projections(n, opts)
  local a = args.parse("Network:get_projections", {"pre", "post", "target", "suppress_error"},
    opts == nil and 0 or 1, opts)
  local function population_of(x, what)
    if x == nil then return nil end
    if type(x) == "string" then return lookup(n._.pop_by_name, x, "population") end
    local pop = population.resolve(x)
    if not pop then fail("Network:get_projections(): %s must be a population or a name", what) end
    return pop
  end
  local pre, post = population_of(a.pre, "pre"), population_of(a.post, "post")
  local out = {}
  for _, p in ipairs(n._.projs) do
    local ok = (not pre or p._.pre == pre) and (not post or p._.post == post)
    if ok and a.target then
      ok = false
      for _, t in ipairs(p._.targets) do if t == a.target then ok = true end end
    end
    if ok then out[#out + 1] = p end
  end
  if #out == 0 and (pre or post or a.target) and not a.suppress_error then
    fail("Network:get_projections(): no projection matches the given pre, post and target")
  end
  return out
end
function methods.get_monitors(n) return util.copy_list(n._.mons) end

-- ---- callbacks -------------------------------------------------------------------------------

function methods.every(n, ...)
  local a = args.parse("Network:every", {"period", "fn", "offset", "wait"}, select("#", ...), ...)
  if type(a.fn) ~= "function" then fail("Network:every(period, fn): fn must be a function") end
  if type(a.period) ~= "number" or a.period <= 0 then
    fail("Network:every: the period must be a positive number of ms")
  end
  n._.callbacks:add(a.period, a.fn, a.offset or 0, a.wait or 0, n._.dt)
end
--- ann.every{network = net, period = ms, offset = 0, wait = 0}: the reference's decorator; the
-- returned function registers fn (as net:every) and returns it.
function M.every(...)
  local a = args.parse("ann.every", {"network", "period", "offset", "wait"}, select("#", ...), ...)
  local priv = type(a.network) == "table" and rawget(a.network, "_")
  if type(priv) ~= "table" or priv.callbacks == nil then
    fail("ann.every: 'network' must be a network (ann.every{network = net, period = ms})")
  end
  return function(fn)
    methods.every(a.network, a.period, fn, {offset = a.offset, wait = a.wait})
    return fn
  end
end

function methods.callbacks_enabled(n) return n._.callbacks_enabled end
function methods.disable_callbacks(n) n._.callbacks_enabled = false end
function methods.enable_callbacks(n) n._.callbacks_enabled = true end
function methods.clear_all_callbacks(n) n._.callbacks:clear() end

function methods.memory_footprint(n)
  return build.memory_footprint(n)
end

-- ---- saving and loading (annarchy.io) --------------------------------------------------------
function methods.save(n, filename, opts) state.save_network(n, filename, opts) end
function methods.load(n, filename, opts) state.load_network(n, filename, opts) end
function methods.save_parameters(n, filename) parameters.save_parameters(n, filename) end
function methods.load_parameters(n, filename, opts)
  return parameters.load_parameters(n, filename, opts)
end

Network.__index = util.class_index(fields, methods, function(n, k)
  local cls = rawget(getmetatable(n), "__class_methods")
  if cls and cls[k] then return cls[k] end
  fail("Network has no field or method '%s'", tostring(k))
end)

Network.__newindex = function(n, k, v)
  if k == "time" or k == "current_step" then
    local step = k == "time" and time.steps_round(v, n._.dt) or v
    if not util.is_integer(step) then fail("Network.%s must be a number", k) end
    if n._.rt then runtime.step_count(n._.rt, step) else n._.step = step end
    return
  end
  if k == "dt" or k == "seed" or fields[k] then
    fail("Network.%s is read-only%s", k, k == "seed" and " (use net:config{seed = s})" or "")
  end
  if methods[k] then fail("Network.%s is a method", k) end
  rawset(n, k, v)   -- user fields on a network (as on a Python object)
end

Network.__tostring = function(n)
  return ("Network %d (dt = %g ms, %d populations, %d projections)"):format(n._.id, n._.dt,
    #n._.pops, #n._.projs)
end

-- ---- network classes ---------------------------------------------------------------------
--- ann.Network is callable (a plain network) and has :extend(build), the Lua form of a
-- Network subclass: `local Pulse = ann.Network:extend(function(net, args) ... end)`, then
-- `Pulse{dt = 0.1, seed = 1, w_exc = 0.4}` builds a network and calls build(net, args) with
-- the arguments other than dt and seed.
local Class = {}
Class.__index = Class

local function instantiate_class(cls, t)
  t = t or {}
  if type(t) ~= "table" or getmetatable(t) ~= nil then
    fail("a network class takes one table of arguments")
  end
  local net = M.new{dt = t.dt, seed = t.seed}
  local rest = {}
  for k, v in pairs(t) do if k ~= "dt" and k ~= "seed" then rest[k] = v end end
  net._.class = cls
  net._.init_args = rest
  cls.build(net, rest)
  return net
end

Class.__call = instantiate_class

local Base = setmetatable({}, {
  __call = function(_, ...) return M.new(...) end,
  __index = {
    extend = function(_, build_fn)
      if type(build_fn) ~= "function" then fail("ann.Network:extend(build): build must be a function") end
      return setmetatable({build = build_fn}, Class)
    end,
  },
})
M.class = Base

--- net:copy{...}: a new network of the same class, built with these arguments (dt and seed
-- default to this network's); it is compiled from the same kernels (a cache hit).
function methods.copy(n, t)
  local cls = n._.class
  if not cls then
    fail("Network:copy(): only networks built by a class (ann.Network:extend) can be copied")
  end
  if not n._.rt then fail("Network:copy(): the copied network should be compiled first") end
  t = t or {}
  local a = {}
  for k, v in pairs(n._.init_args) do a[k] = v end
  for k, v in pairs(t) do a[k] = v end
  if a.dt == nil then a.dt = n._.dt end
  local net = instantiate_class(cls, a)
  net:compile{silent = true}
  return net
end

--- net:parallel_run(method, number, {seeds, measure_time, max_processes, <arguments>}):
-- builds `number` copies of a class network from the same kernels and calls method(copy,
-- args) on each; returns the list of results. An argument named like one of the class's
-- construction arguments goes to the constructor, any other to the method; a list of
-- `number` values gives one value per copy. seeds: nil (fresh seeds), "same" (this
-- network's), "sequential" (seed + 1, seed + 2, ...) or a list. The copies run at the same
-- time in child processes, at most max_processes at once (default: the machine's
-- processors), each sharing the processors with the others (annarchy.processes); with one
-- process they run here, one after the other.
function methods.parallel_run(n, method, number, opts)
  if not n._.class then
    fail("Network:parallel_run(): the network must be built by a class (ann.Network:extend), "
      .. "not be a plain Network")
  end
  if type(method) ~= "function" then fail("Network:parallel_run(): method must be a function") end
  if not util.is_integer(number) or number < 1 then
    fail("Network:parallel_run(): number must be a positive integer")
  end
  opts = opts or {}
  local max_processes = opts.max_processes
  if max_processes == nil or max_processes == -1 then max_processes = runtime.cpu_count()
  elseif not util.is_integer(max_processes) or max_processes < 1 then
    fail("Network:parallel_run(): max_processes must be a positive integer or -1 (every processor), not %s",
      util.show(max_processes))
  end
  local seeds = opts.seeds
  local seed_list = {}
  for k = 1, number do
    if seeds == nil then seed_list[k] = entropy_seed()
    elseif seeds == "same" then seed_list[k] = n._.seed
    elseif seeds == "sequential" then seed_list[k] = n._.seed + k
    elseif type(seeds) == "table" then
      if #seeds ~= number then
        fail("Network:parallel_run(): seeds must have the same size as the number of simulations")
      end
      seed_list[k] = seeds[k]
    else
      fail("Network:parallel_run(): seeds must be nil, \"same\", \"sequential\" or a list")
    end
  end
  local function per_copy(v, k, key)
    if type(v) == "table" and getmetatable(v) == nil and #v > 0 then
      if #v ~= number then
        fail("Network:parallel_run(): the list given for '%s' must have the same size as the number "
          .. "of simulations", key)
      end
      return v[k]
    end
    return v
  end
  local build_args, method_args = {}, {}
  for k = 1, number do
    build_args[k], method_args[k] = {dt = n._.dt, seed = seed_list[k]}, {}
    for key, v in pairs(n._.init_args) do build_args[k][key] = v end
    for key, v in pairs(opts) do
      if key ~= "seeds" and key ~= "measure_time" and key ~= "max_processes" then
        if n._.init_args[key] ~= nil then build_args[k][key] = per_copy(v, k, key)
        else method_args[k][key] = per_copy(v, k, key) end
      end
    end
  end
  local at_once = math.min(max_processes, number)
  -- the processors shared among the children: a copy in a child runs on at most its share of
  -- threads (the results do not depend on the number of threads)
  local share = math.max(1, math.floor(runtime.cpu_count() / at_once))
  local t0 = runtime.clock()
  local results = processes.map(function(k, forked)
    local copy = n._.class(build_args[k])
    copy:compile{silent = true}
    if forked and copy.num_threads > share then copy:config{num_threads = share} end
    return method(copy, method_args[k])
  end, number, at_once, "Network:parallel_run(): copy")
  if opts.measure_time then
    io.stdout:write(("Running %d networks took %.3f s.\n"):format(number, runtime.clock() - t0))
  end
  return results
end

return M
