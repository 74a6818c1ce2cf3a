-- Monitors: what is recorded when, shapes, control, spikes (reference §10, §16.2 E7).
local ann = require("annarchy")

local RT = ann.Neuron{equations = "r = t"}

local function rows(arr)
  local out = {}
  for k = 1, arr.shape[1] do out[k] = arr[k]:totable() end
  return out
end

local function kk(n, width, from)
  local out = {}
  for k = 1, n do
    local row = {}
    for j = 1, width do row[j] = (from or 0) + k - 1 end
    out[k] = row
  end
  return out
end

describe("Monitor recording (E7)", function()
  it("records r every step", function()
    local net = ann.Network{}
    local pop = net:create(3, RT)
    local m = net:monitor(pop, "r")
    net:compile{silent = true}
    net:simulate(10)
    assert.same(kk(10, 3), rows(m:get("r")))
  end)

  it("records views and sums of neurons", function()
    local net = ann.Network{}
    local pop1 = net:create(3, RT)
    local pop2 = net:create(5, RT)
    local a = net:monitor(pop1:range(1, 2), "r")
    local b = net:monitor(pop1[1] + pop1[3], "r")
    local c = net:monitor(pop2:range(1, 2) + pop2:neuron(5), "r")
    net:compile{silent = true}
    net:simulate(10)
    assert.same(kk(10, 2), rows(a:get("r")))
    assert.same(kk(10, 2), rows(b:get("r")))
    assert.same(kk(10, 3), rows(c:get("r")))
  end)

  it("honours the period", function()
    local net = ann.Network{}
    local pop = net:create(3, RT)
    local m = net:monitor(pop, "r", {period = 10.0})
    net:compile{silent = true}
    net:simulate(100)
    local r = m:get("r")
    assert.equal(10, r.shape[1])
    for k = 1, 10 do assert.equal((k - 1) * 10, r[k][1]) end
  end)

  it("honours period_offset", function()
    local net = ann.Network{}
    local pop = net:create(1, RT)
    local m = net:monitor(pop, "r", {period = 5.0, period_offset = 2.0})
    net:compile{silent = true}
    net:simulate(20)
    assert.same({{2}, {7}, {12}, {17}}, rows(m:get("r")))
  end)

  it("starts later with start = false", function()
    local net = ann.Network{}
    local pop = net:create(3, RT)
    local m = net:monitor(pop, "r", {start = false})
    net:compile{silent = true}
    net:simulate(10)
    m:start()
    net:simulate(10)
    assert.same(kk(10, 3, 10), rows(m:get("r")))
  end)

  it("pauses and resumes, and times() gives the segments in steps", function()
    local net = ann.Network{}
    local pop = net:create(3, RT)
    local m = net:monitor(pop, "r")
    net:compile{silent = true}
    m:pause()
    net:simulate(10)
    m:resume()
    net:simulate(10)
    assert.same(kk(10, 3, 10), rows(m:get("r")))
    local net2 = ann.Network{}
    local p2 = net2:create(1, RT)
    local m2 = net2:monitor(p2, "r")
    net2:compile{silent = true}
    net2:simulate(100)
    m2:pause()
    net2:simulate(1000)
    m2:resume()
    net2:simulate(100)
    m2:get("r")
    assert.same({r = {start = {0, 1100}, stop = {100, 1200}}}, m2:times())
  end)

  it("shapes 2-D populations and views", function()
    local net = ann.Network{}
    local pop = net:create({3, 5}, RT)
    local m = net:monitor(pop, "r")
    local v = net:monitor(pop:box({3, 3}, {1, 5}), "r")
    net:compile{silent = true}
    net:simulate(10)
    assert.same({10, 3, 5}, m:get("r", {keep = true}).shape)
    assert.same({10, 15}, m:get("r", {reshape = false}).shape)
    assert.same({10, 5}, v:get("r").shape)
  end)

  it("get() without names returns every variable; keep leaves the data", function()
    local net = ann.Network{}
    local pop = net:create(2, ann.Neuron{equations = "r = t\n u = 2 * t"})
    local m = net:monitor(pop, {"r", "u"})
    net:compile{silent = true}
    net:simulate(3)
    local all = m:get{keep = true}
    assert.same({3, 2}, all.r.shape)
    assert.equal(4, all.u[3][1])
    local again = m:get()
    assert.same({3, 2}, again.u.shape)
    assert.equal(0, m:get("r").shape[1])
  end)

  it("records spikes as steps, with an entry for every neuron", function()
    local N = ann.Neuron{equations = "v = v + 1", spike = "v == 5", reset = "v = 3"}
    local net = ann.Network{}
    local pop = net:create(2, N)
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(10)
    assert.same({[1] = {4, 6, 8}, [2] = {4, 6, 8}}, m:get("spike"))
  end)

  it("records v and spikes of a refractory neuron", function()
    local N = ann.Neuron{equations = "v = v + 1", spike = "v == 3", reset = "v = 1", refractory = 3.0}
    local net = ann.Network{}
    local pop = net:create(2, N)
    local m = net:monitor(pop, {"v", "spike"})
    net:compile{silent = true}
    net:simulate(10)
    local data = m:get()
    local v = {}
    for k = 1, 10 do v[k] = data.v[k][1] end
    assert.same({1, 2, 1, 1, 1, 1, 2, 1, 1, 1}, v)
    assert.same({2, 7}, data.spike[1])
  end)

  it("can be created after compile and record a parameter", function()
    local net = ann.Network{}
    local pop = net:create(1, ann.Neuron{parameters = "a = 3.0 : population", equations = "r = t"})
    net:compile{silent = true}
    net:simulate(2)
    local m = net:monitor(pop, {"r", "a"})
    net:simulate(2)
    assert.same({{2}, {3}}, rows(m:get("r")))
    assert.same({3, 3}, m:get("a"):totable())
  end)

  it("records a conductance that only a projection's target declares", function()
    local net = ann.Network{}
    local pre = net:create(1, ann.Neuron{equations = "v = 0", spike = "t == 1"})
    local post = net:create(1, ann.Neuron{equations = "v = 0", spike = "v > 1"})
    net:connect(pre, post, "ampa"):all_to_all(2.0)
    local m = net:monitor(post, "g_ampa")
    net:compile{silent = true}
    net:simulate(5)
    -- the spike of step 1 arrives at step 2; without an equation g_ampa is never reset
    assert.same({0, 0, 2, 2, 2}, m:get("g_ampa"):flatten():totable())
  end)

  it("records a g_ variable with its own equation before the step's update, as a conductance", function()
    -- every g_<name> of a spiking neuron's equations declares a target and is recorded right
    -- after transmission (reference step order): g_I lags v by one step; a copy assigned
    -- after its equation is recorded at the end of the step
    local net = ann.Network{dt = 1.0}
    local pop = net:create(1, ann.Neuron{equations = "v = v + 1\n g_I = g_I + 1\n I = g_I",
      spike = "v > 100"})
    local m = net:monitor(pop, {"v", "g_I", "I"})
    net:compile{silent = true}
    net:simulate(3)
    assert.same({1, 2, 3}, m:get("v"):flatten():totable())
    assert.same({0, 1, 2}, m:get("g_I"):flatten():totable())
    assert.same({1, 2, 3}, m:get("I"):flatten():totable())
  end)

  it("rejects bad input", function()
    local net = ann.Network{}
    local pop = net:create(2, RT)
    assert.has_error(function() net:monitor(pop, "nope") end,
      'annarchy: Monitor "Monitor_pop0": the object does not have an attribute named "nope"')
    assert.has_error(function() net:monitor(pop, "r", {period = 2, period_offset = 2}) end)
    assert.has_error(function() net:monitor(42, "r") end)
    assert.has_error(function() net:monitor(pop, "spike") end)
    assert.has_error(function() net:monitor(pop, "r", {perod = 2}) end)
  end)
end)

describe("spike statistics on monitors", function()
  it("mean_fr of a regular neuron", function()
    local N = ann.Neuron{equations = "v = v + 1", spike = "v >= 10", reset = "v = 0"}
    local net = ann.Network{dt = 1.0}
    local pop = net:create(4, N)
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(1000)
    -- one spike every 10 steps of 1 ms: 100 Hz
    assert.near(100, m:mean_fr(), 1e-9)
  end)
end)
