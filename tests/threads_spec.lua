-- Threads: every network gives the same bits with 1, 2, 3 and 4 threads (docs/threads.md),
-- with kernels compiled by cc and by tcc. The networks are small but larger than one block of
-- 256 neurons, so that 2, 3 and 4 threads cut them differently (4 threads: 256, 256, 256 and
-- the rest), and cover spiking and rate-coded transmission, random draws in equations,
-- Poisson inputs, plasticity, uniform and per-synapse delays, global operations, axonal
-- spikes and monitors.
local ann = require("annarchy")

local THREADS = {1, 2, 3, 4}

-- Everything a run leaves, as text: every attribute of every population and projection, the
-- recordings of the monitors (spikes in rank order), "%.17g" so that equal text is equal bits.
local function state_of(net, monitors)
  local out = {}
  local function put(v)
    if type(v) == "number" then out[#out + 1] = ("%.17g"):format(v)
    elseif type(v) == "boolean" then out[#out + 1] = v and "1" or "0"
    elseif type(v) == "table" or type(v) == "userdata" then
      for _, x in ipairs(v.totable and v:totable() or v) do put(x) end
    end
  end
  for _, pop in ipairs(net:get_populations()) do
    for _, a in ipairs(pop.attributes) do out[#out + 1] = a; put(pop[a]) end
  end
  for _, proj in ipairs(net:get_projections{suppress_error = true} or {}) do
    for _, a in ipairs(proj.attributes) do
      local ok, v = pcall(proj.get, proj, a)   -- a shared-weight projection has no w of its own
      if ok then out[#out + 1] = a; put(v) end
    end
  end
  for _, m in ipairs(monitors) do
    for _, var in ipairs(m.variables) do
      local rec = m:get(var)
      if var == "spike" or var == "axon_spike" then
        local ranks = {}
        for r in pairs(rec) do ranks[#ranks + 1] = r end
        table.sort(ranks)
        for _, r in ipairs(ranks) do out[#out + 1] = "#" .. r; put(rec[r]) end
      else
        put(rec)
      end
    end
  end
  return table.concat(out, " ")
end

local LIF_DEF = {
  parameters = [[
    tau = 20.0 : population
    Vt = -50.0 : population
    El = -60.0 : population
    I = 0.0
  ]],
  equations = [[
    tau * dv/dt = (El - v) + g_exc * (0.0 - v) + g_inh * (-80.0 - v) + I + Normal(0.0, 1.0) : init = -60.0
    5.0 * dg_exc/dt = - g_exc
    10.0 * dg_inh/dt = - g_inh
  ]],
  spike = "v > Vt",
  reset = "v = El",
  refractory = 5.0,
}
local LIF = ann.Neuron(LIF_DEF)

-- COBA-like: excitatory and inhibitory views, Poisson inputs, uniform or per-synapse delays.
local function coba(delays)
  local net = ann.Network{dt = 0.1, seed = 11}
  local pop = net:create(900, LIF)
  pop.v = ann.Uniform(-60.0, -50.0)
  pop.I = ann.Uniform(0.0, 12.0)
  local inp = net:create(ann.PoissonPopulation(300, {rates = 20.0}))
  local exc, inh = pop[{1, 720}], pop[{721, 900}]
  local opts = delays and {delays = delays} or nil
  net:connect(exc, pop, "exc"):fixed_probability(0.05, 0.6, opts)
  net:connect(inh, pop, "inh"):fixed_probability(0.05, 6.0)
  net:connect(inp, pop, "exc"):fixed_number_pre(20, ann.Uniform(0.1, 0.4))
  return net, {net:monitor(pop, {"spike", "v"}), net:monitor(inp, "spike")}
end

local Rate = ann.Neuron{
  parameters = "tau = 10.0 : population\n I = 0.0",
  equations = [[
    tau * dr/dt + r = sum(exc) - 0.5 * mean_r + I + Uniform(-0.1, 0.1)
    mean_r = mean(r) : population
    top = max(r) : population
  ]],
}

local function rate()
  local net = ann.Network{dt = 1.0, seed = 5}
  local pop = net:create(700, Rate)
  pop.I = ann.Uniform(0.0, 1.0)
  net:connect(pop, pop, "exc"):fixed_probability(0.1, ann.Uniform(0.0, 0.01))
  net:connect(pop, pop, "exc"):fixed_probability(0.05, 0.005, {delays = 3.0})
  return net, {net:monitor(pop, {"r", "top"})}
end

local function stdp()
  local net = ann.Network{dt = 0.1, seed = 3}
  local inp = net:create(ann.PoissonPopulation(400, {rates = 30.0}))
  local post = net:create(600, LIF)
  local rule = ann.STDP{tau_plus = 20.0, tau_minus = 20.0, A_plus = 0.01, A_minus = 0.0105,
    w_min = 0.0, w_max = 1.0}
  net:connect(inp, post, "exc", {synapse = rule}):fixed_probability(0.1, ann.Uniform(0.0, 1.0))
  return net, {net:monitor(post, "spike")}
end

-- Rate-coded learning with a semiglobal variable (IBCM's theta) and a local rule.
local function ibcm()
  local net = ann.Network{dt = 1.0, seed = 9}
  local pop = net:create(600, Rate)
  pop.I = ann.Uniform(0.0, 1.0)
  net:connect(pop, pop, "exc", {synapse = ann.IBCM{eta = 0.01, tau = 5.0}})
    :fixed_probability(0.1, ann.Uniform(0.0, 0.01))
  return net, {net:monitor(pop, "r")}
end

-- Shared weights: a bank of 3 filters (groups of 3 post neurons, which blocks of 256 cut
-- through) and a max pooling of its output, both split by range.
local function shared_weights()
  local net = ann.Network{dt = 1.0, seed = 4}
  local inp = net:create(ann.InputArray({30, 30}, {name = "image"}))
  local Sum = ann.Neuron{equations = "r = sum(exc)", name = "Sum"}
  local features = net:create({30, 30, 3}, Sum)
  local pooled = net:create({10, 10, 3}, Sum)
  local bank = {}
  for f = 1, 3 do
    bank[f] = {}
    for a = 1, 3 do
      bank[f][a] = {}
      for b = 1, 3 do bank[f][a][b] = (f * 7 + a * 3 - b) / 10 end
    end
  end
  net:connect(ann.Convolution(inp, features, "exc")):connect_filters(bank)
  net:connect(ann.Pooling(features, pooled, "exc", {operation = "max"})):pooling({extent = {3, 3, 1}})
  inp.r = ann.Uniform(0.0, 1.0)
  return net, {net:monitor(features, "r"), net:monitor(pooled, "r")}
end

-- Axonal spikes: the LIF neurons also emit one when v crosses -55 mV, received through
-- pre_axon_spike by a second population.
local function axonal()
  local net = ann.Network{dt = 0.1, seed = 13}
  local def = {axon_spike = "v > -55.0", axon_reset = "v -= 0.001"}
  for k, v in pairs(LIF_DEF) do def[k] = v end
  local pop = net:create(900, ann.Neuron(def))
  pop.v = ann.Uniform(-60.0, -50.0)
  pop.I = ann.Uniform(0.0, 12.0)
  local other = net:create(700, LIF)
  local syn = ann.Synapse{pre_spike = "g_target += w", pre_axon_spike = "g_target += 0.2 * w"}
  net:connect(pop, other, "exc", {synapse = syn}):fixed_probability(0.05, 0.6)
  net:connect(pop, pop, "inh", {synapse = syn}):fixed_probability(0.02, 1.0)
  return net, {net:monitor(pop, {"spike", "axon_spike"}), net:monitor(other, {"spike", "g_exc"})}
end

-- Every neuron of `pop` fires in its second step (0.5 + 0.3 + 0.3 > 1), then in volleys that
-- the recurrent excitation spreads, and the projections read only the spike lists: threads
-- transmit while others already update their neurons and write new spikes, which must not
-- reach the list being transmitted.
local function synchronous()
  local Pulse = ann.Neuron{
    parameters = "I = 0.3",
    equations = "dv/dt = I - 0.01 * g_exc : init = 0.5",
    spike = "v > 1.0", reset = "v = 0.0",
  }
  local net = ann.Network{dt = 1.0, seed = 31}
  local pop = net:create(1100, Pulse)
  net:connect(pop, pop, "exc"):fixed_probability(0.1, ann.Uniform(0.0, 1.0))
  local quiet = net:create(600, Pulse)
  net:connect(pop, quiet, "exc"):fixed_number_pre(20, 0.5)
  return net, {net:monitor(pop, "spike"), net:monitor(quiet, "spike")}
end

-- The kernels read of the pre neurons only their spike lists (transmission may overlap the
-- updates) or also their spike times and attributes (it may not).
local function pre_reading()
  local net, monitors = synchronous()
  local pops = net:get_populations()
  local syn = ann.Synapse{parameters = "k = 0.1", pre_spike = "g_target += w + k * pre.v + 0.001 * t_pre"}
  net:connect(pops[1], pops[2], "exc", {synapse = syn}):fixed_probability(0.2, 0.3)
  return net, monitors
end

local CASES = {
  {"spiking, every neuron firing in the same step", synchronous, 40},
  {"spiking, kernels reading the pre neurons' attributes and spike times", pre_reading, 40},
  {"spiking (COBA) with Poisson inputs and noise", function() return coba() end, 30},
  {"spiking with a uniform delay", function() return coba(2.0) end, 30},
  {"spiking with per-synapse delays", function() return coba(ann.Uniform(0.1, 3.0)) end, 30},
  {"rate-coded with global operations and a delayed projection", rate, 40},
  {"plastic (STDP)", stdp, 30},
  {"rate-coded learning (IBCM: semiglobal and local)", ibcm, 30},
  {"shared weights (a Convolution bank and a Pooling)", shared_weights, 3},
  {"axonal spikes", axonal, 30},
}

for _, compiler in ipairs({"cc", "tcc"}) do
  describe("threads (" .. compiler .. ")", function()
    for _, case in ipairs(CASES) do
      it("give the same bits for 1 to 4 threads: " .. case[1], function()
        local ref
        for _, n in ipairs(THREADS) do
          local net, monitors = case[2]()
          net:config{num_threads = n}
          net:compile{silent = true, compiler = compiler}
          net:simulate(case[3])
          local s = state_of(net, monitors)
          if ref == nil then ref = s else assert.is_true(s == ref, ("%d threads differ from one"):format(n)) end
        end
      end)
    end
  end)
end

describe("num_threads", function()
  it("is what the network runs on, and may change after compile", function()
    local net = ann.Network{}
    net:create(10, ann.Neuron{equations = "dr/dt = -r"})
    net:config{num_threads = 3}
    assert.equal(3, net.num_threads)
    net:compile{silent = true}
    assert.equal(3, net.num_threads)
    net:config{num_threads = 2}
    assert.equal(2, net.num_threads)
    net:simulate(5)
  end)

  it("defaults to one thread for a small network", function()
    local saved = os.getenv("ANNLUA_NUM_THREADS")
    if saved then return end   -- the environment decides
    local net = ann.Network{}
    net:create(100, ann.Neuron{equations = "dr/dt = -r"})
    net:compile{silent = true}
    assert.equal(1, net.num_threads)
  end)

  it("is refused when it is not a whole number from 1 to 1024", function()
    local net = ann.Network{}
    assert.has_error(function() net:config{num_threads = 0} end,
      "annarchy: Network:config: 'num_threads' must be an integer from 1 to 1024, got 0")
    assert.has_error(function() net:config{num_threads = 1.5} end,
      "annarchy: Network:config: 'num_threads' must be an integer from 1 to 1024, got 1.5")
    assert.has_error(function() net:config{num_threads = 1025} end,
      "annarchy: Network:config: 'num_threads' must be an integer from 1 to 1024, got 1025")
  end)
end)
