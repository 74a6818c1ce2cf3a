-- The last rows of the reference's API: fields and methods of populations, views,
-- projections, monitors and networks that scripts of the reference use.
local ann = require("annarchy")

local N = ann.Neuron{parameters = "tau = 10.0 : population\n baseline = 0.0",
                     equations = "tau * dr/dt = baseline - r", functions = "twice(x) = 2 * x",
                     name = "Leaky"}

describe("Population and PopulationView", function()
  it("pop.functions lists the model's functions; pop.max_delay the longest outgoing delay", function()
    local net = ann.Network{dt = 0.5}
    local a, b = net:create(4, N), net:create(4, N)
    assert.same({"twice"}, a.functions)
    assert.equal(0, a.max_delay)
    net:connect(a, b, "exc"):all_to_all(1.0, {delays = 2.0})
    net:connect(a, b, "inh"):one_to_one(1.0, {delays = 3.0})
    -- 3 ms / 0.5 ms = 6 steps
    assert.equal(6, a.max_delay)
    assert.equal(0, b.max_delay)
  end)

  it("iterates over the neurons in rank order #lua54", function()
    local pop = ann.Network{}:create({2, 3}, N)
    local ranks = {}
    for rank, n in pairs(pop) do
      assert.equal(rank, n.rank)
      ranks[#ranks + 1] = rank
    end
    assert.same({1, 2, 3, 4, 5, 6}, ranks)
    local list = pop.neurons
    assert.equal(6, #list)
    assert.equal(pop, list[6].population)
  end)

  it("a view has parameters, variables, targets and both kinds of coordinates", function()
    local net = ann.Network{}
    local pop = net:create({4, 4}, N)
    net:connect(pop, pop, "exc"):one_to_one(1.0)
    local v = pop:box({2, 3}, {1, 2})   -- rows 2..3, columns 1..2: a 2x2 view
    assert.same(pop.parameters, v.parameters)
    assert.same(pop.variables, v.variables)
    assert.same({"exc"}, v.targets)
    -- population coordinates (row-major, 1-based): (3, 2) is rank (3-1)*4 + 2 = 10
    assert.equal(10, v:rank_from_coordinates({3, 2}))
    assert.same({3, 2}, v:coordinates_from_rank(10))
    -- the view's own 2x2 geometry: (2, 1) is its third neuron
    assert.equal(3, v:rank_from_coordinates({2, 1}, true))
    assert.same({2, 1}, v:coordinates_from_rank(3, true))
    assert.has_error(function() v:coordinates_from_rank(5, true) end)
  end)
end)

describe("Projection delays", function()
  it("max_delay and uniform_delay in steps, before and after compile", function()
    local net = ann.Network{dt = 0.5}
    local a, b = net:create(3, N), net:create(3, N)
    local u = net:connect(a, b, "exc"):all_to_all(1.0, {delays = 2.0})
    local none = net:connect(a, b, "inh"):all_to_all(1.0)
    local var = net:connect(b, a, "exc"):from_matrix({{1, 1, 1}, {1, 1, 1}, {1, 1, 1}},
      {delays = {{0.5, 1.0, 1.5}, {2.0, 2.5, 3.0}, {1.0, 1.0, 1.0}}})
    assert.equal(4, u.max_delay)
    assert.equal(4, u.uniform_delay)
    assert.equal(1, none.max_delay)
    assert.equal(1, none.uniform_delay)
    assert.equal(6, var.max_delay)
    assert.equal(-1, var.uniform_delay)
    net:compile()
    assert.equal(4, u.max_delay)
    assert.equal(4, u.uniform_delay)
    assert.equal(6, var.max_delay)      -- 3 ms / 0.5 ms
    assert.equal(-1, var.uniform_delay)
  end)
end)

describe("Monitor retrieval", function()
  it("m[\"r\"] is m:get(\"r\"); get{force_dict} returns a table for one name", function()
    local net = ann.Network{}
    local pop = net:create(3, N)
    pop.baseline = 1.0
    local m = net:monitor(pop, "r")
    net:compile()
    net:simulate(2)
    local kept = m:get("r", {keep = true})
    local r = m["r"]
    assert.same(kept:totable(), r:totable())
    assert.equal(0, m:get("r").shape[1])   -- m["r"] emptied the buffer, as get does
    net:simulate(1)
    local t = m:get("r", {force_dict = true})
    assert.same({"r"}, (function() local k = {} for name in pairs(t) do k[#k + 1] = name end return k end)())
    assert.equal(1, t.r.shape[1])
    assert.has_error(function() return m.nope end, "annarchy: Monitor has no field, method or recorded variable 'nope'")
  end)
end)

describe("Network", function()
  it("get_constants lists the network's constants, then the global ones it does not shadow", function()
    local g = ann.Constant("api_rows_g", 1.5)
    local net = ann.Network{}
    local own = net:constant("api_rows_own", 2.0)
    local list = net:get_constants()
    assert.equal(own, list[1])
    local found = false
    for _, c in ipairs(list) do if c == g then found = true end end
    assert.is_true(found)
  end)

  it("a Constant stands for its value in Lua arithmetic and comparisons #lua54", function()
    local c = ann.Constant("api_rows_k", 2.0)
    assert.equal(7.0, c * 3 + 1)
    assert.equal(0.5, 1 / c)
    assert.equal(-2.0, -c)
    assert.equal(4.0, c ^ 2)
    assert.is_true(c < 3 and c >= 2)
    c:set(4.0)
    assert.equal(2.0, c - 2)
  end)

  it("directory is the directory of the compiled kernels", function()
    local dir = os.tmpname()
    os.remove(dir)
    local net = ann.Network{}
    net:create(2, N)
    net:compile{directory = dir}
    assert.equal(dir, net.directory)
    os.execute("rm -rf '" .. dir .. "'")
    local other = ann.Network{}
    assert.equal("string", type(other.directory))
  end)

  it("connect{projection = ...} connects a specific projection, alone", function()
    local net = ann.Network{}
    local inp = net:create(2, ann.Neuron{parameters = "r = 0.0", name = "In"})
    local pop = net:create(2, ann.Neuron{equations = "v = g_exc", spike = "v > 1", name = "Out"})
    local proj = net:connect{projection = ann.CurrentInjection(inp, pop, "exc")}
    assert.equal(pop, proj.post)
    assert.has_error(function()
      net:connect{projection = ann.CurrentInjection(inp, pop, "exc"), name = "x"}
    end, "annarchy: Network:connect(): 'name' cannot be given with 'projection': give it to the projection's constructor")
  end)

  it("clear releases the network: it and its objects cannot be used afterwards", function()
    local net = ann.Network{}
    local pop = net:create(2, N)
    local m = net:monitor(pop, "r")
    net:compile()
    net:simulate(1)
    local id = net.id
    net:clear()
    assert.has_error(function() net:simulate(1) end, "annarchy: network " .. id
      .. " was cleared (net:clear()): create a new network")
    assert.has_error(function() return pop.r end)
    assert.has_error(function() return m:get("r") end)
  end)
end)

describe("module-level names", function()
  it("ann.float32 and ann.float64 are the values of dtype", function()
    local net = ann.Network{}
    net:config{dtype = ann.float32}
    net:config{dtype = ann.float64}
    assert.equal("float32", ann.float32)
  end)

  it("ann.every{network, period} registers the function it decorates", function()
    local net = ann.Network{dt = 1.0}
    net:create(1, N)
    local calls = {}
    local fn = ann.every{network = net, period = 10.0}(function(n) calls[#calls + 1] = {n, net.current_step} end)
    assert.equal("function", type(fn))
    net:compile()
    net:simulate(30)
    -- called with n = 0, 1, 2 before the steps at t = 0, 10 and 20 ms
    assert.same({{0, 0}, {1, 10}, {2, 20}}, calls)
    assert.has_error(function() ann.every{network = 3, period = 1} end)
  end)

  it("a parameter may be the quoted name of one of the model's extra_values", function()
    local M = ann.Neuron{parameters = "tau = 'tau_val'", equations = "tau * dr/dt = 1",
                         extra_values = {tau_val = 20.0}}
    assert.same({20, 20}, ann.Network{}:create(2, M).tau:totable())
    assert.has_error(function() ann.Neuron{equations = "r = 1", extra_values = {x = 0 / 0}} end)
  end)

  it("a distribution with rng = net draws from the network's host sequence", function()
    local a, b = ann.Network{seed = 3}, ann.Network{seed = 3}
    local d = ann.Uniform(0.0, 1.0, {rng = a})
    local pop = b:create(4, N)
    pop.baseline = ann.Uniform(0.0, 1.0)   -- the first host draw of network b
    assert.same(pop.baseline:totable(), d:get_values(4):totable())
    assert.has_error(function() ann.Uniform(0, 1, {rng = a, seed = 1}) end)
  end)
end)

describe("Projection:from_matrix_market", function()
  local function mtx(text)
    local name = os.tmpname()
    local f = assert(io.open(name, "w"))
    f:write(text)
    f:close()
    return name
  end

  it("reads a coordinate file of shape (post, pre): each stored entry is a synapse", function()
    local file = mtx("%%MatrixMarket matrix coordinate real general\n% a comment\n2 3 3\n1 1 0.5\n2 3 1.5\n1 2 -2.0\n")
    local net = ann.Network{}
    local pre, post = net:create(3, N), net:create(2, N)
    local p = net:connect(pre, post, "exc"):from_matrix_market(file)
    net:compile()
    os.remove(file)
    assert.same({{1, 2}, {3}}, p.pre_ranks)
    assert.same({0.5, -2.0}, p:dendrite(1).w:totable())
    assert.same({1.5}, p:dendrite(2).w:totable())
  end)

  it("mirrors a symmetric matrix, gives pattern entries the weight 1, refuses other forms", function()
    local file = mtx("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 3\n")
    local net = ann.Network{}
    local a, b = net:create(3, N), net:create(3, N)
    local p = net:connect(a, b, "exc"):from_matrix_market(file)
    net:compile()
    os.remove(file)
    assert.same({{2}, {1}, {3}}, p.pre_ranks)
    assert.same({1.0}, p:dendrite(1).w:totable())
    local dense = mtx("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n")
    local net2 = ann.Network{}
    local c, d = net2:create(2, N), net2:create(2, N)
    assert.has_error(function() net2:connect(c, d, "exc"):from_matrix_market(dense) end)
    local wrong = mtx("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1.0\n")
    local ok, err = pcall(function() net2:connect(c, d, "inh"):from_matrix_market(wrong) end)
    os.remove(dense)
    os.remove(wrong)
    assert.is_false(ok)
    assert.truthy(err:find("must have the shape (2, 2) (post, pre), got (3, 3)", 1, true))
  end)
end)
