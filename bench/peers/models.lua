-- bench/peers/models.lua: the annlua side of the peer benchmarks (bench/peers.lua). Each entry
-- builds one network of PEERS.md, the same model as bench/peers/brian2_bench.py builds in
-- Brian2, and returns it with a function giving its sanity figure after the simulation (a
-- mean firing rate in Hz, or the mean of r for the rate-coded network). Float64, one thread,
-- explicit Euler. docs/benchmarks.md states each model.
local ann = require("annarchy")

local M = {}

-- COBA, CUBA and Izhikevich are the examples' own networks.
local coba = dofile("examples/coba.lua")
local izhikevich = dofile("examples/izhikevich.lua")

-- A leaky rate neuron driven by its inputs and a per-neuron constant.
M.Leaky = ann.Neuron{
  parameters = [[
    tau = 10.0 : population
    I = 0.0
  ]],
  equations = "tau * dr/dt + r = sum(exc) + I",
  name = "LeakyRate",
}

-- The output neuron of Song, Miller & Abbott (2000) with Brian2's example equations (the
-- driving force uses v).
M.IF = ann.Neuron{
  parameters = [[
    tau_m = 10.0 : population
    tau_e = 5.0 : population
    vt = -54.0 : population
    vr = -60.0 : population
    El = -74.0 : population
    Ee = 0.0 : population
  ]],
  equations = [[
    tau_m * dv/dt = El - v + g_exc * (Ee - v) : init = -60.0
    tau_e * dg_exc/dt = - g_exc
  ]],
  spike = "v > vt",
  reset = "v = vr",
  name = "IF",
}

local function rate_of(m, n, duration)
  return function()
    local spikes = m:get("spike")
    local count = 0
    for _, steps in pairs(spikes) do count = count + #steps end
    return count / n / (duration / 1000.0), spikes
  end
end

--- COBA or CUBA network of `size` neurons (80 % excitatory), connection probability p from
-- the excitatory and the inhibitory views to the whole population, spikes recorded.
function M.lif(kind, size, p, seed, duration)
  local net, _, m = coba.build(kind, seed, size, p)
  return net, rate_of(m, size, duration)
end

--- COBA neurons with 80 random inputs each (64 from the excitatory 80 %, 16 from the
-- inhibitory 20 %, fixed_number_pre), per-synapse weights U(0.3, 0.9) and U(3.4, 10.0), the
-- examples' initial values; dt 0.1 ms. No monitor: the figure is not needed.
function M.coba_inputs(size, seed)
  local net = ann.Network{dt = 0.1, seed = seed}
  local pop = net:create(size, coba.COBA)
  local n_exc = math.floor(size * 0.8)
  pop.v = ann.Normal(-55.0, 5.0)
  pop.g_exc = ann.Normal(4.0, 1.5)
  pop.g_inh = ann.Normal(20.0, 12.0)
  net:connect(pop:range(1, n_exc), pop, "exc"):fixed_number_pre(64, ann.Uniform(0.3, 0.9))
  net:connect(pop:range(n_exc + 1, size), pop, "inh"):fixed_number_pre(16, ann.Uniform(3.4, 10.0))
  return net, pop
end

--- The Izhikevich network: 800 + 200 neurons, all-to-all (1 M synapses), dt 1 ms.
function M.izhikevich(seed, duration)
  local net, m = izhikevich.build(seed)
  return net, rate_of(m, 1000, duration)
end

