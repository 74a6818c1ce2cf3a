-- Spiking projections: conductance increments with and without delays, pre/post spike rules,
-- event-driven traces (STDP against the closed form), unless_post, continuous psp, several
-- targets (reference §5.7, §6.3, §6.6, §16.2 E15-E16; QUIRKS 3, 4, 5).
local ann = require("annarchy")

local function close(expected, got, tol)
  tol = tol or 1e-9
  local t = ann.is_array(got) and got:flatten():totable() or got
  assert.equal(#expected, #t)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - t[i]) <= tol,
      ("element %d: expected %s, got %s"):format(i, tostring(expected[i]), tostring(t[i])))
  end
end

local function rows(a)
  local out = {}
  for k = 1, a.shape[1] do out[k] = a[k]:totable() end
  return out
end

describe("E15 spike transmission", function()
  local Pre = ann.Neuron{spike = "t == 1", name = "Pre"}
  local Post = ann.Neuron{parameters = "v = 0.0", equations = "g_exc = 0", spike = "v > 100", name = "Post"}

  local function build(delays)
    local net = ann.Network{seed = 2}
    local a = net:create(5, Pre)
    local b = net:create(2, Post)
    local p = net:connect(a, b, "exc"):all_to_all(1.0, {delays = delays})
    local m = net:monitor(b, "g_exc")
    net:compile()
    return net, p, m
  end

  it("no delay: delivered at the next step", function()
    local net, _, m = build()
    net:simulate(5)
    assert.same({{0, 0}, {0, 0}, {5, 5}, {0, 0}, {0, 0}}, rows(m:get("g_exc")))
  end)

  it("uniform delay of 3 ms", function()
    local net, p, m = build(3.0)
    assert.equal(3.0, p.delay)
    net:simulate(6)
    assert.same({{0, 0}, {0, 0}, {0, 0}, {0, 0}, {5, 5}, {0, 0}}, rows(m:get("g_exc")))
  end)

  it("per-synapse delays", function()
    local net, p, m = build(ann.DiscreteUniform(1, 3))
    p.delay = {{1, 2, 3, 2, 1}, {3, 2, 1, 2, 3}}
    net:simulate(5)
    assert.same({{0, 0}, {0, 0}, {2, 1}, {2, 2}, {1, 2}}, rows(m:get("g_exc")))
  end)

  it("per-synapse delays growing after compile", function()
    local net, p, m = build(ann.DiscreteUniform(1, 3))
    p.delay = {{6, 6, 6, 6, 6}, {1, 1, 1, 1, 7}}
    net:simulate(9)
    local g = rows(m:get("g_exc"))
    assert.same({0, 4}, g[3])
    assert.same({5, 0}, g[8])
    assert.same({0, 1}, g[9])
  end)

  it("transmission = false stops the increments", function()
    local net, p, m = build()
    p.transmission = false
    net:simulate(5)
    assert.same({{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}, rows(m:get("g_exc")))
  end)

  it("several targets get the same increment", function()
    local Post2 = ann.Neuron{parameters = "v = 0.0", equations = "g_exc = 0\n g_nmda = 0", spike = "v > 100"}
    local net = ann.Network{}
    local a = net:create(5, Pre)
    local b = net:create(2, Post2)
    net:connect(a, b, {"exc", "nmda"}):all_to_all(0.5)
    local m = net:monitor(b, {"g_exc", "g_nmda"})
    net:compile()
    net:simulate(3)
    assert.same({2.5, 2.5}, rows(m:get("g_exc"))[3])
    assert.same({2.5, 2.5}, rows(m:get("g_nmda"))[3])
  end)
end)

describe("E16 pre_spike and post_spike rules", function()
  local Always = ann.Neuron{parameters = "v = 1.0", equations = "g_exc = 0", spike = "v > 0", name = "Always"}

  it("pre_spike: w -= 1 with min = 0 (the default g_target += w still applies)", function()
    local syn = ann.Synapse{pre_spike = "w -= 1.0 : min = 0.0"}
    local net = ann.Network{}
    local pop = net:create(3, Always)
    local p = net:connect(pop, pop, "exc", {synapse = syn}):all_to_all(5.0)
    local m = net:monitor(pop, "g_exc")
    net:compile()
    close({5, 5}, p:dendrite(1).w)
    net:simulate(5)
    close({1, 1}, p:dendrite(1).w)
    net:simulate(5)
    close({0, 0}, p:dendrite(1).w)
    -- g_target += w runs before w -= 1 (QUIRKS 4): at step 1 each neuron got 2 x 5
    close({10, 10, 10}, m:get("g_exc")[2])
  end)

  it("post_spike: w += 1 * constant with max = 10", function()
    local net = ann.Network{}
    net:constant("constant", 1.0)
    local syn = ann.Synapse{pre_spike = "g_target += w", post_spike = "w += 1.0 * constant : max = 10.0"}
    local pop = net:create(3, Always)
    local p = net:connect(pop, pop, "exc", {synapse = syn}):all_to_all(5.0)
    net:compile()
    net:simulate(5)
    close({10, 10}, p:dendrite(1).w)
    net:simulate(5)
    close({10, 10}, p:dendrite(1).w)
  end)

  it("plasticity = false keeps w", function()
    local syn = ann.Synapse{pre_spike = "w -= 1.0 : min = 0.0"}
    local net = ann.Network{}
    local pop = net:create(3, Always)
    local p = net:connect(pop, pop, "exc", {synapse = syn}):all_to_all(5.0)
    net:compile()
    p:disable_learning()
    net:simulate(5)
    close({5, 5}, p:dendrite(1).w)
  end)
end)

describe("STDP (event-driven traces) against the closed form", function()
  local STDP = ann.Synapse{
    parameters = "tau_plus = 20.0 : projection\n tau_minus = 20.0 : projection\n" ..
      "A_plus = 0.01 : projection\n A_minus = 0.01 : projection\n w_min = 0.0 : projection\n" ..
      "w_max = 1.0 : projection",
    equations = "tau_plus * dx/dt = -x : event-driven\n tau_minus * dy/dt = -y : event-driven",
    pre_spike = "g_target += w\n x += A_plus * w_max\n w = clip(w + y, w_min, w_max)",
    post_spike = "y -= A_minus * w_max\n w = clip(w + x, w_min, w_max)",
    name = "STDP",
  }
  local function pair(t_pre, t_post)
    local net = ann.Network{}
    local a = net:create(1, ann.Neuron{spike = ("t == %d"):format(t_pre)})
    local b = net:create(1, ann.Neuron{spike = ("t == %d"):format(t_post)})
    local p = net:connect(a, b, "exc", {synapse = STDP}):all_to_all(0.5)
    net:compile()
    net:simulate(40)
    return p.w[1][1]
  end

  it("pre before post: potentiation A+ exp(-dt/tau+)", function()
    assert.is_true(math.abs(pair(10, 25) - (0.5 + 0.01 * math.exp(-15 / 20))) < 1e-12)
  end)

  it("post before pre: depression A- exp(-dt/tau-)", function()
    assert.is_true(math.abs(pair(25, 10) - (0.5 - 0.01 * math.exp(-15 / 20))) < 1e-12)
  end)
end)

describe("unless_post and continuous transmission", function()
  it("unless_post skips the statement when pre and post fired in the same step", function()
    local syn = ann.Synapse{pre_spike = "g_target += w\n w += 1.0 : unless_post"}
    local function run(t_post)
      local net = ann.Network{}
      local a = net:create(1, ann.Neuron{spike = "t == 5"})
      local b = net:create(1, ann.Neuron{spike = ("t == %d"):format(t_post)})
      local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(0.0)
      net:compile()
      net:simulate(10)
      return p.w[1][1]
    end
    assert.equal(0.0, run(5))
    assert.equal(1.0, run(7))
  end)

  it("a spiking synapse with psp transmits continuously (gap junction)", function()
    local Cell = ann.Neuron{parameters = "v = 0.0", equations = "g_gap = 0", spike = "v > 1000"}
    local gap = ann.Synapse{psp = "w * (pre.v - post.v)"}
    local net = ann.Network{}
    local a = net:create(2, Cell)
    local b = net:create(1, Cell)
    net:connect(a, b, "gap", {synapse = gap}):all_to_all(0.5)
    local m = net:monitor(b, "g_gap")
    net:compile()
    a.v = {2.0, 4.0}
    net:simulate(3)
    close({3, 3, 3}, m:get("g_gap"))
  end)

  it("continuous synaptic equations in a spiking projection", function()
    local Cell = ann.Neuron{parameters = "v = 0.0", spike = "v > 1000"}
    local syn = ann.Synapse{equations = "dz/dt = 1.0 : projection\n dq/dt = 2.0", pre_spike = "g_target += w"}
    local net = ann.Network{}
    local a = net:create(2, Cell)
    local b = net:create(2, Cell)
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(1.0)
    net:compile()
    net:simulate(4)
    assert.equal(4.0, p.z)
    close({8, 8}, p.q[2])
    p.update = false
    net:simulate(4)
    assert.equal(4.0, p.z)
  end)
end)
