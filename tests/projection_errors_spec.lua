-- Errors of projections (reference §14.1-14.4), each raised before anything changes.
local ann = require("annarchy")

local Input = ann.Neuron{parameters = "r = 0.0", name = "Input"}
local Output = ann.Neuron{equations = "r = sum(exc)", name = "Output"}
local Spiking = ann.Neuron{parameters = "v = 0.0", spike = "v > 1", name = "Spiking"}

local function err(fn, pattern)
  local ok, msg = pcall(fn)
  assert.is_false(ok, "an error was expected")
  assert.is_truthy(tostring(msg):find(pattern, 1, true),
    ("message %q does not contain %q"):format(tostring(msg), pattern))
end

local function two()
  local net = ann.Network{}
  return net, net:create(4, Input), net:create(4, Output)
end

describe("§14.1 synapse models, when first used", function()
  it("an attribute named like a Projection field", function()
    local net, a, b = two()
    err(function() net:connect(a, b, "exc", {synapse = ann.Synapse{parameters = "size = 1.0"}}) end, "size")
    err(function() net:connect(a, b, "exc", {synapse = ann.Synapse{parameters = "delay = 1.0"}}) end, "delay")
    err(function() net:connect(a, b, "exc", {synapse = ann.Synapse{equations = "target = 1.0"}}) end, "target")
    assert.equal(0, #net:get_projections())
  end)

  it("unknown operation, operation of a spiking synapse", function()
    local net, a, b = two()
    err(function() net:connect(a, b, "exc", {synapse = ann.Synapse{operation = "prod"}}) end,
      "the only operations permitted are")
    local s = net:create(2, Spiking)
    err(function() net:connect(s, s, "exc", {synapse = ann.Synapse{operation = "max"}}) end,
      "spiking synapses can only perform a sum")
  end)

  it("pre.x unknown, ODE in pre_spike, pre.sum without target", function()
    local net, a, b = two()
    err(function() net:connect(a, b, "exc", {synapse = ann.Synapse{psp = "w * pre.u"}}) end, "u")
    local s = net:create(2, Spiking)
    err(function() net:connect(s, s, "exc", {synapse = ann.Synapse{pre_spike = "dw/dt = 1"}}) end,
      "forbidden to use ODEs")
    err(function() net:connect(a, b, "exc", {synapse = ann.Synapse{psp = "w * pre.sum(inh)"}}) end,
      "receives no projection with the type inh")
  end)
end)

describe("§14.2 at connection", function()
  it("missing post or target", function()
    local net, a = two()
    err(function() net:connect(a) end, "the post population must be provided")
    err(function() net:connect(a, a) end, "the target must be specified")
  end)

  it("fixed_number_pre / fixed_number_post too large", function()
    local net, a, b = two()
    local p = net:connect(a, b, "exc")
    err(function() p:fixed_number_pre(5, 1.0) end, "exceeds the size of the population")
    err(function() p:fixed_number_post(5, 1.0) end, "exceeds the size of the population")
  end)

  it("gaussian and dog on views", function()
    local net, a, b = two()
    local p = net:connect(a:range(1, 2), b, "exc")
    err(function() p:gaussian(1.0, 0.5) end, "only possible on whole populations")
    err(function() p:dog(1.0, 0.2, 0.5, 0.6) end, "only possible on whole populations")
  end)

  it("unbounded random delays, invalid delays", function()
    local net, a, b = two()
    local p = net:connect(a, b, "exc")
    err(function() p:all_to_all(1.0, {delays = ann.Normal(2, 1)}) end, "set the max argument")
    err(function() p:all_to_all(1.0, {delays = "x"}) end, "delays are not valid")
    err(function() p:all_to_all(1.0, {dealys = 1}) end, "unknown option 'dealys'")
  end)

  it("from_matrix shape, from_sparse delays", function()
    local net, a, b = two()
    local p = net:connect(a, b, "exc")
    err(function() p:from_matrix{{1, 2}, {3, 4}} end, "the matrix must have the shape (4, 4)")
    err(function() p:from_sparse{pre_ranks = {1}, post_ranks = {1}, weights = {1}, delays = ann.Uniform(1, 2)} end,
      "only constant delays")
  end)

  it("LILConnectivity: the same synapse twice", function()
    local LIL = require("annarchy.connectors").LILConnectivity
    local net, a, b = two()
    net:connect(a, b, "exc"):from_function(function(_, _, dt)
      local lil = LIL(dt)
      lil:add(1, {1, 2}, 1.0)
      lil:add(1, {2}, 1.0)
      return lil
    end)
    err(function() net:compile() end, "")
    assert.is_false(net.compiled)
  end)
end)

describe("§14.3 at compile", function()
  it("a projection without connector; the network stays uncompiled", function()
    local net, a, b = two()
    net:connect(a, b, "exc")
    err(function() net:compile() end, "has not been connected. Call a connector method")
    assert.is_false(net.compiled)
  end)

  it("a psp reading a global pre variable through per-synapse delays", function()
    local G = ann.Neuron{equations = {"r = 1.0", "g = 1.0 : population"}}
    local net = ann.Network{}
    local a = net:create(3, G)
    local b = net:create(3, Output)
    net:connect(a, b, "exc", {synapse = ann.Synapse{psp = "w * pre.g"}}):all_to_all(1.0,
      {delays = ann.Uniform(1, 3)})
    err(function() net:compile() end, "global variable with a non-uniform delay")
  end)

  it("no projection after compile", function()
    local net, a, b = two()
    net:connect(a, b, "exc"):all_to_all(1.0)
    net:compile()
    err(function() net:connect(a, b, "exc") end, "after the network has been compiled")
  end)
end)

describe("§14.4 after compile", function()
  local function compiled(opts)
    local net, a, b = two()
    local syn = ann.Synapse{parameters = "g = 1.0 : projection\n s = 1.0 : postsynaptic"}
    local p = net:connect(a, b:range(1, 3), "exc", {synapse = syn}):all_to_all(1.0, opts)
    net:compile()
    return net, p
  end

  it("dendrites", function()
    local _, p = compiled()
    err(function() p:dendrite(4) end, "the neuron of rank 4 has no dendrite in this projection")
    err(function() p:dendrite(9) end, "out of range")
  end)

  it("wrong list sizes, a list for a global", function()
    local _, p = compiled({force_multiple_weights = true})
    err(function() p.w = {{1, 2, 3, 4}, {1, 2, 3, 4}} end, "the list must have the same size")
    err(function() p.w = {{1, 2, 3, 4}, {1, 2, 3}, {1, 2, 3, 4}} end, "receives 4 synapses and not 3")
    err(function() p.g = {1, 2, 3} end, "is global to the projection")
    err(function() p:dendrite(1).g = 2 end, "should not be updated through dendrites")
    err(function() p.s = {1, 2} end, "the list must have the same size")
    local before = p.w[2]:totable()
    assert.same({1, 1, 1, 1}, before)
  end)

  it("delays that can not be created", function()
    local _, p = compiled()
    err(function() p.delay = 3.0 end, "too late to create them")
    local _, q = compiled({delays = 2.0})
    err(function() q.delay = {{1, 2, 3, 4}, {1, 1, 1, 1}, {1, 1, 1, 1}} end, "per-synapse delays")
  end)

  it("enable_learning offsets", function()
    local _, p = compiled()
    err(function() p:enable_learning{period = 2.0, offset = 2.0} end, "the offset must be smaller than the period")
    err(function() p:enable_learning{offset = 1.0} end, "you have to define a period")
  end)

  it("structural plasticity misuse", function()
    local _, p = compiled()
    err(function() p:dendrite(1):create_synapse(2) end, "structural_plasticity")
    err(function() p:start_creating() end, "structural_plasticity")
    local net, a, b = two()
    local q = net:connect(a, b, "exc", {synapse = ann.Synapse{pruning = "w < 0"}}):all_to_all(1.0)
    err(function() q:start_pruning() end, "if the network is not compiled")
  end)
end)
