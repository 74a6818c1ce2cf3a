--- ann.help(x): the short documentation of a class, method, model or function, printed on
-- stdout (also `help(x)` in the REPL). The texts live in one table, keyed "ann.name" for the
-- module's functions and "Class:method" / "Class.field" for the members of a class.
local M = {}

--- The library whose functions and models are described: the table of annarchy/init.lua,
-- which hands itself over when it loads this module (ann.help). This module cannot require it:
-- the library loads this module.
M.library = nil

local function library()
  if M.library == nil then error("annarchy.help: no library given (call ann.help, or set help.library)", 3) end
  return M.library
end

local T = {}
M.texts = T

-- ---- the module ---------------------------------------------------------------------------------
T["ann.Network"] = [[ann.Network{dt = 1.0, seed = nil}: a network, the container of populations,
projections and monitors. Build it with net:create, net:connect, net:monitor, then
net:compile() and net:simulate(ms).]]
T["ann.Neuron"] = [[ann.Neuron{parameters, equations, spike, reset, refractory, axon_spike,
axon_reset, functions, name, description}: a neuron model from equation strings.
A model with `spike` is spiking, otherwise rate-coded (its output is r).]]
T["ann.Synapse"] = [[ann.Synapse{parameters, equations, psp, operation, pre_spike, post_spike,
pre_axon_spike, functions, pruning, creating, name, description}: a synapse model.]]
T["ann.Parameter"] = "ann.Parameter(value, {locality, type}): a parameter declared as an object."
T["ann.Variable"] = "ann.Variable{equation, init, min, max, method, locality, type}: a variable declared as an object."
T["ann.Constant"] = "ann.Constant(name, value): a global constant usable in every equation."
T["ann.add_function"] = "ann.add_function(\"f(x, y) = expression\"): a function usable in every equation."
T["ann.functions"] = "ann.functions(name): the Lua function evaluating a function declared with add_function."
T["ann.mpi"] = "ann.mpi: rank(), size(), print(...) (rank 0 only) of the processes started by mpirun"
  .. " (docs/distributed.md); without mpirun, rank 0 of 1."
T["ann.array"] = "ann.array(t): an Array (n-D float64, 1-based) from a list, a nested list or an Array."
T["ann.zeros"] = "ann.zeros(shape), ann.ones(shape): Arrays filled with 0 or 1; shape is a number or a list."
T["ann.ones"] = T["ann.zeros"]
T["ann.linspace"] = "ann.linspace(a, b, n): n evenly spaced values from a to b, both included."
T["ann.allclose"] = "ann.allclose(x, y, {rtol = 1e-5, atol = 1e-8, equal_nan = false}): element-wise closeness, as numpy."
T["ann.is_array"] = "ann.is_array(x): true for an Array."
T["ann.Uniform"] = "ann.Uniform(min, max): a uniform distribution, for initial values, weights and delays."
T["ann.DiscreteUniform"] = "ann.DiscreteUniform(min, max): integers from min to max, both included."
T["ann.Normal"] = "ann.Normal(mu, sigma, {min, max}): a normal distribution, optionally clipped."
T["ann.LogNormal"] = "ann.LogNormal(mu, sigma, {min, max}): a log-normal distribution."
T["ann.Exponential"] = "ann.Exponential(lambda, {min, max}): an exponential distribution."
T["ann.Gamma"] = "ann.Gamma(alpha, beta, {min, max}): a gamma distribution (shape alpha, scale beta)."
T["ann.Binomial"] = "ann.Binomial(n, p): a binomial distribution."
T["ann.InputArray"] = "ann.InputArray(geometry, {name}): a rate-coded population whose r you set from Lua."
T["ann.TimedArray"] = "ann.TimedArray{rates, schedule, period}: rows of rates shown one after the other."
T["ann.PoissonPopulation"] = "ann.PoissonPopulation(geometry, {rates, target, parameters}): Poisson spike trains (rates in Hz)."
T["ann.TimedPoissonPopulation"] = "ann.TimedPoissonPopulation(geometry, {rates, schedule, period}):" ..
  " Poisson trains with scheduled rates."
T["ann.SpikeSourceArray"] = "ann.SpikeSourceArray(spike_times): neurons spiking at given times (ms), one list per neuron."
T["ann.HomogeneousCorrelatedSpikeTrains"] = [[ann.HomogeneousCorrelatedSpikeTrains(geometry, rates, corr, tau):
Poisson trains with a given pairwise correlation.]]
T["ann.ImagePopulation"] = "ann.ImagePopulation(geometry): a population whose r is set from an image file (set_image)."
T["ann.VideoPopulation"] = "ann.VideoPopulation(geometry): a population fed from a camera or a video file (grab_image)."
T["ann.CurrentInjection"] = "ann.CurrentInjection(pre, post, target):" ..
  " injects a rate-coded r into a spiking population's g_target."
