-- User errors of the reference (its error sections) that no other spec covers: each is raised
-- with a message naming the object and the fault (docs/errors.md lists them all).
local ann = require("annarchy")

local support = dofile("tests/support.lua")
local fails_with = support.fails_with

local R = ann.Neuron{parameters = "tau = 10.0 : population", equations = "tau * dr/dt = -r", name = "R"}
local function net2()
  local n = ann.Network{}
  return n, n:create(3, R), n:create(3, R)
end

describe("model analysis", function()
  it("declarations", function()
    fails_with(function() ann.Network{}:create(2, ann.Neuron{parameters = "x = 1.0", equations = "x = 2\n r = x"}) end,
      "attributes must be declared only once ('x' is already declared)")
    fails_with(function() ann.Network{}:create(2, ann.Neuron{parameters = "x = 1.0 : projection", equations = "r = x"}) end,
      'the attribute x belongs to a neuron, the flag "projection" is forbidden')
    fails_with(function()
      local n, a, b = net2()
      n:connect(a, b, "exc", {synapse = ann.Synapse{parameters = "x = 1.0 : population", psp = "w * pre.r"}})
    end, 'the attribute x belongs to a synapse, the flag "population" is forbidden')
    fails_with(function() return ann.Neuron{parameters = 5, equations = "r = 1"} end,
      "parameters should either be a table or a multi-line string")
  end)

  it("statements and expressions", function()
    fails_with(function() ann.Network{}:create(2, ann.Neuron{equations = "r = x = 1"}) end,
      "only one assignment operator is allowed per equation")
    fails_with(function() ann.Network{}:create(2, ann.Neuron{equations = "r = f(1)", functions = "f(x) = x + y"}) end,
      "function 1: unknown name 'y' (a function only sees its arguments and constants)")
    fails_with(function() ann.Network{}:create(2, ann.Neuron{equations = "r = 1 +* 2"}) end,
      "equation 1: unexpected '*'")
    fails_with(function()
      local n, a, b = net2()
      n:connect(a, b, "exc", {synapse = ann.Synapse{psp = "w * pre.sum()"}})
    end, "pre.sum() requires one argument")
    fails_with(function()
      local n, a, b = net2()
      n:connect(a, b, "exc", {synapse = ann.Synapse{psp = "w * pre.foo"}})
    end, "the pre-synaptic neuron \"R\" has no attribute called 'foo'")
  end)
end)

describe("creation and connection", function()
  it("populations, views, monitors", function()
    fails_with(function() ann.Network{}:create{} end, "either 'geometry' or 'population' must be provided")
    fails_with(function() local _, a, b = net2(); return a[1] + b[1] end,
      "can only add two PopulationViews of the same population")
    fails_with(function() local _, a = net2(); a:compute_firing_rate(10) end,
      "compute_firing_rate(): the neuron is already rate-coded")
    fails_with(function() local n = net2(); n:monitor(5, "r") end, "Monitor: the object must be a Population")
    fails_with(function() local _, a = net2(); a.tau = {1, 2, 3} end,
      "expected a single value for the global attribute 'tau'")
  end)

  it("connectors", function()
    fails_with(function() local n, a, b = net2(); n:connect(a, b, "exc"):one_to_one(1.0, {storage_format = "dense"}) end,
      "The usage of 'dense' storage format on one-to-one pattern is not allowed.")
    fails_with(function() local n, a, b = net2(); n:connect(a, b, "exc"):from_matrix({{1, 2}, {3, 4}}) end,
      "from_matrix: the matrix must have the shape (3, 3) (post, pre), got (2, 2)")
    fails_with(function()
      local n, a, b = net2()
      n:connect(a, b, "exc"):from_sparse{pre_ranks = {1, 2}, post_ranks = {1, 2}, weights = {1, 1},
                                         delays = ann.Uniform(1, 2)}
    end, "from_sparse(): only constant delays")
    fails_with(function()
      local n, a, b = net2()
      local lil = ann.LILConnectivity(1.0)
      lil:add(1, {1, 1}, 1.0)
      n:connect(a, b, "exc"):from_function(function() return lil end)
      n:compile()
    end, "The same synapse has been declared multiple times! Check your code.")
  end)

  it("a connector called twice before compile warns that the data is overwritten", function()
    local n, a, b = net2()
    local p = n:connect(a, b, "exc"):all_to_all(1.0)
    local said, ok, err = support.stderr_of(p.one_to_one, p, 1.0)
    assert(ok, err)
    assert.truthy(said:find("Projection proj0 was already connected: its data will be overwritten.", 1, true))
  end)
end)

