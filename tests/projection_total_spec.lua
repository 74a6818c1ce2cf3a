-- fixed_total_number (an annlua extension: PyNN's FixedTotalNumberConnector, NEST's
-- fixed_total_number): the exact total, multapses stored as separate synapses that transmit,
-- delay and learn each on its own, the self-connection rule, determinism, errors at the call.
-- The distribution of the draws is tested in tests/c/connect_total_test.c.
local ann = require("annarchy")

local Pre = ann.Neuron{spike = "t == 1", name = "TotalPre"}
local Post = ann.Neuron{equations = "g_exc = 0", spike = "false", name = "TotalPost"}

local function g_rows(m)
  local g, out = m:get("g_exc"), {}
  for k = 1, g.shape[1] do out[k] = g[k]:totable()[1] end
  return out
end

describe("fixed_total_number", function()
  it("draws exactly the requested number, with repeated pairs", function()
    local net = ann.Network{seed = 3}
    local a = net:create(10, Pre)
    local b = net:create(5, Post)
    local p = net:connect(a, b, "exc"):fixed_total_number(400, 1.0)
    net:compile{silent = true}
    assert.equal(400, p.nb_synapses)
    local total, repeated = 0, 0
    for d in p:dendrites() do
      local r = d.pre_ranks
      total = total + #r
      for k = 2, #r do
        assert.is_true(r[k] >= r[k - 1])
        if r[k] == r[k - 1] then repeated = repeated + 1 end
      end
    end
    -- 400 synapses over 50 pairs: every pair holds 8 on average
    assert.equal(400, total)
    assert.is_true(repeated > 300)
  end)

  it("transmits every synapse of a pair", function()
    local net = ann.Network{seed = 1}
    local a = net:create(1, Pre)
    local b = net:create(1, Post)
    net:connect(a, b, "exc"):fixed_total_number(3, 0.5)
    local m = net:monitor(b, "g_exc")
    net:compile{silent = true}
    net:simulate(4)
    assert.same({0, 0, 1.5, 0}, g_rows(m))
  end)

  it("delays each synapse of a pair by its own delay", function()
    local net = ann.Network{seed = 5}
    local a = net:create(1, Pre)
    local b = net:create(1, Post)
    local p = net:connect(a, b, "exc"):fixed_total_number(6, 1.0, {delays = ann.DiscreteUniform(1, 3)})
    local m = net:monitor(b, "g_exc")
    net:compile{silent = true}
    net:simulate(6)
    -- the spike at t = 1 arrives at 1 + delay (the synapses of a delay of 1 ms at step 2)
    local want = {0, 0, 0, 0, 0, 0}
    for _, d in ipairs(p:dendrite(1).delay) do want[2 + d] = want[2 + d] + 1 end
    assert.same(want, g_rows(m))
  end)

  it("updates each synapse of a pair in plasticity", function()
    local Grow = ann.Synapse{parameters = "step = 0.0 : projection", equations = "",
      pre_spike = "g_target += w\nw += step", name = "TotalGrow"}
    local net = ann.Network{seed = 2}
    local a = net:create(1, Pre)
    local b = net:create(1, Post)
    local p = net:connect(a, b, "exc", Grow):fixed_total_number(4, ann.Uniform(0, 1))
    net:compile{silent = true}
    p.step = 1.0
    local before = p:dendrite(1).w
    net:simulate(3)
    local after = p:dendrite(1).w
    assert.equal(4, #after)
    for k = 1, 4 do assert.is_true(math.abs(after[k] - before[k] - 1) < 1e-12) end
  end)

  it("keeps the self-connection rule and is reproducible", function()
    local function build(seed)
      local net = ann.Network{seed = seed}
      local a = net:create(6, Post)
      local p = net:connect(a, a, "exc"):fixed_total_number(300, 1.0)
      net:compile{silent = true}
      return p
    end
    local p = build(4)
    for d in p:dendrites() do
      for _, r in ipairs(d.pre_ranks) do assert.are_not.equal(d.post_rank, r) end
    end
    assert.same(p.pre_ranks, build(4).pre_ranks)
    assert.are_not.same(p.pre_ranks, build(5).pre_ranks)
  end)

  it("draws distinct pairs without multapses", function()
    local net = ann.Network{seed = 3}
    local a = net:create(4, Pre)
    local b = net:create(3, Post)
    local p = net:connect(a, b, "exc"):fixed_total_number(12, 1.0, {allow_multapses = false})
    net:compile{silent = true}
    assert.same({{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}}, p.pre_ranks)
  end)

  it("refuses bad numbers at the call", function()
    local net = ann.Network{}
    local a = net:create(4, Pre)
    local b = net:create(3, Post)
    local function err(f, pattern)
      local ok, msg = pcall(f)
      assert.is_false(ok)
      assert.truthy(tostring(msg):find(pattern, 1, true), tostring(msg))
    end
    err(function() net:connect(a, b, "exc"):fixed_total_number(-1, 1.0) end,
      "fixed_total_number: the number of synapses must be a non-negative integer")
    err(function() net:connect(a, b, "exc"):fixed_total_number(2.5, 1.0) end,
      "non-negative integer")
    err(function() net:connect(a, b, "exc"):fixed_total_number(13, 1.0, {allow_multapses = false}) end,
      "13 synapses requested without multapses, but there are only 12 candidate pairs")
    err(function() net:connect(a, a, "exc"):fixed_total_number(13, 1.0, {allow_multapses = false}) end,
      "only 12 candidate pairs")
    err(function() net:connect(a, b, "exc"):fixed_total_number(5) end, "needs weights")
    local one = net:create(1, Post)
    err(function() net:connect(one, one, "exc"):fixed_total_number(1, 1.0) end, "no candidate pair")
  end)
end)

describe("fixed_total_number in other projections", function()
  it("sums every synapse of a pair in a rate-coded projection", function()
    local net = ann.Network{seed = 1}
    local a = net:create(1, ann.Neuron{equations = "r = 1.0"})
    local b = net:create(1, ann.Neuron{equations = "r = sum(exc)"})
    net:connect(a, b, "exc"):fixed_total_number(5, 0.5)
    net:compile{silent = true}
    net:simulate(3)
    assert.equal(2.5, b.r[1])
  end)

  it("applies post_spike to every synapse of a pair", function()
    local Post1 = ann.Neuron{equations = "g_exc = 0", spike = "t == 2", name = "TotalPost1"}
    local Learn = ann.Synapse{post_spike = "w += 1.0", name = "TotalLearn"}
    local net = ann.Network{seed = 2}
    local a = net:create(1, Pre)
    local b = net:create(1, Post1)
    local p = net:connect(a, b, "exc", Learn):fixed_total_number(3, ann.Uniform(0, 1))
    net:compile{silent = true}
    local before = p:dendrite(1).w
    net:simulate(4)
    local after = p:dendrite(1).w
    for k = 1, 3 do assert.is_true(math.abs(after[k] - before[k] - 1) < 1e-12) end
  end)
end)
