-- What the generated kernels do for speed (docs/benchmarks.md), and that it changes no more
-- than it should: divisions by loop-invariant values become multiplications by reciprocals
-- computed once per call, in the generated C (so cc and tcc still compute the same).
local ann = require("annarchy")

local function count(s, pat)
  return select(2, s:gsub(pat, ""))
end

-- the text of one generated function
local function fn(source, name)
  local a = source:find(name .. "(", 1, true)
  assert.is_not_nil(a, name)
  local b = source:find("\n}\n", a, true)
  return source:sub(a, b)
end

local LIF = ann.Neuron{
  parameters = [[
    El = -60.0 : population
    tau = 20.0 : population
    tau_e = 5.0 : population
    half = 2.0
    Vt = -50.0 : population
    I = 20.0
  ]],
  equations = [[
    tau * dv/dt = (El - v) + g_exc + I / half + v / k_div : init = -60.0
    tau_e * dg_exc/dt = - g_exc
    y = v / (tau * 3.0) + g_exc / dt + v / v
  ]],
  spike = "v > Vt",
  reset = "v = El",
  refractory = 2.0,
}

local function lif_net(compiler, dtype)
  local net = ann.Network{dt = 0.1, seed = 7}
  if dtype then net:config{dtype = dtype} end
  net:constant("k_div", 7.0)
  local pop = net:create(50, LIF)
  pop.v = ann.Uniform(-60.0, -50.0)
  pop.I = ann.Uniform(10.0, 30.0)
  pop.half = ann.Uniform(1.0, 3.0)
  local proj = net:connect(pop, pop, "exc"):fixed_probability(0.2, 1.0)
  local m = net:monitor(pop, {"v", "y", "spike"})
  net:compile{silent = true, compiler = compiler}
  return net, pop, proj, m
end

describe("divisions by loop-invariant values", function()
  it("become multiplications by reciprocals computed before the loop", function()
    local net = lif_net()
    local upd = fn(net._.source, "annk_pop0_update")
    local loop = upd:sub(upd:find("for (int32_t i = _ib", 1, true), -1)
    -- tau, tau_e, k_div, tau * 3.0 and dt: five reciprocals, computed once
    assert.equal(5, count(upd, "const double _e_rcp%d+ = "))
    assert.equal(0, count(loop, "const double _e_rcp"))
    -- per-neuron divisors keep their division: I / half, v / v
    assert.equal(2, count(loop, " / "))
    assert.is_truthy(loop:find("* _e_rcp", 1, true))
  end)

  it("give the same values as divisions to a few ulps", function()
    local net = ann.Network{dt = 0.1}
    local pop = net:create(3, ann.Neuron{
      parameters = "tau = 3.0 : population\n x = 0.0",
      equations = "r = x / tau + x / 7.0 + x / dt",
    })
    pop.x = {1.0, -2.5, 1e-3}
    net:compile{silent = true}
    net:step()
    for i, x in ipairs({1.0, -2.5, 1e-3}) do
      local want = x / 3.0 + x / 7.0 + x / 0.1
      assert.is_true(math.abs(pop.r[i] - want) <= 4 * 2.2e-16 * math.abs(want),
        ("%.17g vs %.17g"):format(pop.r[i], want))
    end
  end)

  it("cc and tcc compute the same, in float64 and in float32", function()
    for _, dtype in ipairs({"float64", "float32"}) do
      local results = {}
      for _, compiler in ipairs({"cc", "tcc"}) do
        local net, _, _, m = lif_net(compiler, dtype)
        net:simulate(50)
        local nspikes = 0
        for _, steps in pairs(m:get("spike")) do nspikes = nspikes + #steps end
        assert.is_true(nspikes > 10)
        results[compiler] = {v = m:get("v"):totable(), y = m:get("y"):totable(),
                             spike = m:get("spike")}
      end
      assert.same(results.cc, results.tcc)
    end
  end)

  it("event-driven decay in synapses uses the reciprocal of tau", function()
    local net = ann.Network{dt = 0.1}
    net:constant("k_div", 7.0)
    local inp = net:create(ann.PoissonPopulation(20, {rates = 50.0}))
    local post = net:create(1, LIF)
    net:connect(inp, post, "exc", {synapse = ann.STDP{w_max = 0.5}}):all_to_all(0.1)
    net:compile{silent = true}
    local spike = fn(net._.source, "annk_proj0_spike")
    assert.is_truthy(spike:find("exp(c->dt * _e_steps * _e_rcp", 1, true))
    local post_k = fn(net._.source, "annk_proj0_post")
    assert.is_truthy(post_k:find("exp(c->dt * _e_steps * _e_rcp", 1, true))
  end)
end)