--- The rate-coded network: 1000 leaky rate neurons, tau = 10 ms, I ~ U(0, 1) per neuron,
-- all-to-all without self-connections (999 000 synapses), w ~ U(0, 0.001), dt 1 ms.
-- The figure is the mean of r at the end (about 1.0: r* = I + W r*, mean(W) row sum 0.5).
function M.rate(seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local pop = net:create(1000, M.Leaky)
  pop.I = ann.Uniform(0.0, 1.0)
  net:connect(pop, pop, "exc"):all_to_all(ann.Uniform(0.0, 0.001))
  return net, function() return pop.r:mean() end
end

--- Song & Abbott STDP: 1000 Poisson inputs at 15 Hz onto one IF neuron, all-to-all plastic
-- weights w ~ U(0, 0.01), dt 0.1 ms. Needs ann.PoissonPopulation and ann.STDP: returns nil
-- and a message when they are not there.
function M.stdp(seed, duration)
  if not (ann.PoissonPopulation and ann.STDP) then
    return nil, "ann.PoissonPopulation and ann.STDP are not available yet"
  end
  local net = ann.Network{dt = 0.1, seed = seed}
  local inp = net:create(ann.PoissonPopulation(1000, {rates = 15.0}))
  local post = net:create(1, M.IF)
  local stdp = ann.STDP{tau_plus = 20.0, tau_minus = 20.0, A_plus = 0.01, A_minus = 0.0105,
    w_min = 0.0, w_max = 0.01}
  net:connect(inp, post, "exc", {synapse = stdp}):all_to_all(ann.Uniform(0.0, 0.01))
  local m = net:monitor(post, "spike")
  return net, rate_of(m, 1, duration)
end

-- Brunel's (2000) sparse balanced network, static synapses: current-based LIF neurons
-- (tau 20 ms, threshold 20 mV, reset 10 mV, refractory 2 ms) with short synaptic currents
-- (0.5 ms) whose integral is a jump of J = 0.1 mV (excitatory) or -0.5 mV (inhibitory, g = 5),
-- after 1.5 ms; the external drive in the diffusion approximation (mean 22 mV, noise 3 mV).
M.BrunelLIF = ann.Neuron{
  parameters = [[
    tau = 20.0 : population
    tau_s = 0.5 : population
    theta = 20.0 : population
    Vr = 10.0 : population
    mu = 22.0 : population
    sigma = 3.0 : population
  ]],
  equations = [[
    tau * dv/dt = -v + g_exc - g_inh + mu + sigma * sqrt(tau / dt) * Normal(0.0, 1.0) : init = 10.0
    tau_s * dg_exc/dt = - g_exc
    tau_s * dg_inh/dt = - g_inh
  ]],
  spike = "v > theta",
  reset = "v = Vr",
  refractory = 2.0,
  name = "BrunelLIF",
}

--- Brunel's network of `size` neurons (80 % excitatory), each neuron receiving 10 % of each
-- population (fixed_number_pre; size^2 / 10 synapses: 10^7 for 10 000 neurons). plastic:
-- the excitatory synapses follow the built-in STDP (Song & Abbott's amplitudes, w_max twice
-- the initial weight), as the Brunel-with-STDP benchmark of Auryn and Brian2.
function M.brunel(size, seed, duration, plastic)
  size = size or 10000
  local net = ann.Network{dt = 0.1, seed = seed}
  local pop = net:create(size, M.BrunelLIF)
  pop.v = ann.Uniform(10.0, 20.0)
  local n_exc = math.floor(size * 0.8)
  local exc, inh = pop:range(1, n_exc), pop:range(n_exc + 1, size)
  local w = 0.1 * 20.0 / 0.5   -- the current whose integral is a jump of 0.1 mV
  local stdp = plastic and ann.STDP{tau_plus = 20.0, tau_minus = 20.0, A_plus = 0.01,
    A_minus = 0.0105, w_min = 0.0, w_max = 2.0 * w} or nil
  net:connect(exc, pop, "exc", {synapse = stdp})
    :fixed_number_pre(math.floor(n_exc * 0.1), w, {delays = 1.5})
  net:connect(inh, pop, "inh"):fixed_number_pre(math.floor((size - n_exc) * 0.1), 5.0 * w, {delays = 1.5})
  local m = net:monitor(pop, "spike")
  return net, rate_of(m, size, duration)
end

--- The synapses of a compiled network and the bytes its projections hold (net:memory_footprint).
function M.synapse_memory(net)
  local synapses, bytes = 0, 0
  local footprint = net:memory_footprint()
  for _, proj in ipairs(net:get_projections()) do
    synapses = synapses + proj.nb_synapses
    bytes = bytes + footprint[proj.name]
  end
  return synapses, bytes
end

return M
