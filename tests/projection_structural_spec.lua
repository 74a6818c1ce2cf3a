-- Structural plasticity: synapses created and pruned from the host (reference §13.1, §16.2
-- E13, ranks 1-based here) and by the model's creating/pruning conditions (§13.2).
local ann = require("annarchy")

local Input = ann.Neuron{parameters = "r = 0.0", name = "Input"}

local function close(expected, got)
  local t = ann.is_array(got) and got:flatten():totable() or got
  assert.equal(#expected, #t)
  for i = 1, #expected do assert.is_true(math.abs(expected[i] - t[i]) < 1e-12) end
end

local function network(conn)
  local net = ann.Network{}
  net:config{structural_plasticity = true}
  local pop = net:create(10, Input)
  local p = conn(net:connect(pop, pop, "exc"))
  net:compile()
  return net, p
end

describe("E13 structural plasticity from the host", function()
  it("prune synapses of an all_to_all dendrite", function()
    local _, p = network(function(p) return p:all_to_all(1.0) end)
    local d = p:dendrite(4)
    assert.same({1, 2, 3, 5, 6, 7, 8, 9, 10}, d.pre_ranks)
    d:prune_synapse(3)
    d:prune_synapse(5)
    d:prune_synapses({9, 7})
    assert.same({1, 2, 6, 8, 10}, d.pre_ranks)
    close({1, 1, 1, 1, 1}, d.w)
    assert.equal(86, p.nb_synapses)
  end)

  it("create synapses one by one and several at once", function()
    local _, p = network(function(p) return p:one_to_one(1.0) end)
    local d = p:dendrite(4)
    d:create_synapse(3, {w = 2.0})
    d:create_synapse(5, {w = 2.0})
    d:create_synapse(7, {w = 2.0})
    assert.same({3, 4, 5, 7}, d.pre_ranks)
    close({2, 1, 2, 2}, d.w)
    local _, q = network(function(q) return q:one_to_one(1.0) end)
    q:dendrite(4):create_synapses({3, 5, 7}, {weights = {2.0, 3.0, 4.0}})
    close({2, 1, 3, 4}, q:dendrite(4).w)
    local e = q:dendrite(5)
    e:create_synapses({3, 7}, {weights = {2, 4}})
    assert.same({3, 5, 7}, e.pre_ranks)
    close({2, 1, 4}, e.w)
    e:create_synapses({4, 6, 8}, {weights = {3, 5, 7}})
    assert.same({3, 4, 5, 6, 7, 8}, e.pre_ranks)
  end)

  it("pruning the whole dendrite keeps it, empty", function()
    local _, p = network(function(p) return p:one_to_one(1.0) end)
    p:dendrite(2):prune_synapse(2)
    assert.equal(0, p:dendrite(2).size)
    assert.equal(10, p.size)
  end)

  it("errors: existing synapse, missing synapse, structural plasticity off", function()
    local _, p = network(function(p) return p:one_to_one(1.0) end)
    assert.has_error(function() p:dendrite(4):create_synapse(4) end)
    assert.has_error(function() p:dendrite(4):prune_synapse(5) end)
    local net = ann.Network{}
    local pop = net:create(3, Input)
    local q = net:connect(pop, pop, "exc"):one_to_one(1.0)
    net:compile()
    assert.has_error(function() q:dendrite(1):create_synapse(2) end)
    assert.has_error(function() q:start_pruning() end)
  end)

  it("spiking projections keep transmitting after changes", function()
    local Always = ann.Neuron{parameters = "v = 1.0", equations = "g_exc = 0", spike = "v > 0"}
    local net = ann.Network{}
    net:config{structural_plasticity = true}
    local pop = net:create(4, Always)
    local p = net:connect(pop, pop, "exc"):one_to_one(1.0)
    local m = net:monitor(pop, "g_exc")
    net:compile()
    net:simulate(2)
    p:dendrite(1):create_synapses({2, 3}, {weights = {2.0, 3.0}})
    p:dendrite(4):prune_synapse(4)
    net:simulate(1)
    local g = m:get("g_exc")
    close({0, 0, 0, 0}, g[1])
    close({1, 1, 1, 1}, g[2])
    close({6, 1, 1, 0}, g[3])
  end)
end)

describe("creating and pruning conditions", function()
  it("pruning removes the synapses whose condition holds", function()
    local syn = ann.Synapse{psp = "w * pre.r", pruning = "w < 0.5"}
    local net = ann.Network{}
    local pop = net:create(4, Input)
    local p = net:connect(pop, pop, "exc", {synapse = syn}):all_to_all(1.0)
    net:compile()
    p:dendrite(1).w = {0.1, 0.9, 0.2}
    p:start_pruning()
    net:step()
    assert.same({3}, p:dendrite(1).pre_ranks)
    p:stop_pruning()
  end)

  it("creating adds synapses with the creating weight", function()
    local syn = ann.Synapse{psp = "w * pre.r", creating = ann.Creating("pre.r > 0.5", {proba = 1.0, w = 0.25})}
    local net = ann.Network{}
    local a = net:create(4, Input)
    local b = net:create(2, Input)
    local p = net:connect(a, b, "exc", {synapse = syn}):one_to_one(1.0)
    net:compile()
    a.r = {0, 1, 1, 0}
    p:start_creating(1.0)
    net:step()
    assert.same({1, 2, 3}, p:dendrite(1).pre_ranks)
    close({1.0, 0.25, 0.25}, p:dendrite(1).w)
    assert.same({2, 3}, p:dendrite(2).pre_ranks)
    assert.has_error(function() p:start_pruning() end)
  end)
end)
