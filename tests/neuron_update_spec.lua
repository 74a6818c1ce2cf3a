-- Neuron updates end to end: built-in functions, conditionals, local/global updates, bounds,
-- global operations and their lag, numerical methods, spikes, resets and refractoriness.
-- Expected values are the reference's (spec/reference-core.md §16.2, §16.4).
local ann = require("annarchy")

local function compiled(size, neuron, opts)
  local net = ann.Network{dt = 1.0, seed = 1}
  local pop = net:create(size, neuron)
  local m = opts and opts.record and net:monitor(pop, opts.record)
  net:compile{silent = true}
  return net, pop, m
end

local function column(arr, j)
  local out = {}
  for k = 1, arr.shape[1] do out[k] = arr[k][j or 1] end
  return out
end

describe("built-in functions (E1)", function()
  it("modulo(t, 3) gives 0 1 2 0 1 2 ...", function()
    local N = ann.Neuron{equations = "r = modulo(t, 3)"}
    local net, _, m = compiled(1, N, {record = "r"})
    net:simulate(10)
    assert.same({0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, column(m:get("r")))
  end)

  it("power and clip", function()
    local N = ann.Neuron{
      parameters = "base = 2.0",
      equations = [[
        r = 0
        pr = power(base, 3)
        clip_below = clip(-2, -1, 1)
        clip_within = clip(0, -1, 1)
        clip_above = clip(2, -1, 1)
      ]],
    }
    local net, pop = compiled(1, N)
    net:simulate(1)
    assert.equal(8, pop.pr[1])
    assert.equal(-1, pop.clip_below[1])
    assert.equal(0, pop.clip_within[1])
    assert.equal(1, pop.clip_above[1])
  end)

  it("power(x, 0) is 1 and neg keeps the sign", function()
    local N = ann.Neuron{equations = "r = power(3.0, 0)\n n = neg(-2.0)\n p = pos(-2.0)"}
    local net, pop = compiled(1, N)
    net:simulate(1)
    assert.equal(1, pop.r[1])
    assert.equal(-2, pop.n[1])
    assert.equal(0, pop.p[1])
  end)
end)

describe("conditionals (E3)", function()
  local cases = {
    {"r = if (t is 1): 1.0 else: 0.0", 0},
    {"r = if (t <= 5): 0 else: if (t >= 7): 2 else: 1", 2},
    {"dr/dt = if t > 5: 1 else: 0", 4},
    {"r = ite(t is 1, 1.0, 0.0)", 0},
    {"dr/dt = ite((t > 5) and (t < 20), 1, 0)", 4},
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      local net, pop = compiled(1, ann.Neuron{equations = c[1]})
      net:simulate(10)
      assert.equal(c[2], pop.r[1])
    end)
  end

  it("nested ite on a parameter", function()
    local N = ann.Neuron{parameters = "state = 2.0", equations = "r = ite(state >= 2, 2, ite(state == 1, 1, 0))"}
    local net, pop = compiled(1, N)
    net:simulate(10)
    assert.equal(2, pop.r[1])
  end)
end)

describe("local and global updates, bounds (E5)", function()
  it("r = t is local", function()
    local net, pop = compiled(3, ann.Neuron{equations = "r = t"})
    net:simulate(5)
    assert.same({4, 4, 4}, pop.r:totable())
  end)

  it("a global variable", function()
    local net, pop = compiled(3, ann.Neuron{equations = "r = 0\n glob_r = t : population"})
    net:simulate(5)
    assert.equal(4, pop.glob_r)
  end)

  it("a global parameter in a local equation", function()
    local N = ann.Neuron{parameters = "glob_par = 1.0 : population", equations = "r = t + glob_par"}
    local net, pop = compiled(3, N)
    net:simulate(5)
    assert.same({5, 5, 5}, pop.r:totable())
  end)

  it("min and max bounds from parameters", function()
    local N = ann.Neuron{parameters = "min_r = 1.0\n max_r = 3.0", equations = "r = t : min = min_r, max = max_r"}
    local net, _, m = compiled(1, N, {record = "r"})
    net:simulate(5)
    assert.same({1, 1, 2, 3, 3}, column(m:get("r")))
  end)
end)

describe("global operations (E8)", function()
  local N = ann.Neuron{
    parameters = "r = 0.0",
    equations = "mean_r = mean(r) : population\n max_r = max(r) : population\n min_r = min(r) : population\n"
      .. " l1 = norm1(r) : population\n l2 = norm2(r) : population",
  }

  for _, geometry in ipairs{{6}, {2, 3}} do
    it("after two steps, geometry " .. table.concat(geometry, "x"), function()
      local net = ann.Network{dt = 1.0}
      local pop = net:create(geometry, N)
      pop.r = {2, 1, 0, -5, -3, -1}
      net:compile{silent = true}
      net:simulate(2)
      assert.equal(-1, pop.mean_r)
      assert.equal(2, pop.max_r)
      assert.equal(-5, pop.min_r)
      assert.equal(12, pop.l1)
      assert.near(6.324555320336759, pop.l2, 1e-12)
    end)
  end

  it("lags one step: 0 at step 0", function()
    local net = ann.Network{dt = 1.0}
    local pop = net:create(6, N)
    pop.r = {2, 1, 0, -5, -3, -1}
    net:compile{silent = true}
    net:step()
    assert.equal(0, pop.mean_r)
    net:step()
    assert.equal(-1, pop.mean_r)
  end)
end)

describe("numerical methods (§16.4)", function()
  -- tau dv/dt + v = s with tau = 10, s = 0.5, v(0) = 0, dt = 1: v_n = s (1 - q^n)
  local q = {
    explicit = 0.9, implicit = 1 / 1.1, exponential = math.exp(-0.1), midpoint = 0.905,
    rk4 = 1 - 0.1 + 0.1 ^ 2 / 2 - 0.1 ^ 3 / 6 + 0.1 ^ 4 / 24,
  }
  for method, factor in pairs(q) do
    it(method, function()
      local N = ann.Neuron{parameters = "tau = 10.0\n s = 0.5", equations = "tau * dv/dt + v = s : " .. method
        .. "\n r = v"}
      local net, _, m = compiled(1, N, {record = "v"})
      net:simulate(5)
      local v = column(m:get("v"))
      for n = 1, 5 do
        assert.near(0.5 * (1 - factor ^ n), v[n], 1e-12)
      end
    end)
  end

  it("the network's method is the default (QUIRKS 11)", function()
    local N = ann.Neuron{parameters = "tau = 10.0\n s = 0.5", equations = "tau * dv/dt + v = s\n r = v"}
    local net = ann.Network{dt = 1.0}
    net:config{method = "implicit"}
    local pop = net:create(1, N)
    net:compile{silent = true}
    net:simulate(1)
    assert.near(0.5 * (1 - 1 / 1.1), pop.v[1], 1e-12)
  end)

  it("the coupled system of §16.3 gives the values of §16.4", function()
    local expected = {
      explicit = {0.1, 0.18, 0.38742049, 0.00194200},
      implicit = {0.08264463, 0.15026296, 0.35049390, 0.00355044},
      midpoint = {0.09, 0.1629, 0.36650485, 0.00270751},
      exponential = {0.09516258, 0.17221333, 0.38690219, 0.00282247},
    }
    for method, values in pairs(expected) do
      local N = ann.Neuron{
        parameters = "tau = 10.0\n I = 0.0",
        equations = ("tau * dv/dt = -v - u + I : %s\n tau * du/dt = -u + I : %s\n r = pos(v)"):format(method, method),
      }
      local net = ann.Network{dt = 1.0}
      local pop = net:create(1, N)
      local m = net:monitor(pop, "v")
      net:compile{silent = true}
      net:simulate(20)
      pop.I = 1.0
      net:simulate(80)
      local v = column(m:get("v"))
      -- record k holds step k - 1
      assert.near(values[1], v[21], 5e-9)
      assert.near(values[2], v[22], 5e-9)
      assert.near(values[3], v[30], 5e-9)
      assert.near(values[4], v[100], 5e-9)
    end
  end)
end)

describe("spike condition, reset, refractoriness (E6)", function()
  local function run(neuron, steps)
    local net, pop = compiled(3, neuron)
    local out = {}
    for k = 1, steps do
      net:simulate(1)
      out[k] = pop.v[1]
    end
    return out
  end

  it("v = v + 1, spike at 3, reset to 1", function()
    local N = ann.Neuron{equations = "v = v + 1.0", spike = "v == 3.0", reset = "v = 1.0"}
    assert.same({1, 2, 1, 2, 1}, run(N, 5))
  end)

  it("with a refractory period of 3 ms", function()
    local N = ann.Neuron{equations = "v = v + 1.0", spike = "v == 3.0", reset = "v = 1.0", refractory = 3.0}
    assert.same({1, 2, 1, 1, 1, 1, 2}, run(N, 7))
  end)

  it("with a global threshold", function()
    local N = ann.Neuron{parameters = "Vt = 3.0 : population", equations = "v = v + 1.0", spike = "v == Vt",
      reset = "v = 1.0"}
    assert.same({1, 2, 1, 2, 1}, run(N, 5))
  end)

  it("refractory given as a parameter name", function()
    local N = ann.Neuron{parameters = "tr = 3.0", equations = "v = v + 1.0", spike = "v == 3.0", reset = "v = 1.0",
      refractory = "tr"}
    assert.same({1, 2, 1, 1, 1, 1, 2}, run(N, 7))
  end)

  it("pop.refractory can be changed after compile", function()
    local N = ann.Neuron{equations = "v = v + 1.0", spike = "v == 3.0", reset = "v = 1.0", refractory = 3.0}
    local net, pop = compiled(3, N)
    assert.same({3, 3, 3}, pop.refractory:totable())
    pop.refractory = 1.0
    local out = {}
    for k = 1, 5 do net:step(); out[k] = pop.v[1] end
    assert.same({1, 2, 1, 1, 2}, out)
  end)

  it("pop.spike lists the ranks that spiked in the last step", function()
    local N = ann.Neuron{parameters = "th = 2.0", equations = "v = v + 1.0", spike = "v >= th", reset = "v = 0.0"}
    local net = ann.Network{dt = 1.0}
    local pop = net:create(3, N)
    pop.th = {1, 2, 3}
    net:compile{silent = true}
    net:step()
    assert.same({1}, pop.spike)
    net:step()
    assert.same({1, 2}, pop.spike)
  end)
end)

describe("floating-point mode", function()
  it("flushes denormal numbers to zero while simulating and restores the host's mode", function()
    local net = ann.Network{}
    local pop = net:create(1, ann.Neuron{parameters = "x0 = 1e-300", equations = "r = x0 * 1e-10"})
    net:compile{silent = true}
    net:simulate(1)
    assert.equal(0, pop.r[1])
    local tiny = 1e-300
    assert.is_true(tiny * 1e-10 > 0)      -- Lua's own arithmetic keeps denormals
  end)
end)