T["ann.DecodingProjection"] = "ann.DecodingProjection(pre, post, target, {window}): spikes decoded into a rate."
T["ann.report"] = "ann.report(net, {filename, standalone, title, author, date}): the network as a Markdown or LaTeX report."
T["ann.timeit"] = "ann.timeit(fn, ...): calls fn(...) and prints its wall time; returns its results."
T["ann.sparse_random_matrix"] = "ann.sparse_random_matrix(pre, post, proba, weights, {seed}): a random sparse weight matrix."
T["ann.sparse_delays_from_weights"] = "ann.sparse_delays_from_weights(weights, delays, {seed}):" ..
  " delays shaped like a sparse matrix."
T["ann.raster_plot"] = "ann.raster_plot(spikes, dt): two Arrays, spike times (ms) and ranks."
T["ann.histogram"] = "ann.histogram(spikes, dt, {bins, per_neuron, recording_window}): spike counts per bin of bins ms."
T["ann.inter_spike_interval"] = "ann.inter_spike_interval(spikes, dt, {ranks, per_neuron}): the intervals in ms."
T["ann.coefficient_of_variation"] = "ann.coefficient_of_variation(spikes, dt, {ranks, per_neuron}): std/mean of the intervals."
T["ann.mean_fr"] = "ann.mean_fr(spikes, dt, {duration}): mean firing rate in Hz."
T["ann.smoothed_rate"] = "ann.smoothed_rate(spikes, dt, {smooth}): each neuron's instantaneous rate, low-pass filtered."
T["ann.population_rate"] = "ann.population_rate(spikes, dt, {smooth}): the population rate in Hz, one bin per step."
T["ann.list_standard_neurons"] = "ann.list_standard_neurons(): the names of the built-in neuron models."
T["ann.list_standard_synapses"] = "ann.list_standard_synapses(): the names of the built-in synapse models."
T["ann.help"] = "ann.help(x): prints the documentation of x (an object, a function, a model or a name such as \"simulate\")."
T["ann.plot"] = [[ann.plot: figures drawn by gnuplot, written as PNG, PDF or SVG by the file's extension:
raster, traces, histogram, isi, weights, map, xy. Each takes its data and {file = "fig.png", title,
xlabel, ylabel, size = {640, 480}, xrange, yrange, legend, data} and returns the file.]]
T["ann.plot.raster"] = [[ann.plot.raster(monitor or spikes, {file, dt, population_rate = false, bin}): one dot per
spike at (time, rank); population_rate = true adds the rate in Hz beneath.]]
T["ann.plot.traces"] = [[ann.plot.traces(monitor, "v", {file, ranks}) or ann.plot.traces(array, {file, dt, t0, ranks}):
recorded values over time, one curve per neuron.]]
T["ann.plot.histogram"] = [[ann.plot.histogram(values or monitor or spikes, {file, bins = 20, range, duration}):
distribution of values, or of the neurons' firing rates in Hz.]]
T["ann.plot.isi"] = "ann.plot.isi(monitor or spikes, {file, bins = 20, range, dt}): histogram of the inter-spike intervals (ms)."
T["ann.plot.weights"] = [[ann.plot.weights(projection or dendrite or matrix, {file, receptive_fields, variable}):
heat map of the weights (post ranks as rows, pre ranks as columns).]]
T["ann.plot.map"] = "ann.plot.map(population, \"r\", {file}) or ann.plot.map(array, {file}): values over the geometry."
T["ann.plot.xy"] = "ann.plot.xy(xs, ys or {ys1, ys2}, {file, labels, style = \"lines\"}): free x-y curves."

-- ---- Network ------------------------------------------------------------------------------------
T["Network"] = T["ann.Network"]
T["Network:create"] = "net:create(geometry, neuron, {name, stop_condition}): a Population (geometry: a size or {w, h, ...})."
T["Network:connect"] = "net:connect(pre, post, target, {synapse, name}): a Projection; then a connector (fixed_probability, ...)."
T["Network:monitor"] = "net:monitor(obj, variables, {period, period_offset, start, name}): a Monitor recording every step."
T["Network:constant"] = "net:constant(name, value): a constant of this network's equations; c:set(v) changes it."
T["Network:compile"] = "net:compile{directory, compiler, compiler_flags, silent}:" ..
  " generates, compiles (or finds cached) and loads."
T["Network:simulate"] = [[net:simulate(ms, {measure_time = false, progress}): runs ceil(ms/dt) steps in C. A run longer
than about 2 s shows a progress bar on a terminal; progress = false hides it, progress = true
shows it for any run; measure_time prints the wall time.]]
T["Network:simulate_until"] = [[net:simulate_until(max_ms, populations, {operator = "and", measure_time}): runs until the
populations' stop conditions hold; returns the simulated ms.]]
T["Network:step"] = "net:step(): one step."
T["Network:reset"] = "net:reset{populations = true, projections = false, synapses = false, monitors = true}: back to t = 0."
T["Network:every"] = "net:every(period, fn, {offset, wait}): calls fn(n) every period ms during simulate."
T["Network:save"] = "net:save(file, {populations, projections}): writes every attribute and the time."
T["Network:load"] = "net:load(file): restores what net:save wrote."
T["Network:get_population"] = "net:get_population(name): the population of that name (an error if unknown)."
T["Network:get_projection"] = "net:get_projection(name): the projection of that name."
T["Network:get_monitor"] = "net:get_monitor(name): the monitor of that name."
T["Network:config"] = "net:config{method, dtype, seed, structural_plasticity, num_threads, divide_synapses, verbose,"
  .. " suppress_warnings}."
T["Network.time"] = "net.time: the current time in ms (writable); net.current_step: the step."
T["Network.dt"] = "net.dt: the step in ms (read-only)."
T["Network.num_threads"] = "net.num_threads: the threads the compiled network runs on (same results for any number;"
  .. " set with net:config{num_threads = n}, default ANNLUA_NUM_THREADS or the processors)."

-- ---- Population ---------------------------------------------------------------------------------
T["Population"] = [[A Population: neurons of one model over a geometry. Attributes read as Arrays shaped like
the geometry (pop.v) and are written with numbers, lists, Arrays or distributions.]]
T["Population.size"] = "pop.size (also #pop): the number of neurons; pop.geometry: the dimensions."
T["Population.attributes"] = "pop.attributes, pop.parameters, pop.variables: the names of the model's attributes."
T["Population:neuron"] = "pop:neuron(rank) or pop:neuron(x, y): an IndividualNeuron (1-based)."
T["Population:reset"] = "pop:reset(attributes): initial values of all (or the listed) attributes."
T["Population:clear"] = "pop:clear(): clears spikes, last spike times and refractory counters."
T["Population:enable"] = "pop:enable(), pop:disable(): a disabled population is frozen."
T["Population:sum"] = "pop:sum(target): the weighted sum (rate-coded) or conductance (spiking) of a target."
T["Population:rank_from_coordinates"] = "pop:rank_from_coordinates{x, y}: the 1-based rank; coordinates_from_rank(r) the inverse."
T["Population:compute_firing_rate"] = "pop:compute_firing_rate(window): spiking populations: r holds the rate over window ms."
T["Population:save"] = "pop:save(file): writes every attribute; pop:load(file) restores them."

-- ---- Projection ---------------------------------------------------------------------------------
T["Projection"] = [[A Projection: synapses from pre to post for one target. Create it with net:connect, then
choose a connector: all_to_all, one_to_one, fixed_probability, fixed_number_pre,
fixed_number_post, fixed_total_number, gaussian, dog, from_matrix, from_sparse, from_function,
from_file.]]
T["Projection:all_to_all"] = "proj:all_to_all(weights, {delays, allow_self_connections}): every pre to every post."
T["Projection:one_to_one"] = "proj:one_to_one(weights, {delays}): the k-th pre to the k-th post."
T["Projection:fixed_probability"] = "proj:fixed_probability(p, weights, {delays, allow_self_connections}):" ..
  " each pair with probability p."
T["Projection:fixed_number_pre"] = "proj:fixed_number_pre(n, weights, {delays}): n random pre neurons per post neuron."
T["Projection:fixed_number_post"] = "proj:fixed_number_post(n, weights, {delays}): n random post neurons per pre neuron."
T["Projection:fixed_total_number"] = "proj:fixed_total_number(n, weights, {delays, allow_self_connections," ..
  " allow_multapses}): exactly n synapses, each a random pair; a pair may hold several (annlua extension)."
T["Projection:gaussian"] = "proj:gaussian(amp, sigma, {delays, limit}): weights from a Gaussian of the normalised distance."
T["Projection:dog"] = "proj:dog(amp_pos, sigma_pos, amp_neg, sigma_neg, {...}): a difference of Gaussians."
T["Projection:from_matrix"] = "proj:from_matrix(matrix, {delays, pre_post}): a (post x pre) matrix; false or NaN: no synapse."
T["Projection:from_sparse"] = "proj:from_sparse{pre_ranks, post_ranks, weights, delays}: coordinate lists."
T["Projection:from_function"] = "proj:from_function(fn, ...): fn(pre, post, dt, ...) returns an LILConnectivity."
T["Projection:from_file"] = "proj:from_file(file): a file written by proj:save_connectivity."
T["Projection:connectivity_matrix"] = "proj:connectivity_matrix{fill = 0}: the (post x pre) matrix of the weights."
T["Projection:receptive_fields"] = "proj:receptive_fields{variable, in_post_geometry}: every post neuron's field, tiled."
T["Projection:dendrite"] = "proj:dendrite(post_rank): the synapses reaching one post neuron."
T["Projection:enable_learning"] = "proj:enable_learning(), proj:disable_learning(): switch the synaptic updates."
T["Projection:save"] = "proj:save(file): connectivity, attributes and delays; proj:load(file) restores them."

-- ---- Dendrite ---------------------------------------------------------------------------------
T["Dendrite"] = [[A Dendrite: the synapses of a projection reaching one post-synaptic neuron,
proj:dendrite(post_rank). Attributes read as Arrays aligned with d.pre_ranks.]]
T["Dendrite.pre_ranks"] = "d.pre_ranks: the ranks of the pre-synaptic neurons, ascending; d.size: how many."
T["Dendrite:receptive_field"] = "d:receptive_field{variable = \"w\", fill = 0}: the values over the pre-synaptic geometry."
T["Dendrite:synapse"] = "d:synapse(pre_rank): one synapse, with its attributes."
T["Dendrite:create_synapse"] = "d:create_synapse(pre_rank, {w, delay}): adds a synapse (structural plasticity)."
T["Dendrite:prune_synapse"] = "d:prune_synapse(pre_rank): removes a synapse (structural plasticity)."

-- ---- Monitor ------------------------------------------------------------------------------------
T["Monitor"] = [[A Monitor records variables and spikes of a population, view, neuron, projection or
dendrite at the end of each step (every period ms).]]
T["Monitor:get"] = "m:get(name, {keep, reshape}): the recording (an Array {records, ...}, spikes as rank -> steps)."
T["Monitor:start"] = "m:start(variables, period): starts recording; m:pause(), m:resume(), m:stop()."
T["Monitor:times"] = "m:times(): the start and stop steps of the recording segments of the last get."
T["Monitor:reset"] = "m:reset(): empties the recorded data."
T["Monitor:raster_plot"] = "m:raster_plot(): spike times (ms) and ranks, two Arrays."
T["Monitor:histogram"] = "m:histogram{bins, per_neuron}: spike counts per bin."
T["Monitor:mean_fr"] = "m:mean_fr(): the mean firing rate in Hz over the last segment."
T["Monitor:population_rate"] = "m:population_rate{smooth}: the population rate in Hz, one bin per step."
T["Monitor:inter_spike_interval"] = "m:inter_spike_interval{ranks, per_neuron}: the intervals in ms."
T["Monitor:save"] = "m:save(file, {variables, keep}): writes the recordings to a file."

-- ---- Array --------------------------------------------------------------------------------------
T["Array"] = [[An Array: n-D float64 values, 1-based, row-major. a[i] is a number (1-D) or a row view;
a.shape, a.size, a.ndim; arithmetic with + - * / and numbers.]]
T["Array:totable"] = "a:totable(): plain (nested) Lua tables."
T["Array:copy"] = "a:copy(): an independent copy."
T["Array:reshape"] = "a:reshape(shape): a view with another shape (one dimension may be -1)."
T["Array:sum"] = "a:sum(), a:mean(), a:min(), a:max(), a:std(): reductions."
T["Array:fill"] = "a:fill(x): sets every element to x."

-- ---- looking up -----------------------------------------------------------------------------------

local CLASSES = {"Network", "Population", "Projection", "Dendrite", "Monitor", "Array"}

--- The class name of an object, or nil.
local function class_of(x)
  if require("annarchy.runtime").is_array(x) then return "Array" end
  if type(x) ~= "table" then return nil end
  local mt = getmetatable(x)
  if mt == nil then return nil end
  local population = require("annarchy.population")
  if population.is_population(x) or population.is_view(x) then return "Population" end
  if require("annarchy.dendrite").is_dendrite(x) then return "Dendrite" end
  if require("annarchy.projection").is_projection(x) then return "Projection" end
  if mt == require("annarchy.monitor").Monitor then return "Monitor" end
  if mt == require("annarchy.network").Network then return "Network" end
  return nil
end
M.class_of = class_of

--- The members documented for a class, sorted: {"create", "connect", ...}.
function M.members(class)
  local out = {}
  for key in pairs(T) do
    local c, sep, name = key:match("^(%w+)([:.])([%w_]+)$")
    if c == class then out[#out + 1] = name .. (sep == ":" and "()" or "") end
  end
  table.sort(out)
  return out
end

--- The text of a built-in or user model: name, description, parameters, equations.
local function model_text(m, label)
  local out = {("%s (%s): %s"):format(label, m.name or "", m.description or "")}
  if type(m.parameters) == "string" and m.parameters:find("%S") then
    out[#out + 1] = "parameters:"
    for line in m.parameters:gmatch("[^\n]+") do
      if line:find("%S") then out[#out + 1] = "  " .. line:gsub("^%s+", "") end
    end
  end
  local eq = m.equations
  if type(eq) == "string" then eq = {eq} end
  if type(eq) == "table" and #eq > 0 then
    out[#out + 1] = "equations:"
    for _, e in ipairs(eq) do out[#out + 1] = "  " .. tostring(e) end
  end
  for _, k in ipairs{"spike", "reset", "psp", "pre_spike", "post_spike"} do
    local v = m[k]
    if type(v) == "string" and v:find("%S") then
      local one = v:gsub("^%s+", ""):gsub("%s*\n%s*", "; "):gsub("[;%s]+$", "")
      out[#out + 1] = ("%s: %s"):format(k, one)
    end
  end
  out[#out + 1] = "Call it with new defaults: model{name = value} (see docs/models.md)."
  return table.concat(out, "\n")
end

local MODELS = {"LeakyIntegrator", "Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_cond_alpha",
  "GIF_curr", "GIF_curr_exp", "HH_cond_exp", "EIF_cond_alpha_isfa_ista", "EIF_cond_exp_isfa_ista",
  "STP", "STDP", "Hebb", "Oja", "IBCM"}

--- The names of the module's documented functions, classes and models, sorted.
function M.module_names()
  local names = {}
  for key in pairs(T) do
    local name = key:match("^ann%.([%w_]+)$")
    if name then names[#names + 1] = name end
  end
  for _, m in ipairs(MODELS) do names[#names + 1] = m end
  table.sort(names)
  return names
end

local function class_text(class)
  return (T[class] or class) .. "\nmembers: " .. table.concat(M.members(class), ", ")
end

--- The documentation of `x` as text, or nil and a message.
function M.text(x)
  local ann = library()
  local model = require("annarchy.model")
  if type(x) == "string" then
    local name = x:gsub("^ann%.", "")
    if T[x] then return T[x] end
    if T["ann." .. name] then return T["ann." .. name] end
    for _, class in ipairs(CLASSES) do
      if x == class then return class_text(class) end
    end
    for _, m in ipairs(MODELS) do
      if name == m then return model_text(ann[m], "ann." .. m) end
    end
    local found = {}
    for key, text in pairs(T) do
      if key:match("[:.]([%w_]+)$") == name then found[#found + 1] = text end
    end
    table.sort(found)
    if #found > 0 then return table.concat(found, "\n\n") end
    return nil, ("no documentation for %q; try help(ann) for the list"):format(x)
  end
  if x == ann then
    local lines, line = {}, "annlua:"
    for _, name in ipairs(M.module_names()) do
      if #line + #name > 90 then lines[#lines + 1], line = line, " " end
      line = line .. " ann." .. name
    end
    lines[#lines + 1] = line
    return table.concat(lines, "\n") ..
      "\nClasses: " .. table.concat(CLASSES, ", ") .. "\nhelp(x) for one of them, help(\"simulate\") for a method."
  end
  if x == ann.plot then return T["ann.plot"] end
  for key, text in pairs(T) do
    local name = key:match("^ann%.([%w_]+)$")
    if name and ann[name] == x then return text end
    local pname = key:match("^ann%.plot%.([%w_]+)$")
    if pname and ann.plot[pname] == x then return text end
  end
  for _, m in ipairs(MODELS) do
    if ann[m] == x then return model_text(x, "ann." .. m) end
  end
  if model.is_neuron(x) or model.is_synapse(x) then return model_text(x, model.is_neuron(x) and "a Neuron" or "a Synapse") end
  local class = class_of(x)
  if class then return class_text(class) end
  return nil, ("no documentation for this %s"):format(type(x))
end

--- Prints the documentation of `x` (an object, a function, a model or a name).
function M.help(x)
  if x == nil then x = library() end
  local text, err = M.text(x)
  io.stdout:write((text or err), "\n")
end

return M