describe("after compile", function()
  it("delays, structural plasticity, copies", function()
    fails_with(function()
      local n, a, b = net2()
      local p = n:connect(a, b, "exc"):all_to_all(1.0)
      n:compile()
      p.delay = 5.0
    end, "the projection was instantiated without delays, it is too late to create them")
    fails_with(function()
      local n, a, b = net2()
      n:config{structural_plasticity = true}
      local p = n:connect(a, b, "exc"):all_to_all(1.0)
      n:compile()
      p:start_pruning()
    end, "the synapse does not define a 'pruning' argument.")
    fails_with(function() local n = net2(); n:copy() end,
      "only networks built by a class (ann.Network:extend) can be copied")
  end)
end)

describe("values and objects", function()
  it("views, neurons, the seed, synapses", function()
    fails_with(function() local _, a = net2(); a[{1, 2}].tau = 3 end,
      "can not set the value of a global attribute ('tau') from a PopulationView")
    fails_with(function() local _, a = net2(); a:neuron(7) end, 'population "pop0" has only 3 neurons')
    fails_with(function() local n = net2(); n.seed = 3 end, "Network.seed is read-only (use net:config{seed = s})")
    fails_with(function()
      local n, a, b = net2()
      n:config{structural_plasticity = true}
      local p = n:connect(a, b, "exc"):all_to_all(1.0)
      n:compile()
      p:dendrite(1):create_synapse(1)
    end, "Dendrite.create_synapse(): the synapse of rank 1 already exists")
    fails_with(function()
      local n, a, b = net2()
      n:config{structural_plasticity = true}
      local p = n:connect(a, b, "exc"):one_to_one(1.0)
      n:compile()
      p:dendrite(1):prune_synapse(2)
    end, "the synapse with the pre-synaptic neuron of rank 2 did not exist")
  end)
end)

describe("the library", function()
  it("input populations", function()
    fails_with(function() return ann.PoissonPopulation(3, {rates = 5.0, target = "exc"}) end,
      "PoissonPopulation: give either rates or target, not both")
    fails_with(function() return ann.PoissonPopulation(3) end, "PoissonPopulation: either rates or target must be given")
    fails_with(function() return ann.SpikeSourceArray({1, "2"}) end,
      "SpikeSourceArray: spike_times: item 2 is a string, not a time or a list of times")
    fails_with(function() return ann.TimedArray{rates = {{1, 2}, {3, 4}}, schedule = "often"} end,
      "TimedArray: schedule must be a number of ms or a list of times in ms")
    fails_with(function() return ann.TimedArray{rates = {{1, 2}, {3, 4}}, schedule = {0, 10, 20}} end,
      "TimedArray: the schedule has 3 times but the rates only 2 rows")
    fails_with(function()
      local p = ann.Network{}:create(ann.TimedArray{rates = {{1, 2}, {3, 4}}})
      p.r = 3
    end, "'r' is set by the schedule; use update() to change the rates")
    fails_with(function() return ann.TimedPoissonPopulation{geometry = 2, rates = {{1, 2}, {3, 4}}, schedule = {0}} end,
      "TimedPoissonPopulation: rates has 2 entries but the schedule 1 times")
    fails_with(function()
      local p = ann.Network{}:create(ann.SpikeSourceArray({{1}, {2}}))
      p.spike_times = {{1}}
    end, "spike_times must keep the number of neurons (2), got 1")
    fails_with(function() return ann.HomogeneousCorrelatedSpikeTrains{geometry = 2, rates = 10, corr = 2, tau = 1} end,
      "HomogeneousCorrelatedSpikeTrains: corr must be numbers between 0 and 1")
  end)

  it("functions, reports, saving", function()
    fails_with(function() return ann.functions("errors_spec_nope") end, "there is no function called 'errors_spec_nope'")
    fails_with(function() ann.report(ann.Network{}, {filename = "/tmp/x.txt"}) end,
      "is not supported: use .tex (LaTeX), .md or .qmd (Markdown)")
    local file = os.tmpname()
    fails_with(function()
      local net = ann.Network{}
      net:create(2, R)
      net:save(file)
    end, "Network:save: the network is not compiled yet")
    os.remove(file)
  end)
end)