describe("random draws in the loop over neurons", function()
  local Noisy = ann.Neuron{
    parameters = "mu = 0.5 : population\n sigma = 2.0 : population",
    equations = [[
      r = 0.0
      a = Normal(mu, sigma)
      b = Uniform(-1.0, 2.0)
      c = LogNormal(0.0, 0.5)
      e = Exponential(3.0)
      f = DiscreteUniform(1, 6)
      g = Gamma(2.0, 1.0)
    ]],
  }

  local function run(compiler, steps)
    local net = ann.Network{seed = 11}
    local pop = net:create(1000, Noisy)
    pop.mu = 0.25
    local m = net:monitor(pop, {"a", "b", "c", "e", "f", "g"})
    net:compile{silent = true, compiler = compiler}
    net:simulate(steps)
    local out = {}
    for _, v in ipairs({"a", "b", "c", "e", "f", "g"}) do out[v] = m:get(v):totable() end
    return net, pop, out
  end

  it("come from buffers filled a chunk at a time (Gamma, not buffered, draws per neuron)", function()
    local net = run(nil, 1)
    local upd = fn(net._.source, "annk_pop0_update")
    assert.equal(3, count(upd, "annk_fill_u01%("))
    assert.equal(2, count(upd, "annk_fill_std_normal%("))
    assert.equal(1, count(upd, "annk_gamma%("))
  end)

  it("are the keyed draws of (seed, stream, element, step, k) #annlua", function()
    local core = require("annarchy.core")   -- the kernels' generator, bound by the C module only
    local _, _, out = run(nil, 3)
    for _, i in ipairs({1, 2, 8, 9, 255, 256, 257, 600, 999, 1000}) do
      for step = 0, 2 do
        local row = out.a[step + 1]
        assert.equal(core.rng_draw("Normal", 0.25, 2.0, 11, 1, i - 1, step, 1), row[i])
        assert.equal(core.rng_draw("Uniform", -1.0, 2.0, 11, 1, i - 1, step, 2), out.b[step + 1][i])
        assert.equal(core.rng_draw("LogNormal", 0.0, 0.5, 11, 1, i - 1, step, 3), out.c[step + 1][i])
        assert.equal(core.rng_draw("Exponential", 3.0, nil, 11, 1, i - 1, step, 4), out.e[step + 1][i])
        assert.equal(core.rng_draw("DiscreteUniform", 1, 6, 11, 1, i - 1, step, 5), out.f[step + 1][i])
        assert.equal(core.rng_draw("Gamma", 2.0, 1.0, 11, 1, i - 1, step, 6), out.g[step + 1][i])
      end
    end
  end)

  it("are the same with cc (vector code) and tcc", function()
    local _, _, a = run("cc", 5)
    local _, _, b = run("tcc", 5)
    assert.same(a, b)
  end)
end)

