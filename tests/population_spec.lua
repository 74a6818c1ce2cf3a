-- Populations, views and individual neurons: geometry, 1-based ranks and coordinates,
-- attribute access in every accepted form, errors (reference §8, §14.2, §14.4; API.md).
local ann = require("annarchy")

local N = ann.Neuron{
  parameters = "tau = 10.0 : population\n baseline = 0.0",
  equations = "tau * dv/dt + v = baseline\n r = pos(v)",
  name = "Leaky",
}

describe("Population geometry", function()
  it("#pop is the size #lua54", function()
    assert.equal(10, #ann.Network{}:create(10, N))
  end)

  it("1-D", function()
    local pop = ann.Network{}:create(10, N)
    assert.equal(10, pop.size)
    assert.same({10}, pop.geometry)
    assert.equal(10, pop.width)
    assert.equal(1, pop.height)
    assert.equal(1, pop.dimension)
    assert.equal(10, #pop.ranks)
    assert.equal(1, pop.ranks[1])
  end)

  it("2-D ranks and coordinates are row-major and 1-based", function()
    local pop = ann.Network{}:create({8, 8}, N)
    -- the reference's pop[2, 4] in (8, 8) is rank 20 (0-based): 21 here
    assert.equal(21, pop:rank_from_coordinates({3, 5}))
    assert.same({3, 5}, pop:coordinates_from_rank(21))
    assert.equal(21, pop:neuron(3, 5).rank)
    assert.same({0, 0}, pop:normalized_coordinates_from_rank(1))
    assert.same({1, 1}, pop:normalized_coordinates_from_rank(64))
    assert.has_error(function() pop:coordinates_from_rank(65) end)
    assert.has_error(function() pop:rank_from_coordinates({9, 1}) end)
  end)

  it("3-D", function()
    local pop = ann.Network{}:create({2, 3, 4}, N)
    assert.equal(24, pop.size)
    assert.equal(4, pop.depth)
    -- rank0 = z + C*y + B*C*x with (x, y, z) = (1, 2, 3) 0-based: 3 + 8 + 12 = 23
    assert.equal(24, pop:rank_from_coordinates({2, 3, 4}))
  end)

  it("rejects bad geometries", function()
    local net = ann.Network{}
    assert.has_error(function() net:create(0, N) end)
    assert.has_error(function() net:create({2.5}, N) end)
    assert.has_error(function() net:create("ten", N) end)
    assert.has_error(function() net:create(10, "not a neuron") end)
  end)
end)

describe("Population attributes", function()
  local net, pop
  before_each(function()
    net = ann.Network{seed = 5}
    pop = net:create({2, 3}, N)
  end)

  it("reads locals as Arrays shaped like the geometry and globals as numbers", function()
    assert.same({2, 3}, pop.v.shape)
    assert.equal(10, pop.tau)
    net:compile{silent = true}
    assert.same({2, 3}, pop.v.shape)
    assert.equal(10, pop.tau)
  end)

  it("takes numbers, lists, nested lists, Arrays, distributions and names", function()
    pop.baseline = 2
    assert.same({2, 2, 2, 2, 2, 2}, pop.baseline:flatten():totable())
    pop.baseline = {1, 2, 3, 4, 5, 6}
    assert.equal(6, pop.baseline[2][3])
    pop.baseline = {{1, 1, 1}, {2, 2, 2}}
    assert.equal(2, pop.baseline[2][1])
    pop.v = ann.ones({2, 3})
    assert.equal(6, pop.v:sum())
    pop.v = ann.Uniform(0, 1)
    local v = pop.v:flatten()
    for i = 1, 6 do assert.is_true(v[i] >= 0 and v[i] < 1) end
    pop.r = "baseline"
    assert.equal(2, pop.r[2][1])
    pop:set{v = 0, baseline = 1}
    assert.equal(1, pop:get("baseline")[1][1])
  end)

  it("values set before compile are initial values", function()
    pop.v = 3
    net:compile{silent = true}
    assert.equal(3, pop.v[1][1])
    net:simulate(10)
    assert.is_true(pop.v[1][1] < 3)
    net:reset()
    assert.equal(3, pop.v[1][1])
  end)

  it("rejects wrong sizes, arrays for globals and unknown names", function()
    assert.has_error(function() pop.v = {1, 2, 3} end)
    assert.has_error(function() pop.tau = {1, 2} end)
    assert.has_error(function() return pop.nope end)
    assert.has_error(function() pop.nope = 1 end)
    assert.has_error(function() pop:set{v = 1, nope = 2} end)
    assert.has_error(function() pop.size = 3 end)
    net:compile{silent = true}
    assert.has_error(function() pop.v = {1, 2, 3} end)
    assert.has_error(function() pop.tau = {1, 2} end)
  end)

  it("a failed set changes nothing", function()
    pop.v = 1
    assert.has_error(function() pop:set{v = 5, nope = 2} end)
    assert.equal(1, pop.v[1][1])
  end)

  it("lists parameters, variables and attributes", function()
    assert.same({"tau", "baseline"}, pop.parameters)
    assert.same({"v", "r"}, pop.variables)
    assert.equal(4, #pop.attributes)
  end)
end)

describe("PopulationView and IndividualNeuron", function()
  local net, pop
  before_each(function()
    net = ann.Network{}
    pop = net:create(8, N)
  end)

  it("range, listed ranks, single ranks, box", function()
    assert.same({2, 3, 4}, pop:range(2, 4).ranks)
    assert.same({1, 3, 5, 7}, pop:range(1, 8, 2).ranks)
    assert.same({2, 5}, pop[{2, 5}].ranks)
    assert.same({3}, pop[3].ranks)
    local grid = net:create({4, 4}, N)
    assert.same({6, 7, 10, 11}, grid:box({2, 3}, {2, 3}).ranks)
    assert.has_error(function() return pop[9] end)
    assert.has_error(function() pop:range(0, 3) end)
  end)

  it("reads and writes local attributes of the selected neurons", function()
    local view = pop:range(2, 4)
    view.baseline = 5
    assert.same({0, 5, 5, 5, 0, 0, 0, 0}, pop.baseline:totable())
    view.baseline = {1, 2, 3}
    assert.same({1, 2, 3}, view.baseline:totable())
    net:compile{silent = true}
    view.v = 7
    assert.same({7, 7, 7}, view:get("v"):totable())
    assert.equal(0, pop.v[1])
  end)

  it("refuses global attributes through a view (QUIRKS 31)", function()
    assert.has_error(function() pop:range(1, 2).tau = 3 end)
    net:compile{silent = true}
    assert.has_error(function() pop:range(1, 2).tau = 3 end)
  end)

  it("adds views and neurons into sorted unions", function()
    local v = pop[{5, 2}] + pop:range(1, 2)
    assert.same({1, 2, 5}, v.ranks)
    local w = pop:neuron(4) + pop:neuron(1)
    assert.same({1, 4}, w.ranks)
    local other = net:create(3, N)
    assert.has_error(function() return pop[1] + other[1] end)
  end)

  it("IndividualNeuron reads and writes one neuron", function()
    local n = pop:neuron(3)
    n.baseline = 4
    assert.equal(4, n.baseline)
    assert.equal(3, n.rank)
    assert.equal(pop, n.population)
    assert.equal(10, n.tau)
    assert.has_error(function() pop:neuron(9) end)
  end)
end)

describe("enable, disable, clear", function()
  it("a disabled population is frozen", function()
    local net = ann.Network{}
    local pop = net:create(2, ann.Neuron{equations = "r += 1"})
    net:compile{silent = true}
    net:simulate(3)
    pop:disable()
    assert.is_false(pop.enabled)
    net:simulate(3)
    assert.same({3, 3}, pop.r:totable())
    pop:enable()
    net:simulate(1)
    assert.same({4, 4}, pop.r:totable())
  end)

  it("compute_firing_rate fills r with the windowed rate", function()
    local S = ann.Neuron{equations = "v += 1", spike = "v >= 5", reset = "v = 0"}
    local net = ann.Network{dt = 1.0}
    local pop = net:create(2, S)
    pop:compute_firing_rate(100)
    net:compile{silent = true}
    net:simulate(500)
    -- one spike every 5 steps: 20 spikes per 100 ms = 200 Hz
    assert.same({200, 200}, pop.r:totable())
    assert.has_error(function() net:create(1, N):compute_firing_rate(10) end)
  end)
end)

describe("initial values from models", function()
  it("an init naming a parameter is readable before compile", function()
    local M = ann.Neuron{parameters = "c = -65.0", equations = "dv/dt = -v : init = c\n r = v"}
    local pop = ann.Network{}:create(2, M)
    assert.same({-65, -65}, pop.v:totable())
  end)

  it("a distribution as a parameter value is drawn per neuron from the network's seed", function()
    local M = ann.Neuron{parameters = "x = 1.0", equations = "r = x"}
    local a = ann.Network{seed = 3}:create(5, M{x = ann.Uniform(0, 1)})
    local b = ann.Network{seed = 3}:create(5, M{x = ann.Uniform(0, 1)})
    assert.same(a.x:totable(), b.x:totable())
    assert.is_true(a.x:min() >= 0 and a.x:max() < 1 and a.x:std() > 0)
  end)
end)

describe("refractory periods per neuron", function()
  it("accept a distribution before compile, drawn in ms and kept as whole steps", function()
    local net = ann.Network{seed = 4}
    local pop = net:create(50, ann.Neuron{equations = "v += 1", spike = "v > 2", reset = "v = 0",
      refractory = 2.0})
    pop.refractory = ann.Uniform(1, 5)
    net:compile{silent = true}
    local r = pop.refractory
    for i = 1, 50 do
      assert.is_true(r[i] >= 1 and r[i] < 5 and r[i] == math.floor(r[i]))
    end
    assert.is_true(r:std() > 0)
    net:simulate(10)
  end)
end)
