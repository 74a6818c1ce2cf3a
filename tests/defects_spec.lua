-- Regressions of faults found by trying the front end as a user would: each case failed, or was
-- silently accepted, or gave an unclear message, before its fix.
local ann = require("annarchy")

describe("writes before compile", function()
  it("a view of a population whose initial value names a parameter (Izhikevich: v = c)", function()
    local pop = ann.Network{}:create(10, ann.Izhikevich)
    local exc = pop:range(1, 5)
    exc.v = -70.0
    local v = pop.v
    -- the first five neurons take the value written, the others keep c = -65 mV
    for i = 1, 5 do assert.equal(-70.0, v[i]) end
    for i = 6, 10 do assert.equal(-65.0, v[i]) end
  end)

  it("IF_curr_exp (v = v_reset) and HH_cond_exp (v = e_rev_leak) through a view", function()
    -- both defaults are -65 mV in the reference library
    local net = ann.Network{}
    local lif = net:create(4, ann.IF_curr_exp)
    lif[{3, 4}].v = -50.0
    assert.same({-65.0, -65.0, -50.0, -50.0}, lif.v:totable())
    local hh = net:create(3, ann.HH_cond_exp)
    hh[{1}].v = -60.0
    net:compile()
    assert.same({-60.0, -65.0, -65.0}, hh.v:totable())
  end)
end)

local support = dofile("tests/support.lua")
local fails_with = support.fails_with

local Rate = ann.Neuron{parameters = "tau = 10.0", equations = "tau * dr/dt = -r", name = "Rate"}

describe("NaN and infinite values written into attributes", function()
  local function net_of()
    local net = ann.Network{}
    local a = net:create(3, Rate)
    local p = net:connect(a, a, "exc"):all_to_all(1.0, {force_multiple_weights = true})
    return net, a, p
  end

  it("are refused before and after compile, for populations, views, projections, dendrites", function()
    local net, a, p = net_of()
    fails_with(function() a.tau = 0 / 0 end, 'population "pop0"', "'tau'", "NaN", "finite")
    fails_with(function() a.r = {1, math.huge, 2} end, "'r'", "inf")
    fails_with(function() a[{2}].r = -math.huge end, "'r'", "-inf")
    fails_with(function() p.w = 0 / 0 end, 'projection "proj0"', "'w'", "NaN")
    net:compile()
    fails_with(function() a.tau = 0 / 0 end, "'tau'", "NaN")
    fails_with(function() a.r = ann.array{1, 0 / 0, 2} end, "'r'", "NaN")
    fails_with(function() p.w = {{1, 1}, {1, 1 / 0}, {1, 1}} end, "'w'", "inf")
    fails_with(function() p:dendrite(1).w = 0 / 0 end, "'w'", "NaN")
    fails_with(function() p:dendrite(1):synapse(2).w = math.huge end, "'w'", "inf")
    -- nothing was written
    assert.same({0, 0, 0}, a.r:totable())
    assert.same({10, 10, 10}, a.tau:totable())
    assert.same({1, 1}, p:dendrite(1).w:totable())
  end)
end)

describe("connectors", function()
  local function proj_of(npre, npost)
    local net = ann.Network{}
    return net:connect(net:create(npre, Rate), net:create(npost or npre, Rate), "exc")
  end

  it("fixed_probability refuses a probability outside [0, 1] or NaN, naming it", function()
    fails_with(function() proj_of(10):fixed_probability(1.5, 1.0) end, 'projection "proj0"',
      "between 0 and 1", "1.5")
    fails_with(function() proj_of(10):fixed_probability(-0.1, 1.0) end, "between 0 and 1", "-0.1")
    fails_with(function() proj_of(10):fixed_probability(0 / 0, 1.0) end, "between 0 and 1")
    proj_of(10):fixed_probability(0, 1.0)
    proj_of(10):fixed_probability(1, 1.0)
  end)

  it("fixed_number_pre and fixed_number_post larger than the population give both numbers", function()
    fails_with(function() proj_of(10, 5):fixed_number_pre(20, 1.0) end, "fixed_number_pre",
      "(20)", "(10)")
    fails_with(function() proj_of(10, 5):fixed_number_post(6, 1.0) end, "fixed_number_post",
      "(6)", "(5)")
  end)
end)