describe("rate-coded weighted sums", function()
  -- the kernel's order: synapse k (0-based, ascending pre rank) of a dendrite adds to
  -- accumulator k mod 8, and the sum is ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
  local function eight(ws, rs, ranks)
    local s = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}
    for k = 1, #ranks do
      local lane = (k - 1) % 8 + 1
      s[lane] = s[lane] + ws[k] * rs[ranks[k]]
    end
    return ((s[1] + s[2]) + (s[3] + s[4])) + ((s[5] + s[6]) + (s[7] + s[8]))
  end

  local Sum = ann.Neuron{parameters = "x = 0.0", equations = "r = sum(exc)\n y = sum(inh)"}
  local Mean = ann.Synapse{psp = "w * pre.r", operation = "mean"}

  local function build(compiler)
    local net = ann.Network{seed = 3}
    local pre = net:create(300, ann.Neuron{parameters = "r = 0.0"})
    local post = net:create(40, Sum)
    local projs = {
      net:connect(pre, post, "exc"):all_to_all(ann.Uniform(-1.0, 1.0)),
      net:connect(pre, post, "exc"):fixed_probability(0.1, ann.Uniform(-1.0, 1.0)),
      net:connect(pre, post, "inh", {synapse = Mean}):fixed_number_pre(37, ann.Uniform(0.0, 1.0)),
    }
    -- onto itself without self-connections: each row is two runs of consecutive ranks
    local loop = net:create(50, Sum)
    projs[4] = net:connect(loop, loop, "exc"):all_to_all(ann.Uniform(-1.0, 1.0))
    pre.r = ann.Normal(0.0, 1.0)
    loop.r = ann.Normal(0.0, 1.0)
    net:compile{silent = true, compiler = compiler}
    return net, pre, post, projs, loop
  end

  it("sum in the documented order on every path (consecutive ranks, gathered, mixed)", function()
    local net, pre, post, projs, loop = build()
    local rs, ls = pre.r:totable(), loop.r:totable()
    net:step()
    local src = fn(net._.source, "annk_proj0_psp")
    assert.is_truthy(src:find("_pr[_e + 7] - _j == 7", 1, true))
    for _, i in ipairs({1, 2, 17, 40}) do
      local want = 0.0
      for p = 1, 2 do
        local d = projs[p]:dendrite(i)
        want = want + eight(d.w:totable(), rs, d.pre_ranks)
      end
      assert.equal(want, post.r[i])
      local d = projs[3]:dendrite(i)
      assert.equal(eight(d.w:totable(), rs, d.pre_ranks) / #d.pre_ranks, post.y[i])
      d = projs[4]:dendrite(i)
      assert.equal(49, #d.pre_ranks)
      assert.equal(eight(d.w:totable(), ls, d.pre_ranks), loop.r[i])
    end
  end)

  it("are the same with cc (vectorised) and tcc", function()
    local results = {}
    for _, compiler in ipairs({"cc", "tcc"}) do
      local net, _, post, _, loop = build(compiler)
      net:step()
      results[compiler] = {post.r:totable(), post.y:totable(), loop.r:totable()}
    end
    assert.same(results.cc, results.tcc)
  end)
end)

describe("the spike kernel", function()
  it("tests blocks of 64 neurons, then resets the firing ones: every condition sees no reset", function()
    local N = ann.Neuron{
      equations = "v = 1.0\n count = 0.0 : population",
      spike = "v > 0.5 + count",
      reset = "count += 1.0",
      refractory = 0.5,
    }
    local net = ann.Network{dt = 0.25}
    local pop = net:create(200, N)
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    local spike = fn(net._.source, "annk_pop0_spike")
    assert.is_truthy(spike:find("_i0 += 64", 1, true))
    net:simulate(1.0)
    -- all fire at steps 0 and 3 (refractory for two steps after each spike), in rank order
    local spikes = m:get("spike")
    for i = 1, 200 do assert.same({0, 3}, spikes[i]) end
    assert.equal(200, pop.count)
  end)
end)

describe("a binomial draw (n and p global: the same for every neuron) #annlua", function()
  -- annk_binomial_table_setup (the probabilities of the inversion, or the rejection constants)
  -- runs once before the loop, annk_fill_binomial per chunk of neurons (300 neurons: whole
  -- groups of four blocks and a scalar tail): the kernel's draws must be those of
  -- annk_binomial(n, p, seed, stream, elem, step, k), bit for bit, in each regime of the
  -- generator (inversion, rejection, p > 1/2, no draw at all).
  local core = require("annarchy.core")
  local function run(n, p, compiler)
    local N = ann.Neuron{
      parameters = ("n = %d : population, int\n q = %.17g : population"):format(n, p),
      equations = "r = Binomial(n, q)",
    }
    local net = ann.Network{seed = 7}
    local pop = net:create(300, N)
    local m = net:monitor(pop, "r")
    net:compile{silent = true, compiler = compiler}
    net:simulate(5)
    return m:get("r"):totable(), fn(net._.source, "annk_pop0_update")
  end

  for _, case in ipairs{{40, 0.03}, {1000, 0.3}, {50, 0.8}, {0, 0.5}, {10, 1.0}, {10, 0.0}} do
    it(("Binomial(%d, %g): the keyed draws, the setup once per step"):format(case[1], case[2]), function()
      local r, upd = run(case[1], case[2])
      assert.equal(1, count(upd, "annk_binomial_table_setup%("))
      assert.is_falsy(upd:find("annk_binomial(", 1, true))
      local same, sum = true, 0
      for step = 0, 4 do
        for i = 1, 300 do
          local x = r[step + 1][i]
          same = same and x == core.rng_draw("Binomial", case[1], case[2], 7, 1, i - 1, step, 1)
          sum = sum + x
        end
      end
      assert.is_true(same)
      -- the mean of the 1500 draws within 6 standard errors of n p
      local mean, se = case[1] * case[2], math.sqrt(case[1] * case[2] * (1 - case[2]) / 1500)
      assert.is_true(math.abs(sum / 1500 - mean) <= 6 * se, ("mean %g, expected %g"):format(sum / 1500, mean))
    end)
  end

  it("draws the same with tcc (inversion and rejection)", function()
    assert.same(run(2900, 0.0008, "cc"), run(2900, 0.0008, "tcc"))
    assert.same(run(1000, 0.3, "cc"), run(1000, 0.3, "tcc"))
  end)
end)
