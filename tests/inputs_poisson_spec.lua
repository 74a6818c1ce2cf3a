-- PoissonPopulation and TimedPoissonPopulation (reference-library §3.3, §3.4, QUIRKS library 9).
-- Statistical checks: each neuron spikes at a step with probability p = rate * dt / 1000,
-- independently, so a count over n neuron-steps is binomial (mean n p, variance n p (1 - p));
-- counts must fall within 4 standard deviations of that mean. Rates of 0 and 1000 Hz with
-- dt = 1 ms make the draws certain (p = 0 or 1), which gives exact expectations.
local ann = require("annarchy")
local inputs = require("annarchy.inputs")
local PoissonPopulation = inputs.PoissonPopulation
local TimedPoissonPopulation = inputs.TimedPoissonPopulation

--- Spike count of the ranks first..last between steps from (inclusive) and to (exclusive).
local function count(spikes, first, last, from, to)
  local n = 0
  for r = first, last do
    for _, s in ipairs(spikes[r]) do
      if s >= from and s < to then n = n + 1 end
    end
  end
  return n
end

--- Asserts that a binomial count of `trials` draws of probability p is within 4 SD.
local function within_4sd(n, trials, p)
  local mean = trials * p
  local sd = math.sqrt(trials * p * (1 - p))
  assert.is_true(math.abs(n - mean) < 4 * sd,
    ("count %d, expected %g +- %g (4 SD = %g)"):format(n, mean, sd, 4 * sd))
end

local function run(pop_obj, duration, dt, setup)
  local net = ann.Network{dt = dt or 1.0, seed = 42}
  local pop = net:create(pop_obj)
  if setup then setup(net, pop) end
  local m = net:monitor(pop, "spike")
  net:compile{silent = true}
  net:simulate(duration)
  return m:get("spike"), pop, net
end

describe("PoissonPopulation", function()
  it("fires at the requested rate (one number for every neuron)", function()
    local spikes = run(PoissonPopulation(1000, {rates = 20.0}), 1000)
    within_4sd(count(spikes, 1, 1000, 0, 1000), 1000 * 1000, 20 * 1.0 / 1000)
  end)

  it("fires at the requested rate with dt = 0.1", function()
    local spikes = run(PoissonPopulation(500, {rates = 30.0}), 1000, 0.1)
    within_4sd(count(spikes, 1, 500, 0, 10000), 500 * 10000, 30 * 0.1 / 1000)
  end)

  it("takes one rate per neuron (a list, an Array or a nested table shaped like the geometry)", function()
    local rates = {}
    for i = 1, 1000 do rates[i] = i <= 500 and 5.0 or 50.0 end
    local spikes = run(PoissonPopulation(1000, {rates = rates}), 1000)
    within_4sd(count(spikes, 1, 500, 0, 1000), 500 * 1000, 0.005)
    within_4sd(count(spikes, 501, 1000, 0, 1000), 500 * 1000, 0.05)

    local _, pop = run(PoissonPopulation({2, 3}, {rates = {{1, 2, 3}, {4, 5, 6}}}), 1)
    assert.same({2, 3}, pop.rates.shape)
    assert.same({1, 2, 3, 4, 5, 6}, pop.rates:flatten():totable())
    _, pop = run(PoissonPopulation(3, {rates = ann.array({7, 8, 9})}), 1)
    assert.same({7, 8, 9}, pop.rates:totable())
  end)

  it("evaluates a rate expression of t with extra parameters", function()
    local spikes = run(PoissonPopulation(500, {rates = "if t < 500.0: low else: high",
                                               parameters = {low = 10.0, high = 80.0}}), 1000)
    within_4sd(count(spikes, 1, 500, 0, 500), 500 * 500, 0.01)
    within_4sd(count(spikes, 1, 500, 500, 1000), 500 * 500, 0.08)
  end)

  it("reads its rates from incoming rate-coded projections (target)", function()
    local inp
    local spikes = run(PoissonPopulation(1000, {target = "exc"}), 500, 1.0, function(net, pop)
      inp = net:create(inputs.InputArray(1))
      net:connect(inp, pop, "exc"):all_to_all(1.0)
    end)
    assert.equal(0, count(spikes, 1, 1000, 0, 500))   -- r = 0: no input
    -- a second network where the input is 40 Hz
    local net = ann.Network{seed = 7}
    local src = net:create(inputs.InputArray(1))
    local pop = net:create(PoissonPopulation(1000, {target = "exc"}))
    net:connect(src, pop, "exc"):all_to_all(1.0)
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    src.r = 40.0
    net:simulate(500)
    within_4sd(count(m:get("spike"), 1, 1000, 0, 500), 1000 * 500, 0.04)
    assert.equal(40, pop.rates[1])
  end)

  it("is silent until the input's value arrives, one step later", function()
    local net = ann.Network{}
    local src = net:create(inputs.InputArray(1))
    local pop = net:create(PoissonPopulation(3, {target = "exc"}))
    net:connect(src, pop, "exc"):all_to_all(1.0)
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(2)
    src.r = 1000.0       -- read by the transmission of the next step: p = 1 from step 2
    net:simulate(3)
    assert.same({[1] = {2, 3, 4}, [2] = {2, 3, 4}, [3] = {2, 3, 4}}, m:get("spike"))
  end)

  it("honours a refractory period (1000 Hz: a spike every refractory + 1 steps)", function()
    local spikes = run(PoissonPopulation(2, {rates = 1000.0, refractory = 2.0}), 10)
    assert.same({[1] = {0, 3, 6, 9}, [2] = {0, 3, 6, 9}}, spikes)
  end)

  it("lets rates change after compile", function()
    local net = ann.Network{}
    local pop = net:create(PoissonPopulation(2, {rates = 1000.0}))
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(2)
    pop.rates = {0.0, 1000.0}
    net:simulate(2)
    assert.same({[1] = {0, 1}, [2] = {0, 1, 2, 3}}, m:get("spike"))
  end)

  it("gives the same spikes for the same seed", function()
    local a = run(PoissonPopulation(20, {rates = 50.0}), 200)
    local b = run(PoissonPopulation(20, {rates = 50.0}), 200)
    assert.same(a, b)
  end)

  it("takes its arguments by name and its name", function()
    local net = ann.Network{}
    local pop = net:create(PoissonPopulation{geometry = 4, rates = 5.0, name = "noise"})
    assert.equal(pop, net:get_population("noise"))
    assert.equal(4, pop.size)
  end)

  it("rejects rates of the wrong shape, rates and target together, or neither", function()
    assert.has_error(function() PoissonPopulation(3, {rates = {1, 2}}) end)
    assert.has_error(function() PoissonPopulation({2, 2}, {rates = {{1, 2, 3}, {4, 5, 6}}}) end)
    assert.has_error(function() PoissonPopulation(3, {rates = ann.zeros({3, 2})}) end)
    assert.has_error(function() PoissonPopulation(3, {rates = 5.0, target = "exc"}) end)
    assert.has_error(function() PoissonPopulation(3) end)
    assert.has_error(function() PoissonPopulation(3, {rates = 5.0, parameters = {a = 1}}) end)
  end)

  it("rejects unknown option names", function()
    local ok, err = pcall(PoissonPopulation, 10, {rate = 5.0})
    assert.is_false(ok)
    assert.matches("unknown option 'rate'", err)
  end)
end)