describe("configuration keys", function()
  it("every key of the reference is checked; unknown keys are errors for config and setup", function()
    local net = ann.Network{}
    net:config{paradigm = "openmp", visible_cores = {0, 1}, sparse_matrix_format = "csr",
               sparse_matrix_storage_order = "pre_to_post", only_int_idx_type = true,
               disable_parallel_rng = true, use_seed_seq = true, disable_split_matrix = true,
               disable_shared_library_time_offset = true, verbose = false}
    fails_with(function() net:config{paradigm = "cuda"} end, "'paradigm'", "CUDA")
    fails_with(function() net:config{sparse_matrix_format = "blocked"} end, "sparse_matrix_format",
      "lil, csr")
    fails_with(function() net:config{visible_cores = {-1}} end, "visible_cores")
    fails_with(function() net:config{num_threads = 1.5} end, "num_threads", "an integer from 1 to 1024")
    fails_with(function() net:config{show_time = true} end, "show_time", "refused")
    fails_with(function() net:config{dt = 0.1} end, "'dt'", "ann.Network{dt")
    fails_with(function() net:config{nope = 1} end, "unknown key 'nope'", "paradigm")
    fails_with(function() ann.setup{dt = 0.1, foo = 1} end, "ann.setup", "unknown key 'foo'")
    fails_with(function() ann.setup{disable_SIMD_Eq = true} end, "ann.setup", "only Network:config")
  end)
end)

describe("durations", function()
  it("ann.Network refuses a NaN or infinite dt", function()
    fails_with(function() ann.Network{dt = 0 / 0} end, "dt", "positive, finite", "NaN")
    fails_with(function() ann.Network{dt = math.huge} end, "dt", "inf")
  end)

  it("simulate and simulate_until refuse NaN, infinite and too long durations with a clear message", function()
    local net = ann.Network{}
    net:create(2, Rate)
    net:compile()
    fails_with(function() net:simulate(0 / 0) end, "simulate()", "finite, non-negative", "NaN")
    fails_with(function() net:simulate(math.huge) end, "simulate()", "inf")
    fails_with(function() net:simulate(1e300) end, "simulate()", "more than the step counter holds")
    assert.equal(0, net.current_step)
  end)

  it("a monitor period shorter than dt is an error, in every place a period is given", function()
    local net = ann.Network{dt = 1.0}
    local a = net:create(2, Rate)
    fails_with(function() net:monitor(a, "r", {period = 0.5}) end, "period (0.5 ms)", "dt = 1 ms")
    local m = net:monitor(a, "r", {period = 2.0})
    fails_with(function() m.period = 0 end, "shorter than the step")
    fails_with(function() m:start(nil, 0.25) end, "shorter than the step")
    assert.equal(2.0, m.period)
  end)
end)

describe("model parameters", function()
  it("a NaN or infinite parameter names the model and the parameter", function()
    fails_with(function() return ann.Izhikevich{a = 0 / 0} end, '"Izhikevich"', "parameter a", "NaN")
    fails_with(function() return ann.IF_curr_exp{tau_m = math.huge} end, '"IF_curr_exp"', "tau_m", "inf")
    fails_with(function()
      return ann.Neuron{name = "M", parameters = {tau = 0 / 0}, equations = "tau * dr/dt = -r"}
    end, '"M"', "parameter tau", "NaN")
    fails_with(function()
      return ann.Neuron{name = "M", parameters = {tau = ann.Parameter(-math.huge)}, equations = "tau * dr/dt = -r"}
    end, '"M"', "parameter tau", "-inf")
    local N = ann.Neuron{name = "M", parameters = "tau = 1.0", equations = "tau * dr/dt = -r"}
    fails_with(function() ann.Network{}:create(2, N{tau = 0 / 0}) end, '"M"', "'tau'", "NaN")
  end)
end)

describe("ann.add_function", function()
  it("refuses a second, different definition of a registered name; the same one again is harmless", function()
    ann.add_function("defects_twice(x) = 2 * x")
    ann.add_function("defects_twice(x) = 2 * x")
    fails_with(function() ann.add_function("defects_twice(x) = 3 * x") end, "add_function",
      "'defects_twice'", "already registered", "2 * x")
    assert.equal(4, ann.functions("defects_twice")(2))
  end)
end)

