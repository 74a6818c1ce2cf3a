-- Special projections: CurrentInjection (rate -> spiking) and DecodingProjection (spiking ->
-- rate) (reference-library §3.7, §3.8; reference-core §16.2 E14).
local ann = require("annarchy")
local sp = require("annarchy.extensions.special_projections")

local function close(expected, got, tol)
  tol = tol or 1e-9
  local t = ann.is_array(got) and got:flatten():totable() or got
  assert.equal(#expected, #t)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - t[i]) <= tol * math.max(1, math.abs(expected[i])),
      ("element %d: expected %s, got %s"):format(i, tostring(expected[i]), tostring(t[i])))
  end
end

-- err(fn, text): fn fails with a message holding text.
local err = dofile("tests/support.lua").fails_with

local RateIn = ann.Neuron{parameters = "r = 0.0 : population", name = "RateIn"}
local LocalIn = ann.Neuron{parameters = "r = 0.0", name = "LocalIn"}
local Sine = ann.Neuron{equations = "r = sin(t)", name = "Sine"}
local Membrane = ann.Neuron{equations = "mp = g_exc", spike = "mp >= 1.0", name = "Membrane"}
local Readout = ann.Neuron{equations = "r = sum(exc)", name = "Readout"}
local Always = ann.Neuron{parameters = "v = 1.0", spike = "v > 0", name = "Always"}
-- a regular spike train: one spike every `period` steps (dt = 1), the first at step period-1
local Regular = ann.Neuron{parameters = "period = 10.0", equations = "dv/dt = 1.0",
                          spike = "v >= period", reset = "v = 0.0", name = "Regular"}
local Random = ann.Neuron{parameters = "p = 0.3", equations = "x = Uniform(0.0, 1.0)", spike = "x < p",
                         name = "Random"}