describe("TimedPoissonPopulation", function()
  it("follows the schedule (rates 0 and 1000 Hz are exact)", function()
    local spikes = run(TimedPoissonPopulation(2, {{0, 1000}, {1000, 0}}, {0, 5}), 10)
    assert.same({[1] = {5, 6, 7, 8, 9}, [2] = {0, 1, 2, 3, 4}}, spikes)
  end)

  it("is silent before the first scheduled time (QUIRKS library 9)", function()
    local spikes = run(TimedPoissonPopulation(1, {1000, 0}, {3, 6}), 10)
    assert.same({[1] = {3, 4, 5}}, spikes)
  end)

  it("restarts after the period", function()
    local spikes = run(TimedPoissonPopulation(1, {1000, 0}, {0, 2}, {period = 4}), 10)
    assert.same({[1] = {0, 1, 4, 5, 8, 9}}, spikes)
  end)

  it("fires at each scheduled rate", function()
    local spikes = run(TimedPoissonPopulation(500, {0, 200, 50}, {0, 100, 300}), 500)
    assert.equal(0, count(spikes, 1, 500, 0, 100))
    within_4sd(count(spikes, 1, 500, 100, 300), 500 * 200, 0.2)
    within_4sd(count(spikes, 1, 500, 300, 500), 500 * 200, 0.05)
  end)

  it("update() restarts with new rates; reset() brings back the rates given before compile", function()
    local net = ann.Network{}
    local pop = net:create(TimedPoissonPopulation(1, {1000, 0}, {0, 2}))
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(4)                                -- spikes 0, 1
    pop:update({0, 1000}, {schedule = {0, 1}})      -- from step 4: 0 Hz, then 1000 Hz from step 5
    net:simulate(3)                                -- spikes 5, 6
    pop:reset()                                    -- back to {1000, 0} at {0, 2} from step 7
    net:simulate(4)                                -- spikes 7, 8
    assert.same({[1] = {0, 1, 5, 6, 7, 8}}, m:get("spike"))
    assert.same({0, 2}, pop.schedule)
  end)

  it("rejects rates and schedules of different lengths, entries of the wrong size, unknown options", function()
    assert.has_error(function() TimedPoissonPopulation(2, {10, 20}, {0}) end)
    assert.has_error(function() TimedPoissonPopulation(2, {10, {1, 2, 3}}, {0, 10}) end)
    assert.has_error(function() TimedPoissonPopulation(2, {10, 20}, {0, -10}) end)
    local ok, err = pcall(TimedPoissonPopulation, 2, {10}, {0}, {perod = 5})
    assert.is_false(ok)
    assert.matches("unknown option 'perod'", err)
    local net = ann.Network{}
    local pop = net:create(TimedPoissonPopulation(2, {10, 20}, {0, 10}))
    assert.has_error(function() pop:update({10, 20, 30}) end)   -- the schedule has 2 times
    assert.has_error(function() pop:update({{1, 2, 3}, 4}) end)
  end)
end)