describe("structural plasticity schedules", function()
  it("start_creating{period = ...} and start_pruning{period = ...} take the period by name", function()
    local Input = ann.Neuron{parameters = "baseline = 0.0", equations = "r = baseline"}
    local syn = ann.Synapse{psp = "w * pre.r", creating = ann.Creating("pre.r > 0.5", {proba = 1.0, w = 0.25}),
                            pruning = "w < 0.1"}
    local net = ann.Network{}
    local a = net:create(4, Input)
    local b = net:create(2, Input)
    local p = net:connect(a, b, "exc", {synapse = syn}):one_to_one(1.0)
    net:compile()
    a.baseline = {0, 1, 1, 0}
    p:start_creating{period = 100}
    p:start_pruning{period = 100}
    net:step()
    net:step()
    -- one creation pass at step 0, the next one 100 steps later: neuron 1 got pre 2 and 3
    assert.same({1, 2, 3}, p:dendrite(1).pre_ranks)
    fails_with(function() p:start_creating{period = 0 / 0} end, "start_creating", "positive, finite", "NaN")
    fails_with(function() p:start_pruning{every = 3} end, "unknown option 'every'")
  end)
end)

describe("Network:create with an input population", function()
  it("keeps the name given to the population's constructor", function()
    local net = ann.Network{}
    local p = net:create(ann.PoissonPopulation{geometry = 10, rates = 5, name = "inp"})
    assert.equal("inp", p.name)
    assert.equal(p, net:get_population("inp"))
  end)

  it("refuses other arguments beside the population instead of dropping them", function()
    local net = ann.Network{}
    fails_with(function()
      net:create{population = ann.PoissonPopulation{geometry = 10, rates = 5}, name = "inp"}
    end, "'name' cannot be given with 'population'", "constructor")
    fails_with(function() net:create(ann.PoissonPopulation{geometry = 10, rates = 5}, "inp") end,
      "passed alone")
    assert.equal(0, #net:get_populations())
  end)
end)

describe("synapses created after compile", function()
  local Input = ann.Neuron{parameters = "baseline = 0.0", equations = "r = baseline"}
  local Syn = ann.Synapse{parameters = "alpha = 0.0\n beta = 2.0", psp = "w * pre.r",
                          creating = ann.Creating("pre.r > 0.5", {proba = 1.0, w = 0.25})}

  it("take the projection's initial values set before compile (a distribution is sampled once)", function()
    local net = ann.Network{seed = 1}
    net:config{structural_plasticity = true}
    local a = net:create(4, Input)
    local b = net:create(2, Input)
    local p = net:connect(a, b, "exc", {synapse = Syn}):one_to_one(1.0)
    p.alpha = ann.Uniform(0.1, 1.0)
    p.beta = 3.0
    net:compile()
    -- from the host
    p:dendrite(2):create_synapses({4})
    local alpha = p:dendrite(2):synapse(4).alpha
    assert.is_true(alpha >= 0.1 and alpha <= 1.0)
    assert.equal(3.0, p:dendrite(2):synapse(4).beta)
    -- by the model's creating rule
    a.baseline = {0, 0, 1, 0}
    p:start_creating()
    net:step()
    assert.same({1, 3}, p:dendrite(1).pre_ranks)
    assert.equal(alpha, p:dendrite(1):synapse(3).alpha)
    assert.equal(3.0, p:dendrite(1):synapse(3).beta)
  end)
end)

describe("a spike condition that is a number", function()
  it("is true when non-zero, as in the reference", function()
    -- v counts the steps (dv/dt = 1, dt = 1); spike = "v - 1" fires whenever v differs from 1
    local N = ann.Neuron{equations = "dv/dt = 1.0", spike = "v - 1.0", reset = "v = 0.0"}
    local net = ann.Network{dt = 1.0}
    local pop = net:create(1, N)
    local m = net:monitor(pop, "spike")
    net:compile()
    net:simulate(4)
    -- step 0: v = 1 -> condition 0 -> no spike; step 1: v = 2 -> spike, reset to 0;
    -- step 2: v = 1 -> no spike; step 3: v = 2 -> spike
    assert.same({1, 3}, m:get("spike")[1])
  end)
end)

describe("seeding after compile", function()
  local Noisy = ann.Neuron{equations = "r = Uniform(0.0, 1.0)"}
  local function run(seed, reseed)
    local net = ann.Network{seed = seed}
    local pop = net:create(5, Noisy)
    net:compile()
    if reseed then net:config{seed = reseed} end
    net:simulate(3)
    return pop.r:totable()
  end

  it("net:config{seed} (and so ann.set_seed) re-seeds the draws of the coming steps", function()
    local direct = run(7)
    assert.same(direct, run(3, 7))
    assert.are_not.same(direct, run(3))
  end)
end)

describe("spike statistics after get(\"spike\", {keep = true})", function()
  it("mean_fr and population_rate use the segment recorded so far", function()
    local net = ann.Network{dt = 1.0}
    local src = net:create(ann.SpikeSourceArray{spike_times = {{10, 20}, {30}}})
    local m = net:monitor(src, "spike")
    net:compile()
    net:simulate(100)
    local s = m:get("spike", {keep = true})
    -- 3 spikes of 2 neurons in 100 ms: 3 / (2 * 0.1 s) = 15 Hz
    assert.equal(15.0, m:mean_fr(s))
    local rate = m:population_rate(s)
    -- one bin per step of the segment 0..100 (stop - start + 1 = 101), each spike worth
    -- 1 / (dt * N / 1000) = 500 Hz
    assert.equal(101, rate.size)
    assert.equal(1500.0, rate:sum())
    -- the data is still there
    assert.equal(15.0, m:mean_fr(m:get("spike")))
  end)
end)

describe("connectivity of a compiled network", function()
  it("reloads with from_file after reset{synapses = true}", function()
    local net = ann.Network{seed = 5}
    local a, b = net:create(6, Rate), net:create(6, Rate)
    local p = net:connect(a, b, "exc"):fixed_probability(0.5, ann.Uniform(0.0, 1.0))
    net:compile()
    local file = os.tmpname()
    p:save_connectivity(file)
    local pre, w = p.pre_ranks, {}
    for i, d in ipairs(p.w) do w[i] = d:totable() end
    net:reset{synapses = true}
    p:from_file(file)
    os.remove(file)
    assert.same(pre, p.pre_ranks)
    for i, d in ipairs(p.w) do assert.same(w[i], d:totable()) end
    net:simulate(2)
  end)

  it("refuses a new connectivity that needs another storage than the compiled one", function()
    local net = ann.Network{}
    local a, b = net:create(3, Rate), net:create(3, Rate)
    local p = net:connect(a, b, "exc"):all_to_all(1.0)
    net:compile()
    fails_with(function() p:fixed_probability(0.5, ann.Uniform(0.0, 1.0)) end,
      'projection "proj0"', "one weight shared by every synapse", "before compile")
    assert.equal(9, p.nb_synapses)
  end)
end)

describe("net:reset{reseed_rng}", function()
  it("repeats the draws of the equations by default and continues them with reseed_rng = false", function()
    local net = ann.Network{seed = 9}
    local pop = net:create(4, ann.Neuron{equations = "r = Uniform(0.0, 1.0)"})
    net:compile()
    net:simulate(2)
    local first = pop.r:totable()
    net:reset()
    net:simulate(2)
    assert.same(first, pop.r:totable())
    net:reset{reseed_rng = true}
    net:simulate(2)
    assert.same(first, pop.r:totable())
    net:reset{reseed_rng = false}
    net:simulate(2)
    local other = pop.r:totable()
    assert.are_not.same(first, other)
    net:reset{reseed_rng = false}
    net:simulate(2)
    assert.are_not.same(other, pop.r:totable())
    assert.equal(9, net.seed)
  end)
end)

describe("a delay too long for the memory", function()
  it("is refused at compile, before anything is allocated, with the sizes", function()
    local net = ann.Network{dt = 1.0}
    local a, b = net:create(1000, Rate), net:create(10, Rate)
    -- 1e13 steps of 8 bytes for 1000 neurons: 8e16 bytes, more than any machine has
    net:connect(a, b, "exc"):all_to_all(1.0, {delays = 1e13})
    fails_with(function() net:compile() end, 'projection "proj0"', "a delay of 1e+13 ms",
      'population "pop0" (1000 neurons)', "more than the", "of memory available")
  end)
end)

describe("a model equation of thousands of terms", function()
  it("is compiled with tcc (with a note) instead of spending minutes in cc", function()
    local terms = {}
    for i = 1, 2000 do terms[i] = ("%d.0 * sin(%d.0 * t)"):format(i, i) end
    local net = ann.Network{dt = 1.0}
    local pop = net:create(1, ann.Neuron{equations = "r = " .. table.concat(terms, " + ")})
    local said, ok, err = support.stderr_of(net.compile, net)
    assert(ok, err)
    assert.truthy(said:find("compiled with tcc", 1, true))
    net:simulate(3)
    -- the last step is at t = 2 ms: r = sum of i sin(2 i)
    local want = 0
    for i = 1, 2000 do want = want + i * math.sin(2.0 * i) end
    assert.is_true(math.abs(pop.r[1] - want) <= 1e-9 * math.abs(want) + 1e-9)
  end)
end)