describe("CurrentInjection", function()
  it("E14: mp = g_exc records [0, sin 0, sin 1, ..., sin 9]", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(1, Sine)
    local pop = net:create(1, Membrane)
    local proj = net:connect(sp.CurrentInjection(inp, pop, "exc"))
    assert.equal(proj, proj:connect_current())
    local m = net:monitor(pop, "mp")
    net:compile()
    net:simulate(11)
    local expected = {0}
    for k = 0, 9 do expected[#expected + 1] = math.sin(k) end
    close(expected, m:get("mp"))
  end)

  it("rank by rank, weights ignored, one synapse per neuron", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(3, LocalIn)
    local pop = net:create(3, Membrane)
    local proj = net:connect(sp.CurrentInjection(inp, pop, "exc", {name = "inject"}))
    proj:connect_current()
    net:compile()
    inp.r = {0.25, 0.5, 0.75}
    proj.w = 10.0
    net:simulate(2)
    close({0.25, 0.5, 0.75}, pop.mp)
    assert.equal(3, proj.nb_synapses)
    assert.same({1, 2, 3}, proj.post_ranks)
    assert.same({{1}, {2}, {3}}, proj.pre_ranks)
    assert.equal(proj, net:get_projection("inject"))
    assert.equal("CurrentInjection", sp.kind(proj))
    assert.equal("exc", proj.target)
  end)

  it("a conductance with its own equation accumulates the rate every step", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(2, RateIn)
    local pop = net:create(2, ann.Neuron{equations = "dg_exc/dt = 0.0", spike = "g_exc > 1e9"})
    net:connect(sp.CurrentInjection(inp, pop, "exc")):connect_current()
    local m = net:monitor(pop, "g_exc")
    net:compile()
    inp.r = 2.0
    net:simulate(4)
    -- r is a parameter set before step 0: step 0 already transmits it
    local g = m:get("g_exc")
    close({2, 2, 4, 4, 6, 6, 8, 8}, g)
  end)

  it("views of the same size", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(4, LocalIn)
    local pop = net:create(4, Membrane)
    net:connect(sp.CurrentInjection(inp:range(1, 2), pop:range(3, 4), "exc")):connect_current()
    net:compile()
    inp.r = {0.1, 0.2, 0.3, 0.4}
    net:simulate(2)
    close({0, 0, 0.1, 0.2}, pop.mp)
  end)

  it("populations given by name", function()
    local net = ann.Network{dt = 1.0}
    net:create(2, LocalIn, {name = "in"})
    local pop = net:create(2, Membrane, {name = "out"})
    net:connect(sp.CurrentInjection("in", "out", "exc")):connect_current()
    net:compile()
    net:get_population("in").r = {0.5, 0.25}
    net:simulate(2)
    close({0.5, 0.25}, pop.mp)
  end)

  it("errors: kinds, sizes, the description is not a projection", function()
    local net = ann.Network{dt = 1.0}
    local rate = net:create(2, LocalIn)
    local rate3 = net:create(3, LocalIn)
    local spiking = net:create(2, Membrane)
    err(function() sp.CurrentInjection(spiking, spiking, "exc") end, "must be rate-coded")
    err(function() sp.CurrentInjection(rate, rate, "exc") end, "must be spiking")
    err(function() sp.CurrentInjection(rate3, spiking, "exc") end, "the same size (3 and 2 neurons)")
    err(function() sp.CurrentInjection(rate, spiking, 3) end, "target")
    err(function() sp.CurrentInjection(rate, spiking, "exc", {weights = 1}) end, "unknown option")
    local desc = sp.CurrentInjection(rate, spiking, "exc")
    err(function() return desc:connect_current() end, "only available on the projection returned")
    local proj = net:connect(desc)
    err(function() proj:connect_current(2.0) end, "takes no argument")
    -- the description keeps only its arguments: it can be connected again
    assert.is_not.equal(proj, net:connect(desc))
    local other = ann.Network{dt = 1.0}
    err(function() other:connect(desc) end, "another network")
  end)
end)

-- The reference formula (§3.8) in Lua, from recorded spikes and the weights.
local function decode(spikes, proj, npost, nsteps, W, dt)
  local post_ranks, pre_ranks, w = proj.post_ranks, proj.pre_ranks, proj.w
  local spiked = {}   -- step -> set of pre ranks
  for rank, steps in pairs(spikes) do
    for _, s in ipairs(steps) do
      spiked[s] = spiked[s] or {}
      spiked[s][rank] = true
    end
  end
  local out = {}
  for k = 0, nsteps - 1 do
    local row = {}
    for q = 1, npost do row[q] = 0.0 end
    for d, q in ipairs(post_ranks) do
      local total = 0.0
      for m = math.max(0, k - W + 1), k do
        local set = spiked[m - 1]
        if set then
          for x, r in ipairs(pre_ranks[d]) do
            if set[r] then total = total + (type(w) == "number" and w or w[d][x]) end
          end
        end
      end
      row[q] = total / W * 1000 / dt / #pre_ranks[d]
    end
    out[k + 1] = row
  end
  return out
end

local function flat(rows)
  local t = {}
  for _, r in ipairs(rows) do for _, v in ipairs(r) do t[#t + 1] = v end end
  return t
end

describe("DecodingProjection", function()
  it("always-spiking inputs: the window fills in W steps", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(2, Always)
    local post = net:create(1, Readout)
    local proj = net:connect(sp.DecodingProjection(pre, post, "exc", {window = 5.0}))
    proj:all_to_all(1.0)
    local m = net:monitor(post, "r")
    net:compile()
    net:simulate(8)
    close({0, 200, 400, 600, 800, 1000, 1000, 1000}, m:get("r"))
    assert.equal(5.0, proj.window)
    assert.equal("DecodingProjection", sp.kind(proj))
    assert.same({"w"}, proj.attributes)
  end)

  it("window 0 means one step: the rate of the previous step", function()
    local net = ann.Network{dt = 0.5}
    local pre = net:create(2, Always)
    local post = net:create(1, Readout)
    net:connect(sp.DecodingProjection(pre, post, "exc")):all_to_all(1.0)
    local m = net:monitor(post, "r")
    net:compile()
    net:simulate(2)
    close({0, 2000, 2000, 2000}, m:get("r"))
  end)

  it("w = 1/100 maps 100 Hz to 1.0", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(3, Regular)
    local post = net:create(1, Readout)
    net:connect(sp.DecodingProjection(pre, post, "exc", {window = 100.0})):all_to_all(0.01)
    net:compile()
    net:simulate(150)
    close({1.0}, post.r, 1e-12)
    net:simulate(37)
    close({1.0}, post.r, 1e-12)
  end)

  for _, case in ipairs{
    {dt = 1.0, window = 10.0, W = 10, dtype = "float64"},
    {dt = 0.5, window = 2.3, W = 4, dtype = "float64"},
    {dt = 1.0, window = 0.0, W = 1, dtype = "float64"},
    {dt = 1.0, window = 7.0, W = 7, dtype = "float32"},
  } do
    it(("random spikes and weights against the formula (dt %g, window %g -> %d steps, %s)"):format(
        case.dt, case.window, case.W, case.dtype), function()
      local net = ann.Network{dt = case.dt, seed = 7}
      net:config{dtype = case.dtype}
      local pre = net:create(20, Random)
      local post = net:create(6, Readout)
      local proj = net:connect(sp.DecodingProjection(pre, post, "exc", {window = case.window}))
      proj:fixed_probability(0.4, ann.Uniform(0.0, 1.0))
      local ms = net:monitor(pre, "spike")
      local mr = net:monitor(post, "r")
      net:compile()
      local nsteps = 60
      net:simulate(nsteps * case.dt)
      local expected = decode(ms:get("spike"), proj, 6, nsteps, case.W, case.dt)
      close(flat(expected), mr:get("r"), case.dtype == "float32" and 1e-5 or 1e-9)
    end)
  end

  it("each dendrite is normalised by its own number of synapses", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(4, Always)
    local post = net:create(3, Readout)
    net:connect(sp.DecodingProjection(pre, post, "exc")):from_sparse{
      pre_ranks = {1, 2, 3, 4, 1}, post_ranks = {1, 1, 1, 1, 3}, weights = {1, 1, 1, 0.5, 2}}
    net:compile()
    net:simulate(3)
    close({(1 + 1 + 1 + 0.5) / 4 * 1000, 0, 2 * 1000}, post.r)
  end)

  it("several targets receive the same rate", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(2, Always)
    local post = net:create(1, ann.Neuron{equations = "r = sum(exc) - sum(inh)"})
    net:connect(sp.DecodingProjection(pre, post, {"exc", "inh"})):all_to_all(1.0)
    local m = net:monitor(post, {"sum(exc)", "sum(inh)"})
    net:compile()
    net:simulate(2)
    close({0, 1000}, m:get("sum(exc)"))
    close({0, 1000}, m:get("sum(inh)"))
  end)

  it("delays are ignored (with a warning)", function()
    local function run(delays)
      local net = ann.Network{dt = 1.0, seed = 3}
      local pre = net:create(10, Random)
      local post = net:create(2, Readout)
      local proj = net:connect(sp.DecodingProjection(pre, post, "exc", {window = 3.0}))
      proj:all_to_all(ann.Uniform(0, 1), {delays = delays})
      local m = net:monitor(post, "r")
      net:compile()
      net:simulate(30)
      return m:get("r"):flatten():totable(), proj
    end
    local plain = run(nil)
    local uniform, proj = run(5.0)
    local variable = run(ann.Uniform(1.0, 6.0))
    close(plain, uniform)
    close(plain, variable)
    assert.equal(1.0, proj.delay)
  end)

  it("reset{projections = true} empties the window; transmission = false freezes it", function()
    local net = ann.Network{dt = 1.0, seed = 5}
    local pre = net:create(10, Random)
    local post = net:create(2, Readout)
    local proj = net:connect(sp.DecodingProjection(pre, post, "exc", {window = 4.0}))
    proj:all_to_all(0.5)
    local m = net:monitor(post, "r")
    net:compile()
    net:simulate(20)
    local first = m:get("r"):flatten():totable()
    net:reset{projections = true}
    net:simulate(20)
    close(first, m:get("r"))
    -- frozen: no transmission, then the window resumes where it stopped
    proj.transmission = false
    net:simulate(3)
    close({0, 0, 0, 0, 0, 0}, m:get("r"))
    proj.transmission = true
    net:simulate(1)
    assert.is_true(post.r[1] >= 0)
  end)

  it("save and load keep the window's state", function()
    local net = ann.Network{dt = 1.0, seed = 9}
    local pre = net:create(5, Random)
    local post = net:create(2, Readout)
    local proj = net:connect(sp.DecodingProjection(pre, post, "exc", {window = 6.0}))
    proj:all_to_all(1.0)
    net:compile()
    net:simulate(10)
    local file = os.tmpname()
    proj:save(file)
    local state = proj._window_sum:totable()
    net:simulate(10)
    proj:load(file)
    os.remove(file)
    close(state, proj._window_sum)
  end)

  it("errors: kinds, windows", function()
    local net = ann.Network{dt = 1.0}
    local spiking = net:create(2, Always)
    local rate = net:create(2, Readout)
    err(function() sp.DecodingProjection(rate, rate, "exc") end, "must be spiking")
    err(function() sp.DecodingProjection(spiking, spiking, "exc") end, "must be rate-coded")
    err(function() sp.DecodingProjection(spiking, rate, "exc", {window = -1}) end, "non-negative")
    err(function() sp.DecodingProjection(spiking, rate, "exc", {window = "10"}) end, "non-negative")
    err(function() net:connect(sp.DecodingProjection(spiking, rate, "exc", {window = 0.5})) end,
      "at least one step")
    local proj = net:connect(sp.DecodingProjection(spiking, rate, "exc"))
    err(function() net:compile() end, "has not been connected")
    assert.truthy(proj)
  end)
end)
